"""Who is on an organization's rolls on a given day (pure), as 组织生活's attendance needs it.

The member service keeps each member's current organization and the dates of their record, not a
dated history of every organization they belonged to; so "on the rolls of O on day D" is read as:
the member is (still) in O's subtree, had joined the party (入党日期, 预备党员 included), had come
into the branch (进入支部日期) and into this system (线下转入's 接收 date) by D, and had not left
the rolls before D. A member transferred away since is no longer in O's subtree and is refused
(docs/ORGLIFE.md names this limit).
"""
from datetime import date


def on_rolls(on: date, joined_on: date, left_on: date | None, branch_joined_on: date | None = None,
             arrived_on: date | None = None) -> bool:
    if joined_on > on:
        return False
    if left_on is not None and left_on <= on:
        return False
    return all(since is None or since <= on for since in (branch_joined_on, arrived_on))
