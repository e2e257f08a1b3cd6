"""Validation of a new member's fields; pure, returns normalized values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.member.domain.id_number import IdNumberError, age_on, parse_id_number
from services.member.domain.names import initials
from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import NOT_TEXT, REQUIRED, blank, code_value, iso_date, record_id, text, version

__all__ = ["FieldErrors", "validate_member_changes", "validate_new_member"]

NAME_MAX = 50
MIN_JOIN_AGE = 18  # 党章 art. 1


def validate_new_member(data: dict, today: date | None = None) -> dict:
    today = today or date.today()
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})

    errors: dict[str, str] = {}
    out: dict = {}

    try:
        out["org_id"] = record_id(data.get("org_id"), invalid="应为党组织编号")
    except ValueError as e:
        errors["org_id"] = str(e)

    try:
        out["name"] = text(data.get("name"), NAME_MAX)
        out["name_initials"] = initials(out["name"])  # derived, like sex and birth date
    except ValueError as e:
        errors["name"] = str(e)

    raw_id = data.get("id_number")
    ident = None
    if blank(raw_id):
        errors["id_number"] = REQUIRED
    elif not isinstance(raw_id, str):
        errors["id_number"] = NOT_TEXT
    else:
        try:
            ident = parse_id_number(raw_id, today=today)
        except IdNumberError as e:
            errors["id_number"] = e.message
        else:
            out["id_number"] = ident.value
            out["sex"] = ident.sex
            out["birth_date"] = ident.birth_date

    for field, table, unknown in (
        ("ethnicity", ETHNICITIES, "未知的民族"),
        ("category", MEMBER_CATEGORIES, "未知的党员类别"),
    ):
        try:
            out[field] = code_value(data.get(field), table, unknown)
        except ValueError as e:
            errors[field] = str(e)

    try:
        joined = iso_date(data.get("joined_on"))
        if joined > today:
            raise ValueError("入党日期不能晚于今天")
        # Age is only checkable once the ID (and so the birth date) is valid.
        if ident is not None and age_on(ident.birth_date, joined) < MIN_JOIN_AGE:
            raise ValueError(f"入党时未满{MIN_JOIN_AGE}周岁")
        out["joined_on"] = joined
    except ValueError as e:
        errors["joined_on"] = str(e)

    if errors:
        raise FieldErrors(errors)
    return out


# What a change of basic information may set; the rest has its own way.
EDITABLE = ("name", "id_number", "ethnicity", "category", "joined_on")
_NOT_EDITABLE = {
    "org_id": "调整所在党组织须办理组织关系转接",
    "sex": "由公民身份号码确定，不能直接修改",
    "birth_date": "由公民身份号码确定，不能直接修改",
    "status": "党籍变动请办理死亡、出党、停止党籍或找回",
}


def validate_member_changes(data: dict, current: Mapping, today: date | None = None) -> tuple[int, dict]:
    """A change of basic information: `version` (as last read) and any of EDITABLE, checked
    together with the member's other current values by the same rules as a new member (age at
    joining needs both birth date and date joined). Returns (version, the normalized values
    that differ from `current`, derived ones such as sex included)."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    for key in data:
        if key != "version" and key not in EDITABLE:
            errors[str(key)] = _NOT_EDITABLE.get(key, "不能在此修改")
    try:
        read_version = version(data.get("version"))
    except ValueError as e:
        errors["version"] = str(e)
    given = {key: data[key] for key in EDITABLE if key in data}
    if not given and set(data) <= {"version"}:
        errors["data"] = "没有要修改的信息"

    merged = {"org_id": current["org_id"], **{key: current[key] for key in EDITABLE}, **given}
    try:
        out = validate_new_member(merged, today=today)
    except FieldErrors as exc:
        out = None
        errors.update({key: message for key, message in exc.fields.items() if key not in errors})
    left_on = current.get("left_on")
    if out is not None and left_on is not None and out["joined_on"] > left_on:
        errors["joined_on"] = "入党日期不能晚于离开党员队伍的日期"
    if errors:
        raise FieldErrors(errors)
    out.pop("org_id")
    return read_version, {key: value for key, value in out.items() if current.get(key) != value}
