"""The organization card (党组织卡片) and its info sets: 组织情况, 单位信息, 组织奖惩. Pure.

The 2011 manual: items marked "*" are system-required (系统必填项) — a card without them
cannot be saved; items on blue are required by the filling norms (必填项) — they may be left
empty while the data is collected, and 校核 lists them; the rest are optional. The stored
manual names the info sets but not their items, so the items below are PMIS's choice of the
ones its screens and the annual report need.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Callable

from services.shared.codes import (
    BODY_LEVELS,
    INDUSTRIES,
    ORG_AFFILIATIONS,
    ORG_SANCTION_KINDS,
    ORG_TYPES,
    PARTY_SETUPS,
    UNIT_CATEGORIES,
    CodeTable,
)
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, code_value, iso_date, optional_text, text, version

from .hierarchy import can_have_children
from .org_fields import validate_new_org

SYSTEM, NORM, OPTIONAL = "system", "norm", "optional"
LEVEL_NAMES = {SYSTEM: "系统必填项", NORM: "必填项", OPTIONAL: "选填项"}

_PHONE = re.compile(r"[0-9+()\- ]{5,30}")
_POSTCODE = re.compile(r"[0-9]{6}")
# 统一社会信用代码 (GB 32100-2015): 18 characters from digits and capitals without I, O, Z, S, V.
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    level: str
    check: Callable  # value -> normalized value (ValueError with a Chinese message); None = empty
    table: CodeTable | None = None
    kind: str = "text"  # text / code / date: how forms show it and how batch conditions compare it

    @property
    def required(self) -> bool:
        return self.level == SYSTEM


def _optional(check):
    """An item that may be empty: None then, otherwise `check`."""
    return lambda value: None if blank(value) else check(value)


def _code(table: CodeTable):
    return lambda value: code_value(value, table, f"未知的{table.name_zh}")


def _past_date(label: str):
    def check(value):
        day = iso_date(value)
        if day > date.today():
            raise ValueError(f"{label}不能晚于今天")
        return day
    return check


def _pattern(regex, message: str, max_length: int):
    def check(value):
        cleaned = text(value, max_length)
        if not regex.fullmatch(cleaned):
            raise ValueError(message)
        return cleaned
    return check


def _text(max_length: int):
    return lambda value: text(value, max_length)


# 组织情况. name, code, type and parent are checked by org_fields (as for every new organization).
CARD_FIELDS = (
    Field("name", "党组织名称", SYSTEM, _text(100)),
    Field("short_name", "党组织简称", OPTIONAL, lambda v: optional_text(v, 50)),
    Field("code", "党组织代码", SYSTEM, _text(20)),
    Field("type", "党组织类别", SYSTEM, _code(ORG_TYPES), ORG_TYPES, "code"),
    Field("affiliation", "隶属关系", NORM, _optional(_code(ORG_AFFILIATIONS)), ORG_AFFILIATIONS, "code"),
    Field("established_on", "成立日期", NORM, _optional(_past_date("成立日期")), kind="date"),
    Field("contact_person", "联系人", NORM, lambda v: optional_text(v, 50)),
    Field("contact_phone", "联系电话", NORM, _optional(_pattern(_PHONE, "联系电话只能包含数字、空格和 + - ( )", 30))),
    Field("address", "通讯地址", OPTIONAL, lambda v: optional_text(v, 200)),
    Field("postcode", "邮政编码", OPTIONAL, _optional(_pattern(_POSTCODE, "邮政编码应为6位数字", 20))),
)
FIELDS = {f.key: f for f in CARD_FIELDS}
EXTRA_KEYS = tuple(f.key for f in CARD_FIELDS if f.key not in ("name", "code", "type"))
# A card edit may change these; the name has 更名 (kept in history), the parent 整建制转移.
EDITABLE = tuple(f.key for f in CARD_FIELDS if f.key != "name")
_NOT_EDITABLE = {
    "name": "党组织名称请通过“更名”修改（旧名称保留在历史中）",
    "parent_id": "调整上级党组织须办理整建制转移",
    "status": "请通过撤销或恢复办理",
    "path": "不能修改",
}

UNIT_FIELDS = (
    Field("name", "单位名称", SYSTEM, _text(100)),
    Field("category", "单位性质类别", SYSTEM, _code(UNIT_CATEGORIES), UNIT_CATEGORIES, "code"),
    Field("party_setup", "建立党组织情况", SYSTEM, _code(PARTY_SETUPS), PARTY_SETUPS, "code"),
    Field("industry", "行业", NORM, _optional(_code(INDUSTRIES)), INDUSTRIES, "code"),
    Field("credit_code", "统一社会信用代码", OPTIONAL,
          _optional(lambda v: _pattern(_CREDIT_CODE, "统一社会信用代码应为18位数字或大写字母", 18)(str(v).upper()))),
)

SANCTION_FIELDS = (
    Field("kind", "奖惩类别", SYSTEM, _code(ORG_SANCTION_KINDS), ORG_SANCTION_KINDS, "code"),
    Field("name", "奖惩名称", SYSTEM, _text(100)),
    Field("approved_on", "批准日期", SYSTEM, _past_date("批准日期"), kind="date"),
    Field("approver", "批准机关", SYSTEM, _text(100)),
    # 表12 表彰 counts a 奖励 by it (optional: rows recorded before count as 未填写).
    Field("level", "批准机关级别", OPTIONAL, _optional(_code(BODY_LEVELS)), BODY_LEVELS, "code"),
    Field("reason", "奖惩原因", OPTIONAL, lambda v: optional_text(v, 500)),
)

INFO_SETS = {"org": CARD_FIELDS, "unit": UNIT_FIELDS, "sanction": SANCTION_FIELDS}

COMMENDED = "1"  # the 奖惩类别 奖励 (ORG_SANCTION_KINDS): 表12 表彰 counts these, not a 惩处


def commendation_facts(rows) -> list:
    """[[批准日期, 级别], …] of an organization's 奖励 rows ({kind, approved_on, level, id}), oldest
    first: what its events carry for 表12 表彰 (the member side: member/domain/info_sets)."""
    return [[row["approved_on"].isoformat(), row.get("level")]
            for row in sorted(rows, key=lambda row: (row["approved_on"], row.get("id") or 0))
            if row["kind"] == COMMENDED]


def _check(fields, data: Mapping, errors: dict) -> dict:
    out = {}
    for field in fields:
        try:
            out[field.key] = field.check(data.get(field.key))
        except ValueError as exc:
            errors[field.key] = str(exc)
    return out


def _mapping(data) -> Mapping:
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    return data


def validate_new_card(data) -> dict:
    """A new organization: the system-required items (and parent) plus any card items given."""
    data = _mapping(data)
    errors: dict[str, str] = {}
    try:
        out = validate_new_org(data)
    except FieldErrors as exc:
        out, errors = {}, dict(exc.fields)
    out.update(_check([FIELDS[key] for key in EXTRA_KEYS], data, errors))
    if errors:
        raise FieldErrors(errors)
    return out


def validate_card_changes(data, current: Mapping) -> tuple[int, dict]:
    """A card edit: `version` (as last read) and any EDITABLE items; returns (version, the
    normalized items that differ from `current`)."""
    data = _mapping(data)
    errors: dict[str, str] = {}
    for key in data:
        if key != "version" and key not in EDITABLE:
            errors[str(key)] = _NOT_EDITABLE.get(key, "不能在此修改")
    try:
        read_version = version(data.get("version"))
    except ValueError as exc:
        errors["version"] = str(exc)
    given = {key: data[key] for key in EDITABLE if key in data}
    if not given and set(data) <= {"version"}:
        errors["data"] = "没有要修改的信息"
    out = _check([FIELDS[key] for key in given], given, errors)
    if "code" in out and not errors.get("code"):
        try:  # the same code rule as a new organization
            validate_new_org({"name": "x", "code": out["code"], "type": "31", "parent_id": 1})
        except FieldErrors as exc:
            errors["code"] = exc.fields["code"]
    if errors:
        raise FieldErrors(errors)
    return read_version, {key: value for key, value in out.items() if current.get(key) != value}


def check_type_change(new_type: str, has_children: bool) -> None:
    if has_children and not can_have_children(new_type):
        raise FieldErrors({"type": f"该党组织有下级党组织，不能改为{ORG_TYPES.name(new_type)}"})


def validate_entry(fields, data) -> dict:
    """One record of 单位信息 or 组织奖惩: every system-required item, optional ones normalized."""
    data = _mapping(data)
    errors: dict[str, str] = {}
    out = _check(fields, data, errors)
    for key in data:
        if key not in {f.key for f in fields} and key != "version":
            errors.setdefault(str(key), "未知的信息项")
    if errors:
        raise FieldErrors(errors)
    return out


def read_version(data) -> int | None:
    """The optional `version` of an action (revoke, delete…): None when not given."""
    value = data.get("version") if isinstance(data, Mapping) else None
    if blank(value):
        return None
    try:
        return version(value)
    except ValueError as exc:
        raise FieldErrors({"version": str(exc)}) from None


def dated_reason(data, action: str, established_on: date | None, today: date, out: dict, errors: dict) -> None:
    """The date (not in the future, not before the organization was set up) and the reason of an
    action on an organization (撤销, 移动): into `out`, or their messages into `errors`."""
    try:
        day = iso_date(data.get("date"))
        if day > today:
            raise ValueError(f"{action}日期不能晚于今天")
        if established_on is not None and day < established_on:
            raise ValueError(f"{action}日期不能早于成立日期")
        out["date"] = day
    except ValueError as exc:
        errors["date"] = str(exc)
    try:
        out["reason"] = text(data.get("reason"), 500)
    except ValueError as exc:
        errors["reason"] = str(exc)


def validate_revoke(data, established_on: date | None, today: date | None = None) -> dict:
    """撤销: the date (not in the future, not before the organization was set up) and reason."""
    data = _mapping(data)
    today = today or date.today()
    errors: dict[str, str] = {}
    out: dict = {}
    dated_reason(data, "撤销", established_on, today, out, errors)
    try:
        out["version"] = read_version(data)
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    return out


def display(fields, key: str, value) -> str | None:
    """How an item's stored value reads in history and previews: code names, ISO dates."""
    if value is None or value == "":
        return None
    field = {f.key: f for f in fields}.get(key)
    if field is not None and field.table is not None and value in field.table:
        return field.table.name(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def label(fields, key: str) -> str:
    return {f.key: f.label for f in fields}.get(key, key)


def plain(value):
    """A JSON value for history and batch records (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def changes_list(fields, before: Mapping, after: Mapping) -> list[dict]:
    """[{field, label, old, new}] of the items that differ, for the history."""
    return [{"field": f.key, "label": f.label, "old": plain(before.get(f.key)), "new": plain(after.get(f.key))}
            for f in fields if f.key in after and before.get(f.key) != after.get(f.key)]
