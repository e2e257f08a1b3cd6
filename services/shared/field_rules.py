"""Field rules shared by every info set: required, text, length, code-table values.

Each raises ValueError with the Chinese message for that field; validators collect them into
one FieldErrors.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

REQUIRED = "必填"
NOT_TEXT = "应为文本"
# Cc = control, Cf = invisible format chars (zero-width, bidi overrides), Cs = surrogates.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, max_length: int) -> str:
    """A required single-line text, stripped."""
    if blank(value):
        raise ValueError(REQUIRED)
    if not isinstance(value, str):
        raise ValueError(NOT_TEXT)
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise ValueError(f"不能超过{max_length}个字符")
    if any(unicodedata.category(c) in _BAD_CATEGORIES for c in cleaned):
        raise ValueError("不能含有控制字符")
    return cleaned


def optional_text(value, max_length: int) -> str | None:
    """A single-line text that may be left empty (None then)."""
    return None if blank(value) else text(value, max_length)


_PHONE = re.compile(r"[0-9+()\- ]{3,30}")


def optional_phone(value) -> str | None:
    """A telephone number that may be left empty: digits, spaces, +, - and brackets."""
    phone = optional_text(value, 30)
    if phone is not None and not _PHONE.fullmatch(phone):
        raise ValueError("联系电话只能含数字、空格、+、-和括号")
    return phone


def iso_date(value) -> date:
    """A required calendar date, YYYY-MM-DD (or a date object)."""
    if blank(value):
        raise ValueError(REQUIRED)
    # datetime is a date subclass, but a time part here is a caller bug.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        cleaned = value.strip()
        # fromisoformat alone would also take "20240101" and week dates.
        if _ISO_DATE.fullmatch(cleaned):
            try:
                return date.fromisoformat(cleaned)
            except ValueError:
                pass
    raise ValueError("日期格式应为YYYY-MM-DD")


def code_value(value, table, unknown: str) -> str:
    """A required value of a code table, given as its code or name; returns the code."""
    if blank(value):
        raise ValueError(REQUIRED)
    # Codes may arrive as ints (e.g. 1 for "01"); bool is not a code.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(NOT_TEXT)
    code = table.resolve(value)
    if code is None:
        raise ValueError(f"{unknown}：{str(value).strip()}")
    return code


def record_id(value, required: str = REQUIRED, invalid: str = "应为正整数编号") -> int:
    """A required reference to another record: a positive integer, or its decimal digits."""
    if blank(value):
        raise ValueError(required)
    # bool is an int subclass; floats would silently truncate.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValueError(invalid)
    if number <= 0:
        raise ValueError(invalid)
    return number


def version(value) -> int:
    """The record version a client last read (optimistic locking): a positive integer."""
    return record_id(value, invalid="应为正整数（读取时得到的版本号）")


def missing_fields(record, fields) -> list[str]:
    """Labels of the (key, label) fields a record (a mapping) lacks: None or an empty text."""
    return [label for key, label in fields if blank(record.get(key))]


def sheet_form(raw, fields) -> tuple[dict, dict]:
    """A sheet row's cells as a form takes them — text, a blank as None, a date column (`fields`:
    (key, label, is_date) each) also as Excel has it, as ISO text — and {key: Chinese message} of the
    dates that cannot be read. The imports of an info set's or a card record's rows share it."""
    form, problems = {}, {}
    for key, label, is_date in fields:
        text = str(raw.get(key) or "").strip()
        if is_date and text:
            try:
                text = sheet_day(text).isoformat()
            except ValueError as error:
                problems[key] = f"{label}{error}"
                continue
        form[key] = text or None
    return form, problems


def sheet_day(value) -> date:
    """A day as an Excel sheet has it (the imports' date columns): "2025-07-10", "2025/7/10",
    "2025年7月10日", or a date cell's text (with a time part). ValueError (Chinese) otherwise."""
    text = str(value or "").strip()
    if not text:
        raise ValueError("请填写")
    for separator in ("年", "月", "/", "."):
        text = text.replace(separator, "-")
    text = text.removesuffix("日").split(" ")[0].split("T")[0]
    parts = text.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
        raise ValueError("格式应为YYYY-MM-DD")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError("不是有效的日期") from None
