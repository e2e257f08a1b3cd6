"""批量修改 of organizations: which ones (conditions over card items within a subtree), which
item to set, and the preview of old → new values. Pure; the service turns conditions into SQL
and applies the preview."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank

from .hierarchy import can_have_children
from .org_card import CARD_FIELDS, FIELDS, display, plain

MAX_CONDITIONS = 10
MAX_ORGS = 2000  # one batch; more is a sign the conditions are too wide
# Items a batch may set: not the name (更名, one by one) nor the code (unique per organization).
SETTABLE = tuple(f.key for f in CARD_FIELDS if f.key not in ("name", "code"))
QUERYABLE = tuple(f.key for f in CARD_FIELDS)
OPERATORS = {"eq": "等于", "ne": "不等于", "contains": "包含", "empty": "为空", "not_empty": "不为空"}
NO_VALUE = frozenset({"empty", "not_empty"})


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: object = None


@dataclass(frozen=True)
class BatchSpec:
    conditions: tuple[Condition, ...]
    field: str
    value: object  # normalized; None clears the item


def _condition(raw, index: int, errors: dict) -> Condition | None:
    where = f"conditions.{index}"
    if not isinstance(raw, Mapping):
        errors[where] = "条件应为键值对象"
        return None
    field, op = raw.get("field"), raw.get("op", "eq")
    if field not in QUERYABLE:
        errors[f"{where}.field"] = f"不能按该信息项查询：{field}"
        return None
    if op not in OPERATORS:
        errors[f"{where}.op"] = f"未知的条件：{op}"
        return None
    if op in NO_VALUE:
        return Condition(field, op)
    spec = FIELDS[field]
    if op == "contains":
        if spec.kind != "text" or blank(raw.get("value")) or not isinstance(raw.get("value"), str):
            errors[f"{where}.value"] = "“包含”只用于文本信息项，且须填写内容"
            return None
        return Condition(field, op, raw["value"].strip())
    try:
        value = spec.check(raw.get("value"))
    except ValueError as exc:
        errors[f"{where}.value"] = str(exc)
        return None
    if value is None:
        errors[f"{where}.value"] = "必填（查找空值请用“为空”）"
        return None
    return Condition(field, op, value)


def validate_batch(data) -> BatchSpec:
    """{"conditions": [{"field", "op", "value"}], "field", "value"} → a BatchSpec."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    raw_conditions = data.get("conditions") or []
    if not isinstance(raw_conditions, list):
        errors["conditions"] = "应为条件列表"
        raw_conditions = []
    if len(raw_conditions) > MAX_CONDITIONS:
        errors["conditions"] = f"条件不能超过{MAX_CONDITIONS}个"
    conditions = [_condition(raw, i, errors) for i, raw in enumerate(raw_conditions[:MAX_CONDITIONS])]
    field = data.get("field")
    value = None
    if blank(field):
        errors["field"] = "请选择要修改的信息项"
    elif field not in SETTABLE:
        errors["field"] = "该信息项不能批量修改" if field in FIELDS else f"未知的信息项：{field}"
    else:
        try:
            value = FIELDS[field].check(data.get("value"))
        except ValueError as exc:
            errors["value"] = str(exc)
    if errors:
        raise FieldErrors(errors)
    return BatchSpec(tuple(c for c in conditions if c is not None), field, value)


def preview(orgs: list[Mapping], spec: BatchSpec) -> dict:
    """The matched organizations ({id, name, code, version, has_children, <field>}) whose item
    changes: [{id, name, code, version, old, new, old_name, new_name}] and, separately, those
    that cannot take the new value with the reason."""
    changes, problems = [], []
    for org in orgs:
        old = org.get(spec.field)
        if old == spec.value:
            continue
        item = {"id": org["id"], "name": org["name"], "code": org["code"], "version": org["version"],
                "old": plain(old), "new": plain(spec.value), "old_name": display(CARD_FIELDS, spec.field, old),
                "new_name": display(CARD_FIELDS, spec.field, spec.value)}
        if spec.field == "type" and org.get("has_children") and not can_have_children(spec.value):
            problems.append({**item, "message": "有下级党组织，不能改为该类别"})
        else:
            changes.append(item)
    return {"changes": changes, "problems": problems}
