"""The check kinds a rule version can name for a step (`"checks": {kind: params}`).

Each takes the step's fields (and what else it needs) and returns the Chinese refusals of the
rule; malformed fields are bad input and raise FieldErrors (400), not a refusal (422). The
numbers (how many introducers, how many days of training, …) come from the version's params.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank

FULL_CATEGORY, ACTIVE = "01", "active"  # 正式党员; 在册 (GLOSSARY)
CATEGORY_NAMES = {"01": "正式党员", "02": "预备党员"}
MAX_COUNT = 100_000  # no branch meeting has more voters; stops absurd numbers early
MAX_PEOPLE = 10


_DIGITS = re.compile(r"[0-9]{1,9}")


def whole_number(value):
    """A whole number given as text ("12") becomes an int; anything else is returned as is."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return value


def count(fields: Mapping, name: str, label: str, errors: dict, *, required: bool = True) -> int | None:
    """A whole number ≥ 0 (not a bool), or None when optional and absent; errors[name] otherwise."""
    value = fields.get(name)
    if blank(value):
        if required:
            errors[name] = f"请填写{label}"
        return None
    value = whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        errors[name] = f"{label}应为0到{MAX_COUNT}之间的整数"
        return None
    return value


def _people(fields: Mapping, name: str, label: str) -> list[Mapping]:
    people = fields.get(name)
    if not isinstance(people, list) or not people:
        raise FieldErrors({name: f"请填写{label}"})
    if len(people) > MAX_PEOPLE or not all(isinstance(p, Mapping) and not blank(p.get("name")) for p in people):
        raise FieldErrors({name: f"{label}应为最多{MAX_PEOPLE}人的名单，每人须有姓名"})
    return people


def _not_full(people: list[Mapping]) -> list[str]:
    """Names of the people who are not full members on the rolls, with what they are."""
    out = []
    for person in people:
        if person.get("status", ACTIVE) != ACTIVE:
            out.append(f"{person['name']}（不在党员名册中）")
        elif (category := person.get("category")) != FULL_CATEGORY:
            name = CATEGORY_NAMES.get(category, "非党员") if isinstance(category, str) else "非党员"
            out.append(f"{person['name']}（{name}）")
    return out


def _duplicated(people: list[Mapping]) -> bool:
    keys = [str(person.get("member_id") or person["name"]).strip() for person in people]
    return len(set(keys)) != len(keys)


def _group(people: list[Mapping], label: str, low: int, high: int) -> list[str]:
    """low–high different full members."""
    problems = []
    if not low <= len(people) <= high:
        wanted = f"{low}" if low == high else f"{low}至{high}"
        problems.append(f"{label}应为{wanted}名正式党员，现有{len(people)}名")
    if _duplicated(people):
        problems.append(f"{label}不能是同一人")
    if bad := _not_full(people):
        problems.append(f"{label}须为正式党员：" + "、".join(bad))
    return problems


def contacts(params: Mapping, fields: Mapping) -> list[str]:
    """培养联系人: min–max different full members."""
    return _group(_people(fields, "contacts", "培养联系人"), "培养联系人", params["min"], params["max"])


def introducers(params: Mapping, fields: Mapping) -> list[str]:
    """入党介绍人: min–max (the 2014 细则: exactly 2) different full members."""
    return _group(_people(fields, "introducers", "入党介绍人"), "入党介绍人", params["min"], params["max"])


def passed(fields: Mapping) -> bool:
    """The result of a review (`passed`: true 合格 / false 不合格); required."""
    value = fields.get("passed")
    if not isinstance(value, bool):
        raise FieldErrors({"passed": "请选择审查结果（合格或不合格）"})
    return value


def result(params: Mapping, fields: Mapping) -> list[str]:
    """A review's result is required; a failed one is recorded and stops development."""
    passed(fields)
    return []


def training(params: Mapping, fields: Mapping) -> list[str]:
    """集中培训: at least min_days days or min_hours class hours (either suffices)."""
    errors: dict[str, str] = {}
    days = count(fields, "days", "培训天数", errors, required=False)
    hours = count(fields, "hours", "培训学时", errors, required=False)
    if not errors and days is None and hours is None:
        errors["days"] = "请填写培训天数或学时"
    if errors:
        raise FieldErrors(errors)
    if (days or 0) >= params["min_days"] or (hours or 0) >= params["min_hours"]:
        return []
    return [f"集中培训时间不少于{params['min_days']}天或{params['min_hours']}学时"
            f"（现为{days or 0}天、{hours or 0}学时）"]


def votes(params: Mapping, fields: Mapping) -> list[str]:
    """支部大会 votes (细则 第二十、二十一条; 转正 the same, 第三十三条):
    entitled = 应到会有表决权的正式党员, present = 实到会有表决权的, written = absent ones'
    written opinions received before the meeting (counted in the votes), yes = 赞成 (written
    ones included). Quorum: present > entitled / 2; passed: yes > entitled / 2."""
    if params.get("optional") and all(blank(fields.get(name)) for name in ("entitled", "present", "yes")):
        return []
    errors: dict[str, str] = {}
    entitled = count(fields, "entitled", "应到会有表决权人数", errors)
    present = count(fields, "present", "实到会有表决权人数", errors)
    written = count(fields, "written", "书面意见人数", errors, required=False) or 0
    yes = count(fields, "yes", "赞成票数", errors)
    if not errors:
        if entitled == 0:
            errors["entitled"] = "应到会有表决权人数应大于0"
        elif present + written > entitled:
            errors["present"] = "实到会人数与书面意见人数之和不能超过应到会人数"
        elif yes > present + written:
            errors["yes"] = "赞成票数不能超过实到会人数与书面意见人数之和"
    if errors:
        raise FieldErrors(errors)
    problems = []
    if present * 2 <= entitled:
        problems.append(f"有表决权的到会人数（{present}）须超过应到会有表决权人数（{entitled}）的半数，会议无效")
    if yes * 2 <= entitled:
        problems.append(f"赞成票（{yes}）须超过应到会有表决权的正式党员（{entitled}）的半数，未能通过")
    return problems


def not_temporary(params: Mapping, fields: Mapping, org_kind: str | None, temporary: frozenset[str]) -> list[str]:
    """临时党组织 cannot accept or approve: the branch's kind, or the approving organization's
    (`params.field` names the field holding its org-type code)."""
    if field := params.get("field"):
        org_kind = fields.get(field)
        if blank(org_kind) or not isinstance(org_kind, str):
            raise FieldErrors({field: "请填写审批党组织的类别"})
        return ["临时党组织不能审批预备党员"] if org_kind in temporary else []
    return ["临时党组织不能接收预备党员，也不能讨论预备党员转正等事项"] if org_kind in temporary else []
