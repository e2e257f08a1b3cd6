"""Validation of a new member's fields; pure, returns normalized values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

from services.member.domain.id_number import IdNumberError, age_on, parse_id_number
from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES
from services.shared.field_errors import FieldErrors

__all__ = ["FieldErrors", "validate_new_member"]

REQUIRED = "必填"
NOT_TEXT = "应为文本"
NAME_MAX = 50
MIN_JOIN_AGE = 18  # 党章 art. 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Cc = control, Cf = invisible format chars (zero-width, bidi overrides).
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_name(value) -> str:
    """Returns the stripped name or raises ValueError with the message."""
    if _blank(value):
        raise ValueError(REQUIRED)
    if not isinstance(value, str):
        raise ValueError(NOT_TEXT)
    name = value.strip()
    if len(name) > NAME_MAX:
        raise ValueError(f"不能超过{NAME_MAX}个字符")
    if any(unicodedata.category(c) in _BAD_CATEGORIES for c in name):
        raise ValueError("不能含有控制字符")
    return name


def _code(value, table, unknown: str) -> str:
    if _blank(value):
        raise ValueError(REQUIRED)
    # Codes may arrive as ints (e.g. 1 for "01"); bool is not a code.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(NOT_TEXT)
    code = table.resolve(value)
    if code is None:
        raise ValueError(f"{unknown}：{str(value).strip()}")
    return code


def _date(value) -> date:
    if _blank(value):
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
        out["name"] = _clean_name(data.get("name"))
    except ValueError as e:
        errors["name"] = str(e)

    raw_id = data.get("id_number")
    ident = None
    if _blank(raw_id):
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
            out[field] = _code(data.get(field), table, unknown)
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
