"""校核: the problems of one organization's card and of its type against its members. Pure.

Structure rules (RULES.md §3, 支部工作条例 2018): a 党支部 needs ≥3 full members (fewer →
联合党支部) and normally ≤50 members; a 党总支 is for 50–100 members and a 基层党委 for ≥100
— either may be set up below that with the higher level's approval, so those are warnings to
look at, not refusals; a branch with no members at all is an empty shell. A 地方委员会
(省委/市委/县委 …) leads whole regions: no member-count rule of a grassroots organization is its.
"""
from __future__ import annotations

from dataclasses import dataclass

from .org_card import CARD_FIELDS, NORM, SYSTEM

BRANCH, JOINT_BRANCH, TEMPORARY_BRANCH, GENERAL_BRANCH, COMMITTEE = "31", "32", "33", "21", "11"
LOCAL_COMMITTEE = "10"
BRANCH_TYPES = frozenset({BRANCH, JOINT_BRANCH, TEMPORARY_BRANCH})
BRANCH_MIN_FULL, BRANCH_MAX = 3, 50
GENERAL_BRANCH_RANGE = (50, 100)
COMMITTEE_MIN = 100


@dataclass(frozen=True)
class Counts:
    """Active members: directly in the organization (full ones among them), and in its subtree."""
    direct: int = 0
    direct_full: int = 0
    subtree: int = 0


def card_problems(org: dict) -> list[tuple[str, str]]:
    """(field, message) for every required item left empty (system-required ones too: data
    imported or written before a rule existed)."""
    return [(f.key, f"{f.label}未填写（{'系统必填项' if f.level == SYSTEM else '必填项'}）")
            for f in CARD_FIELDS if f.level in (SYSTEM, NORM) and org.get(f.key) in (None, "")]


def structure_problems(type_code: str, counts: Counts, is_root: bool = False) -> list[tuple[str, str]]:
    """(field, message) where the organization's type does not fit its members."""
    problems = []
    if type_code == LOCAL_COMMITTEE:
        return problems
    if type_code in BRANCH_TYPES:
        if counts.direct == 0:
            problems.append(("members", "党支部没有党员"))
        elif type_code == BRANCH and counts.direct_full < BRANCH_MIN_FULL:
            problems.append(("type", f"正式党员{counts.direct_full}人，不足{BRANCH_MIN_FULL}人，应设为联合党支部"))
        if type_code == BRANCH and counts.direct > BRANCH_MAX:
            problems.append(("type", f"党员{counts.direct}人，党支部一般不超过{BRANCH_MAX}人，可设党总支"))
    elif type_code == GENERAL_BRANCH:
        low, high = GENERAL_BRANCH_RANGE
        if not low <= counts.subtree <= high:
            problems.append(("type", f"党员{counts.subtree}人，党总支一般为{low}至{high}人（不在此范围须经上级批准）"))
    elif type_code == COMMITTEE and not is_root and counts.subtree < COMMITTEE_MIN:
        problems.append(("type", f"党员{counts.subtree}人，基层党委一般应有{COMMITTEE_MIN}人以上（不足须经上级批准）"))
    return problems


def tally(rows, paths: dict[int, str], checked) -> dict[int, Counts]:
    """Counts of every `checked` organization from the member service's grouped active members
    ({org_id, category, n}); `paths` ({id: path}) of the organizations in `rows` places each
    count in the subtree total of every checked ancestor."""
    checked = set(checked)
    direct: dict[int, int] = {}
    full: dict[int, int] = {}
    for row in rows:
        org_id = int(row["org_id"])
        direct[org_id] = direct.get(org_id, 0) + int(row["n"])
        if row.get("category") == "01":
            full[org_id] = full.get(org_id, 0) + int(row["n"])
    subtree: dict[int, int] = dict.fromkeys(checked, 0)
    for org_id, n in direct.items():
        for part in paths.get(org_id, "").strip("/").split("/"):
            if part and int(part) in checked:
                subtree[int(part)] += n
    return {org_id: Counts(direct.get(org_id, 0), full.get(org_id, 0), subtree[org_id]) for org_id in checked}
