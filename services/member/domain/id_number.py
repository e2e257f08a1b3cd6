"""Resident ID numbers per GB 11643-1999 (RULES.md §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import RuleViolation

# W_i = 2^(17-i) mod 11 for i = 0..16, i.e. 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# S mod 11 -> check character (ISO 7064 MOD 11-2).
_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)
_DIGITS = frozenset("0123456789")


class IdNumberError(RuleViolation):
    """Rejected ID number."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str
    region: str


def _all_digits(s: str) -> bool:
    # str.isdigit() would also accept full-width and other Unicode digits.
    return all(c in _DIGITS for c in s)


def check_char(first17: str) -> str:
    if not isinstance(first17, str) or len(first17) != 17 or not _all_digits(first17):
        raise IdNumberError("公民身份号码前17位应为数字")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    if not isinstance(raw, str):
        raise IdNumberError("公民身份号码应为文本")
    today = today or date.today()
    s = raw.strip()

    if len(s) == 15:
        if not _all_digits(s):
            raise IdNumberError("公民身份号码含有非法字符")
        # Old 15-digit numbers have a 2-digit year and no check character.
        body = s[:6] + "19" + s[6:]
        given_check = None
    elif len(s) == 18:
        body, given_check = s[:17], s[17].upper()
        if not _all_digits(body) or given_check not in _CHECK_CHARS:
            raise IdNumberError("公民身份号码含有非法字符")
    else:
        raise IdNumberError("公民身份号码应为18位")

    region = body[:6]
    if region.startswith("0"):
        raise IdNumberError("公民身份号码中的地址码无效")

    try:
        birth = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise IdNumberError("公民身份号码中的出生日期无效") from None
    if birth < _EARLIEST_BIRTH:
        raise IdNumberError("公民身份号码中的出生日期早于1900年")
    if birth > today:
        raise IdNumberError("公民身份号码中的出生日期晚于今天")

    expected = check_char(body)
    if given_check is not None and given_check != expected:
        raise IdNumberError("公民身份号码校验码错误")

    sex = "1" if int(body[16]) % 2 == 1 else "2"
    return IdNumber(value=body + expected, birth_date=birth, sex=sex, region=region)


def age_on(birth: date, on: date) -> int:
    """Full years; someone born on 29 Feb turns a year older on 1 Mar in common years."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
