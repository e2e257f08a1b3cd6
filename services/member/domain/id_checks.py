"""工作督查 of stored ID numbers (legacy data was imported without today's checks). Pure.

- The person an ID number names is its 17-character body; a 15-digit (GB 11643-1989) number
  names the same person as its 18-digit form (year 19YY). Two records with one person key are
  the same person recorded twice (身份证号重复): the unique index only stops identical strings.
  The SQL function member.id_key (migration member_0006_queries) computes the same key.
- A stored number has a problem when GB 11643 rejects it (length, characters, address code,
  birth date, check character), when it is not in its normalized 18-digit form, or when it
  disagrees with the recorded birth date or sex.
"""
from __future__ import annotations

from datetime import date

from services.shared.codes import SEXES

from .id_number import IdNumberError, parse_id_number


def person_key(number: str) -> str:
    s = number.strip()
    return s[:6] + "19" + s[6:15] if len(s) == 15 else s[:17].upper()


def id_number_problem(number: str, birth_date: date, sex: str, today: date | None = None) -> str | None:
    """The Chinese reason a stored number fails, or None."""
    try:
        parsed = parse_id_number(number, today=today)
    except IdNumberError as exc:
        return exc.message
    if len(number.strip()) == 15:
        return f"15位旧号码，应升级为18位：{parsed.value}"
    if parsed.value != number:
        return f"格式不规范，应为：{parsed.value}"
    if parsed.birth_date != birth_date:
        return f"与出生日期{birth_date.isoformat()}不一致"
    if parsed.sex != sex:
        return f"与性别（{SEXES.name(sex) if sex in SEXES else sex}）不一致"
    return None
