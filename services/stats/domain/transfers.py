"""What a transfer (组织关系转接) counts in the annual report: 转出 at every organization above and
including the one the member left, 转入 at every one above and including the one they joined, by
kind, in the year the move took effect (its 接收 date). Pure.

A common ancestor of both ends counts the transfer both ways: its 上年底 + 增 − 减 = 本年底 still
holds, and a province's report shows its 省内 transfers as RULES.md §7's tables do. 支部间转移
(`between_branches`) is an internal move and counts nothing. An end outside this system (跨省 or
系统外 from here, 线下转入 to here) has no path and counts on one side only.
"""
from collections import Counter

from .counters import CALENDAR, rolled, year_of

TRANSFER_EVENTS = ("member_transferred",)
COUNTED_KINDS = ("within", "cross_province", "outside", "whole_org")  # 省内, 跨省, 系统外, 整建制
TRANSFER_IN, TRANSFER_OUT = "transfer_in", "transfer_out"
WITHIN = "within"


def moves_member(fact: dict) -> bool:
    """A counted 省内 transfer: the member stays in the system and what they counted before it stays
    with the organization they left (counters.placed)."""
    return fact.get("kind") == WITHIN and bool(fact.get("member_id")) and bool(fact.get("from_path")) \
        and bool(fact.get("to_path")) and bool(fact.get("effective_on"))


def sides(fact: dict, cutoff: tuple = CALENDAR) -> list[tuple[str, Counter]]:
    """(path, entries) of each counted end of a transfer fact {kind, effective_on, from_path,
    to_path, members}: the member's old organization counts one 转出, the new one one 转入. A
    整建制转移 counts its `members` (those of the organization's subtree when it moved) at the old
    parent and above as 转出 and at the new parent and above as 转入: the organization moved with
    them and counts neither."""
    kind, year = fact.get("kind"), year_of(fact.get("effective_on"), cutoff)
    members = int(fact.get("members", 1) or 0) if kind == "whole_org" else 1
    if kind not in COUNTED_KINDS or year is None or members <= 0:
        return []
    return [(path, Counter({(dimension, kind, year): members}))
            for path, dimension in ((fact.get("from_path"), TRANSFER_OUT), (fact.get("to_path"), TRANSFER_IN))
            if path]


def transfer_deltas(fact: dict, cutoff: tuple = CALENDAR) -> Counter:
    """Counter deltas (org_id, dimension, kind, year) → n of a transfer counted once (in the report
    year of its 接收 date: `cutoff`, counters.year_of)."""
    result: Counter = Counter()
    for path, entries in sides(fact, cutoff):
        result.update(rolled(entries, path))
    return result
