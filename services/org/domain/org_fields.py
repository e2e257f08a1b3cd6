"""Validation of party organisation fields; pure, returns normalized values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from services.shared.codes import ORG_TYPES
from services.shared.field_errors import FieldErrors

__all__ = ["FieldErrors", "validate_new_org", "validate_rename"]

REQUIRED = "必填"
NOT_TEXT = "应为文本"
NAME_MAX = 100
CODE_MAX = 20
_CODE = re.compile(r"[A-Za-z0-9-]+")
# Cc = control, Cf = invisible format chars (zero-width, bidi overrides).
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name(value) -> str:
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


def _code(value) -> str:
    if _blank(value):
        raise ValueError(REQUIRED)
    if not isinstance(value, str):
        raise ValueError(NOT_TEXT)
    code = value.strip()
    if len(code) > CODE_MAX:
        raise ValueError(f"不能超过{CODE_MAX}个字符")
    if not _CODE.fullmatch(code):
        raise ValueError("只能包含英文字母、数字和连字符")
    return code


def _type(value) -> str:
    if _blank(value):
        raise ValueError(REQUIRED)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(NOT_TEXT)
    code = ORG_TYPES.resolve(value)
    if code is None:
        raise ValueError(f"未知的党组织类别：{str(value).strip()}")
    return code


def _parent_id(value) -> int:
    if _blank(value):
        raise ValueError("上级党组织必填")
    # bool is an int subclass; floats would silently truncate.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValueError("上级党组织ID应为正整数")
    if number <= 0:
        raise ValueError("上级党组织ID应为正整数")
    return number


def validate_new_org(data: dict) -> dict:
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    out: dict = {}
    for field, check in (
        ("name", _name),
        ("code", _code),
        ("type", _type),
        ("parent_id", _parent_id),
    ):
        try:
            out[field] = check(data.get(field))
        except ValueError as e:
            errors[field] = str(e)
    if errors:
        raise FieldErrors(errors)
    return out


def validate_rename(name) -> str:
    try:
        return _name(name)
    except ValueError as e:
        raise FieldErrors({"name": str(e)}) from None
