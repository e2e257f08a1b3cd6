"""Validation of a new member's fields; pure, returns normalized values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.member.domain.id_number import IdNumber, IdNumberError, age_on, parse_id_number
from services.member.domain.names import initials, sort_key
from services.shared.codes import EDUCATION, ETHNICITIES, MEMBER_CATEGORIES, OCCUPATIONS
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import (
    NOT_TEXT,
    REQUIRED,
    blank,
    code_value,
    iso_date,
    optional_phone,
    optional_text,
    record_id,
    text,
    version,
)

__all__ = ["FieldErrors", "validate_member_changes", "validate_new_member"]

NAME_MAX = 50
MIN_JOIN_AGE = 18  # 党章 art. 1
FULL, PROBATIONARY = "01", "02"

# The basic set's fields (基本信息集) beyond the system-required ones. The manuals mark three
# levels: "*" system-required (the card cannot be saved without it: name, ID number — and so
# sex and birth date —, ethnicity, category, date joined, organization), required (must be
# filled; 校核 lists what is missing: REQUIRED_FOR_CHECK) and optional. Old records lack the
# new fields, so they are optional when saving and found by 校核 instead.
OPTIONAL_TEXTS = {"former_name": 50, "native_place": 50, "address": 200}
OPTIONAL_CODES = {"education": (EDUCATION, "未知的学历"), "occupation": (OCCUPATIONS, "未知的工作岗位")}
OPTIONAL_DATES = ("full_on", "branch_joined_on")
EXTRA_FIELDS = (*OPTIONAL_TEXTS, *OPTIONAL_CODES, *OPTIONAL_DATES, "phone")
SYSTEM_REQUIRED = ("name", "id_number", "ethnicity", "category", "joined_on")
REQUIRED_FOR_CHECK = ("native_place", "education", "occupation", "branch_joined_on", "phone")


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

    ident = person(data, out, errors, today)

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

    _extras(data, out, errors, today, ident)
    if errors:
        raise FieldErrors(errors)
    return out


def person(data: Mapping, out: dict, errors: dict, today: date) -> IdNumber | None:
    """The person's name (with its pinyin initials and sort key) and ID number (with the sex
    and birth date it gives) into `out`, or their messages into `errors`: a member's and an
    入党申请人's (domain/applicants.py) alike. The parsed ID number, or None when it is bad."""
    try:
        out["name"] = text(data.get("name"), NAME_MAX)
        out["name_initials"] = initials(out["name"])  # derived, like sex and birth date
        out["name_sort"] = sort_key(out["name"])
    except ValueError as e:
        errors["name"] = str(e)

    raw_id = data.get("id_number")
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
            out.update(id_number=ident.value, sex=ident.sex, birth_date=ident.birth_date)
            return ident
    return None


def _extras(data: Mapping, out: dict, errors: dict, today: date, ident) -> None:
    """The optional basic fields, checked against the required ones already in `out`."""
    for field, limit in OPTIONAL_TEXTS.items():
        try:
            out[field] = optional_text(data.get(field), limit)
        except ValueError as e:
            errors[field] = str(e)
    for field, (table, unknown) in OPTIONAL_CODES.items():
        try:
            out[field] = None if blank(data.get(field)) else code_value(data.get(field), table, unknown)
        except ValueError as e:
            errors[field] = str(e)
    try:
        out["phone"] = optional_phone(data.get("phone"))
    except ValueError as e:
        errors["phone"] = str(e)
    for field in OPTIONAL_DATES:
        try:
            day = None if blank(data.get(field)) else iso_date(data.get(field))
            if day is not None and day > today:
                raise ValueError("日期不能晚于今天")
            if day is not None and ident is not None and day < ident.birth_date:
                raise ValueError("日期不能早于出生日期")
            out[field] = day
        except ValueError as e:
            errors[field] = str(e)
    full_on, joined = out.get("full_on"), out.get("joined_on")
    if full_on is not None and "full_on" not in errors:
        if out.get("category") == PROBATIONARY:
            errors["full_on"] = "预备党员没有转正日期（转正后再填写，并将党员类别改为正式党员）"
        elif joined is not None and full_on < joined:
            errors["full_on"] = "转正日期不能早于入党日期"


# What a change of basic information may set; the rest has its own way.
EDITABLE = ("name", "id_number", "ethnicity", "category", "joined_on", *EXTRA_FIELDS)
_NOT_EDITABLE = {
    "org_id": "调整所在党组织须办理组织关系转接",
    "sex": "由公民身份号码确定，不能直接修改",
    "birth_date": "由公民身份号码确定，不能直接修改",
    "status": "党籍变动请办理死亡、出党、停止党籍或找回",
}
_FROM_INFO_SETS = {"education": "已由学历学位信息集确定（取最高学历），请在该信息集中修改",
                   "occupation": "已由工作岗位信息集确定（取当前岗位），请在该信息集中修改"}


def validate_member_changes(data: dict, current: Mapping, today: date | None = None,
                            from_info_sets: frozenset[str] = frozenset()) -> tuple[int, dict]:
    """A change of basic information: `version` (as last read) and any of EDITABLE, checked
    together with the member's other current values by the same rules as a new member (age at
    joining needs both birth date and date joined). `from_info_sets`: basic fields the
    member's info sets decide now (education, occupation), which cannot be set here.
    Returns (version, the normalized values that differ from `current`, derived ones such as
    sex included)."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    for key in data:
        if key != "version" and key not in EDITABLE:
            errors[str(key)] = _NOT_EDITABLE.get(key, "不能在此修改")
        elif key in from_info_sets:
            errors[key] = _FROM_INFO_SETS[key]
    try:
        read_version = version(data.get("version"))
    except ValueError as e:
        errors["version"] = str(e)
    given = {key: data[key] for key in EDITABLE if key in data}
    if not given and set(data) <= {"version"}:
        errors["data"] = "没有要修改的信息"

    merged = {"org_id": current["org_id"], **{key: current.get(key) for key in EDITABLE}, **given}
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
