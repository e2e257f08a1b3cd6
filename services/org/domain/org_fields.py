"""Validation of party organisation fields; pure, returns normalized values."""

from __future__ import annotations

import re
from collections.abc import Mapping

from services.shared.codes import ORG_TYPES
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import code_value, record_id, text

__all__ = ["FieldErrors", "validate_new_org", "validate_rename"]

NAME_MAX = 100
CODE_MAX = 20
_CODE = re.compile(r"[A-Za-z0-9-]+")


def _name(value) -> str:
    return text(value, NAME_MAX)


def _code(value) -> str:
    code = text(value, CODE_MAX)
    if not _CODE.fullmatch(code):
        raise ValueError("只能包含英文字母、数字和连字符")
    return code


def _type(value) -> str:
    return code_value(value, ORG_TYPES, "未知的党组织类别")


def _parent_id(value) -> int:
    return record_id(value, "上级党组织必填", "上级党组织ID应为正整数")


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
