"""综合查询: a condition tree over member fields, checked against a field catalog. Pure.

A query's `where` is a group: {"join": "and"|"or", "conditions": [...]} whose items are
conditions {"field", "operator", "value"} or groups of conditions (one level only, enough for
"(A 且 B) 或 C"). An empty top group matches every member in the chosen subtree.

Each catalog field has a type; the type decides the operators and how a value is read:
- text: 等于, 不等于, 包含, 开头是, 为空, 不为空 (value: text up to 100 characters)
- code: 等于, 不等于, 为空, 不为空 (value: a code or name of the field's code table)
- date: 等于, 不等于, 早于, 晚于, 介于, 为空, 不为空 (YYYY-MM-DD; 介于 takes [from, to], inclusive)
- number: 等于, 不等于, 小于, 大于, 介于, 为空, 不为空 (whole numbers)

Errors are Chinese, keyed by the condition's position ("2" = second item, "1.3" = third
condition of the first group), so a form can show them beside the row.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import code_value, iso_date, record_id, text

TEXT, CODE, DATE, NUMBER = "text", "code", "date", "number"
TYPE_NAMES = {TEXT: "文本", CODE: "代码", DATE: "日期", NUMBER: "数值"}

EQ, NE, CONTAINS, STARTS, GT, LT, BETWEEN, EMPTY, NOT_EMPTY = (
    "eq", "ne", "contains", "starts", "gt", "lt", "between", "empty", "not_empty")
OPERATOR_NAMES = {EQ: "等于", NE: "不等于", CONTAINS: "包含", STARTS: "开头是", GT: "大于", LT: "小于",
                  BETWEEN: "介于", EMPTY: "为空", NOT_EMPTY: "不为空"}
# Dates read better as 早于/晚于 than 小于/大于.
DATE_OPERATOR_NAMES = {**OPERATOR_NAMES, GT: "晚于", LT: "早于"}
OPERATORS = {
    TEXT: (EQ, NE, CONTAINS, STARTS, EMPTY, NOT_EMPTY),
    CODE: (EQ, NE, EMPTY, NOT_EMPTY),
    DATE: (EQ, NE, LT, GT, BETWEEN, EMPTY, NOT_EMPTY),
    NUMBER: (EQ, NE, LT, GT, BETWEEN, EMPTY, NOT_EMPTY),
}
NO_VALUE = frozenset({EMPTY, NOT_EMPTY})
AND, OR = "and", "or"
JOIN_NAMES = {AND: "并且", OR: "或者"}

TEXT_MAX = 100
NUMBER_MAX = 10**6
MAX_CONDITIONS = 30


@dataclass(frozen=True)
class Field:
    """One queryable item of an info set. `column` and `via` are opaque here (the compiler's
    business): a column of the member row, or of a child info set joined by `via`."""
    key: str
    label: str
    type: str
    codes: Any = None  # a CodeTable for CODE fields
    column: Any = field(default=None, compare=False)
    via: Any = field(default=None, compare=False)  # child table's member id column: an EXISTS field
    info_set: str = "基本信息"

    def operator_name(self, operator: str) -> str:
        return (DATE_OPERATOR_NAMES if self.type == DATE else OPERATOR_NAMES)[operator]


@dataclass(frozen=True)
class Condition:
    field: Field
    operator: str
    value: Any = None  # normalized: str code/text, date, int, or a (low, high) pair for 介于


@dataclass(frozen=True)
class Group:
    join: str
    items: tuple  # Condition or Group (groups only at the top level)


def catalog(*fields: Field) -> dict[str, Field]:
    """Fields by key; a key twice or a code field without its table is a programming error."""
    by_key: dict[str, Field] = {}
    for f in fields:
        if f.key in by_key:
            raise ValueError(f"查询项重复：{f.key}")
        if f.type not in OPERATORS or (f.type == CODE) != (f.codes is not None):
            raise ValueError(f"查询项定义有误：{f.key}")
        by_key[f.key] = f
    return by_key


def _number(value) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.strip().isascii():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError("应为整数")
    if abs(value) > NUMBER_MAX:
        raise ValueError("数值超出范围")
    return value


def field_value(f: Field, value):
    if f.type == TEXT:
        return text(value, TEXT_MAX)
    if f.type == CODE:
        return code_value(value, f.codes, f"{f.codes.name_zh}代码不存在")
    if f.type == DATE:
        return iso_date(value)
    return _number(value)


def _value(f: Field, operator: str, value):
    if operator in NO_VALUE:
        return None
    if operator == BETWEEN:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError("“介于”需要起止两个值")
        low, high = field_value(f, value[0]), field_value(f, value[1])
        if low > high:
            raise ValueError("起始值不能大于终止值")
        return (low, high)
    if isinstance(value, (list, tuple, dict)):
        raise ValueError("应为单个值")
    return field_value(f, value)


def _condition(raw, fields: Mapping[str, Field]) -> Condition:
    key = raw.get("field")
    f = fields.get(key) if isinstance(key, str) else None
    if f is None:
        raise ValueError(f"未知的查询项：{key}" if key not in (None, "") else "请选择查询项")
    operator = raw.get("operator")
    if operator not in OPERATORS[f.type]:
        allowed = "、".join(f.operator_name(op) for op in OPERATORS[f.type])
        shown = OPERATOR_NAMES.get(operator, operator) if isinstance(operator, str) else operator
        raise ValueError(f"{f.label}（{TYPE_NAMES[f.type]}）不能用“{shown}”，可用：{allowed}")
    try:
        value = _value(f, operator, raw.get("value"))
    except ValueError as exc:
        raise ValueError(f"{f.label}的值有误：{exc}") from None
    return Condition(f, operator, value)


def _join(raw, where: str) -> str:
    join = raw.get("join", AND)
    if join not in JOIN_NAMES:
        raise FieldErrors({where or "join": "条件关系应为 and（并且）或 or（或者）"})
    return join


def validate_where(raw, fields: Mapping[str, Field]) -> Group:
    """The condition tree, normalized; FieldErrors with every bad condition at once."""
    if raw is None:
        return Group(AND, ())
    if not isinstance(raw, Mapping):
        raise FieldErrors({"where": "查询条件应为对象"})
    join = _join(raw, "join")
    items_raw = raw.get("conditions", [])
    if not isinstance(items_raw, list):
        raise FieldErrors({"conditions": "条件列表应为数组"})
    errors: dict[str, str] = {}
    items: list = []
    count = 0
    for i, item in enumerate(items_raw, start=1):
        if not isinstance(item, Mapping):
            errors[str(i)] = "条件应为对象"
        elif "conditions" in item:  # a group: its items must be plain conditions
            try:
                group_join = _join(item, f"{i}.join")
            except FieldErrors as exc:
                errors.update(exc.fields)
                continue
            inner = item["conditions"]
            if not isinstance(inner, list) or not inner:
                errors[str(i)] = "条件组不能为空"
                continue
            conditions = []
            for j, sub in enumerate(inner, start=1):
                where = f"{i}.{j}"
                if not isinstance(sub, Mapping) or "conditions" in sub:
                    errors[where] = "条件组内只能是条件（只支持一层括号）"
                    continue
                count += 1
                try:
                    conditions.append(_condition(sub, fields))
                except ValueError as exc:
                    errors[where] = str(exc)
            items.append(Group(group_join, tuple(conditions)))
        else:
            count += 1
            try:
                items.append(_condition(item, fields))
            except ValueError as exc:
                errors[str(i)] = str(exc)
    if count > MAX_CONDITIONS:
        errors["conditions"] = f"条件不能超过{MAX_CONDITIONS}个"
    if errors:
        raise FieldErrors(errors)
    return Group(join, tuple(items))


def plain(group: Group) -> dict:
    """The normalized tree as JSON-plain data (what is stored for a 固定查询)."""
    def item(node):
        if isinstance(node, Group):
            return plain(node)
        value = node.value
        if isinstance(value, tuple):
            value = [v.isoformat() if isinstance(v, date) else v for v in value]
        elif isinstance(value, date):
            value = value.isoformat()
        return {"field": node.field.key, "operator": node.operator, "value": value}
    return {"join": group.join, "conditions": [item(node) for node in group.items]}


def describe(group: Group, top: bool = True) -> str:
    """The tree in words, e.g. "（性别 等于 女 并且 年龄 大于 60）或者 党员类别 等于 预备党员"."""
    def one(node):
        if isinstance(node, Group):
            inner = describe(node, top=False)
            return f"（{inner}）" if len(node.items) > 1 else inner
        f, value = node.field, node.value
        if node.operator in NO_VALUE:
            return f"{f.label} {f.operator_name(node.operator)}"
        if f.type == CODE:
            value = f.codes.name(value)
        elif isinstance(value, tuple):
            value = f"{value[0]} 至 {value[1]}"
        return f"{f.label} {f.operator_name(node.operator)} {value}"
    words = f" {JOIN_NAMES[group.join]} ".join(one(node) for node in group.items)
    return words or ("全部党员" if top else "")


@dataclass(frozen=True)
class Query:
    """A whole 综合查询: the subtree root, whether members in history are included, the tree."""
    org_id: int
    history: bool
    where: Group
    sort: str

    def plain(self) -> dict:
        return {"org_id": self.org_id, "history": self.history, "where": plain(self.where), "sort": self.sort}


def validate_sort(raw, sorts: Mapping[str, Any], default: str) -> str:
    """A whitelisted sort key, "-key" for descending."""
    if raw in (None, ""):
        return default
    if not isinstance(raw, str) or raw.removeprefix("-") not in sorts:
        raise FieldErrors({"sort": "排序项应为：" + "、".join(sorts)})
    return raw


def validate_query(raw, fields: Mapping[str, Field], sorts: Mapping[str, Any], default_sort: str) -> Query:
    """{"org_id", "history", "where", "sort"}: every error at once."""
    if not isinstance(raw, Mapping):
        raise FieldErrors({"query": "查询应为对象"})
    errors: dict[str, str] = {}
    unknown = set(raw) - {"org_id", "history", "where", "sort"}
    for key in sorted(map(str, unknown)):
        errors[key] = "未知的查询参数"
    org_id = history = where = sort = None
    try:
        org_id = record_id(raw.get("org_id"), required="请选择查询范围（党组织）", invalid="应为党组织编号")
    except ValueError as exc:
        errors["org_id"] = str(exc)
    history = raw.get("history", False)
    if not isinstance(history, bool):
        errors["history"] = "应为 true 或 false"
    try:
        where = validate_where(raw.get("where"), fields)
    except FieldErrors as exc:
        errors.update(exc.fields)
    try:
        sort = validate_sort(raw.get("sort"), sorts, default_sort)
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    return Query(org_id, history, where, sort)
