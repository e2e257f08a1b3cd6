"""校核: every problem of a member's card, as the official system's check lists them before a
report or a data package goes up (2013 manual 4.1.2 校核党员信息); pure.

Two kinds: a field the manual requires is empty ("missing": system-required fields cannot be
empty on a saved card, but records from older systems can be), and facts that contradict each
other ("inconsistent"). Each problem names its field, so the page can link to the card.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from .evaluations import whole_year_member
from .id_number import IdNumberError, age_on, parse_id_number
from .member_fields import MIN_JOIN_AGE, PROBATIONARY, REQUIRED_FOR_CHECK, SYSTEM_REQUIRED
from .probation import overdue_joined_before, probation_ends

MISSING, INCONSISTENT = "missing", "inconsistent"
FULL = "01"
LABELS = {"name": "姓名", "id_number": "公民身份号码", "ethnicity": "民族", "category": "党员类别",
          "joined_on": "入党日期", "native_place": "籍贯", "education": "学历", "occupation": "工作岗位",
          "branch_joined_on": "进入支部日期", "phone": "联系电话", "full_on": "转正日期", "sex": "性别",
          "birth_date": "出生日期", "evaluations": "民主评议"}


def _problem(field: str, kind: str, message: str) -> dict:
    return {"field": field, "field_name": LABELS.get(field, field), "kind": kind, "message": message}


def _missing(member: Mapping) -> list[dict]:
    problems = [_problem(f, MISSING, f"缺少系统必填项：{LABELS[f]}") for f in SYSTEM_REQUIRED if not member.get(f)]
    problems += [_problem(f, MISSING, f"缺少必填项：{LABELS[f]}") for f in REQUIRED_FOR_CHECK if not member.get(f)]
    if member.get("category") == FULL and not member.get("full_on"):
        problems.append(_problem("full_on", MISSING, "正式党员缺少转正日期"))
    return problems


def _identity(member: Mapping, today: date) -> list[dict]:
    """The ID number is valid and agrees with the stored sex and birth date."""
    if not member.get("id_number"):
        return []
    try:
        ident = parse_id_number(member["id_number"], today=today)
    except IdNumberError as e:
        return [_problem("id_number", INCONSISTENT, f"公民身份号码无效：{e.message}")]
    problems = []
    if member.get("sex") and member["sex"] != ident.sex:
        problems.append(_problem("sex", INCONSISTENT, "性别与公民身份号码不一致"))
    if member.get("birth_date") and member["birth_date"] != ident.birth_date:
        problems.append(_problem("birth_date", INCONSISTENT, "出生日期与公民身份号码不一致"))
    return problems


def _dates(member: Mapping, today: date) -> list[dict]:
    problems = []
    joined, full_on, birth = member.get("joined_on"), member.get("full_on"), member.get("birth_date")
    if joined and joined > today:
        problems.append(_problem("joined_on", INCONSISTENT, "入党日期晚于今天"))
    if joined and birth and age_on(birth, joined) < MIN_JOIN_AGE:
        problems.append(_problem("joined_on", INCONSISTENT, f"入党时未满{MIN_JOIN_AGE}周岁"))
    if full_on and member.get("category") == PROBATIONARY:
        problems.append(_problem("full_on", INCONSISTENT, "预备党员不应有转正日期"))
    if full_on and joined and full_on < joined:
        problems.append(_problem("full_on", INCONSISTENT,
                                 f"转正日期（{full_on.isoformat()}）早于入党日期（{joined.isoformat()}）"))
    elif full_on and joined and full_on < probation_ends(joined):
        problems.append(_problem("full_on", INCONSISTENT, "转正日期早于预备期满（入党满一年）"))
    if (member.get("category") == PROBATIONARY and joined and member.get("status", "active") == "active"
            and joined < overdue_joined_before(today)):
        problems.append(_problem("category", INCONSISTENT,
                                 f"预备期已于{probation_ends(joined).isoformat()}期满，尚未办理转正、延长或取消资格"))
    branch_on = member.get("branch_joined_on")
    if branch_on and birth and branch_on < birth:
        problems.append(_problem("branch_joined_on", INCONSISTENT, "进入支部日期早于出生日期"))
    return problems


def _evaluations(member: Mapping, years: Iterable[int], today: date) -> list[dict]:
    """民主评议 is yearly: a member who was in the Party for the whole of last year has a grade
    for it (the manual names it among the counted items easily left empty)."""
    last_year, joined = today.year - 1, member.get("joined_on")
    if member.get("status", "active") != "active" or not joined or not whole_year_member(joined, last_year):
        return []
    if last_year not in set(years):
        return [_problem("evaluations", MISSING, f"缺少{last_year}年度民主评议结果")]
    return []


def check_member(member: Mapping, evaluation_years: Iterable[int] = (), today: date | None = None) -> list[dict]:
    """Every problem of one member's card: {"field", "field_name", "kind", "message"} each."""
    today = today or date.today()
    return (_missing(member) + _identity(member, today) + _dates(member, today)
            + _evaluations(member, evaluation_years, today))
