"""Validation of a new member's fields; pure, returns normalized values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from services.member.domain.id_number import IdNumberError, age_on, parse_id_number
from services.member.domain.names import initials
from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import NOT_TEXT, REQUIRED, blank, code_value, record_id, text

__all__ = ["FieldErrors", "validate_new_member"]

NAME_MAX = 50
MIN_JOIN_AGE = 18  # 党章 art. 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value) -> date:
    if blank(value):
        raise ValueError(REQUIRED)
    # datetime is a date subclass, but a time part here is a caller bug.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        # fromisoformat alone would also take "20240101" and week dates.
        if _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    raise ValueError("日期格式应为YYYY-MM-DD")


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
        joined = _date(data.get("joined_on"))
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
