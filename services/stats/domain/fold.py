"""Folding a batch of events into the last counted states and counter deltas: the one apply
logic, pure, so the ingester persists its result and tests run it against a recount.

A state is counted with its version: an event older than (or as old as) the counted version
changes nothing, so the result does not depend on order or repetition. Organization events of
a batch are folded before member events, so a member can be placed under an organization whose
creation arrives in the same batch.
"""
from collections import Counter
from dataclasses import dataclass

from .counters import CALENDAR, org_entries, placed, placed_rolled, rolled

ORG_EVENTS = ("org_created", "org_renamed", "org_updated", "org_revoked", "org_deleted", "org_restored",
              "org_moved")
MEMBER_EVENTS = ("member_created", "member_updated")


@dataclass(frozen=True)
class Fact:
    """A counted state: version (0: nothing counted yet), the organization path it is counted
    under, and the facts (a member's contract facts, or an organization's state)."""
    version: int
    path: str | None
    facts: dict | None


NOTHING = Fact(0, None, None)


def change(old: Fact, new: Fact, entries) -> Counter:
    """What going from `old` to `new` does to the counters: `entries` of new minus old, rolled
    up. Under the same path only the entries that differ are rolled up (an education change
    moves 2 of a member's ~15 entries, at every level of the path)."""
    if old.facts and new.facts and old.path == new.path:
        difference = entries(new.facts)
        difference.subtract(entries(old.facts))
        return rolled(difference, new.path)
    result = rolled(entries(new.facts), new.path) if new.facts else Counter()
    if old.facts:
        result.subtract(rolled(entries(old.facts), old.path))
    return result


def org_state(payload: dict) -> dict:
    """An organization's counted state from an org event payload (missing keys: None)."""
    return {"id": payload.get("id"), "parent_id": payload.get("parent_id"), "path": payload.get("path"),
            "type": payload.get("type"), "status": payload.get("status") or "active",
            "established_on": payload.get("established_on"), "revoked_on": payload.get("revoked_on"),
            "units": [{"category": unit.get("category"), "party_setup": unit.get("party_setup")}
                      for unit in payload.get("units") or ()],
            "commendations": [[str(day)[:10], level or None] for day, level in payload.get("commendations") or ()
                              if day]}


def is_org_event(event: dict) -> bool:
    return event["type"] in ORG_EVENTS


def subject(event: dict) -> int:
    return int(event["aggregate_id"])


@dataclass
class Folded:
    orgs: dict  # org id → Fact, the states that changed
    members: dict  # member id → Fact, the states that changed
    deltas: Counter  # (org_id, dimension, value, year) → n
    deferred: list  # member events that could not be placed yet (organization unknown)


def member_change(old: Fact, new: Fact, moves=(), kinds: dict | None = None, cutoff: tuple = CALENDAR) -> Counter:
    """What a member's going from `old` to `new` does to the counters, each part counted where
    the member was then (`moves`: the member's counted 省内 transfers, counters.placed; `kinds`:
    org id → unit kind). Under the same path only the entries that differ are rolled up (an
    education change moves 2 of a member's ~15 entries, at every level of the path)."""
    if not moves and old.facts and new.facts and old.path == new.path:
        (_, difference), = placed(new.facts, new.path, (), kinds, cutoff)
        difference.subtract(placed(old.facts, old.path, (), kinds, cutoff)[0][1])
        return rolled(difference, new.path)
    result = placed_rolled(new.facts, new.path, moves, kinds, cutoff) if new.facts else Counter()
    if old.facts:
        result.subtract(placed_rolled(old.facts, old.path, moves, kinds, cutoff))
    return result


def fold(events: list, orgs: dict, members: dict, known_paths: dict, moves: dict | None = None,
         kinds: dict | None = None, cutoff: tuple = CALENDAR) -> Folded:
    """Fold `events` (first deliveries only) over the counted `orgs` and `members` ({id: Fact},
    missing = nothing counted). `known_paths` maps org ids to their counted paths (the member
    events' organizations); `moves` member id → the member's counted 省内 transfers; `kinds` org
    id → the unit kind of the organizations members are counted at, as after the batch's org events;
    `cutoff` the report date the entries are counted by (counters.year_of)."""
    moves = moves or {}
    orgs, members = dict(orgs), dict(members)
    changed_orgs, changed_members, deltas, deferred = {}, {}, Counter(), []
    for event in sorted(events, key=lambda e: not is_org_event(e)):
        version = int(event["aggregate_version"])
        if is_org_event(event):
            org_id = subject(event)
            old = orgs.get(org_id, NOTHING)
            if old.version >= version:
                continue
            state = org_state(event["payload"])
            new = Fact(version, state["path"], state)
            deltas.update(change(old, new, lambda state: org_entries(state, cutoff)))
            orgs[org_id] = changed_orgs[org_id] = new
            continue
        member_id = subject(event)
        old = members.get(member_id, NOTHING)
        if old.version >= version:
            continue
        after = (event.get("payload") or {}).get("after")
        path = None
        if after:
            # The organization's path as counted here wins over the one the event carries: after
            # a move, an event written before the member service learned of it still names the old.
            path = _known_path(after.get("org_id"), orgs, known_paths) or after.get("org_path")
            if path is None:
                deferred.append(event)
                continue
        new = Fact(version, path, after)
        deltas.update(member_change(old, new, moves.get(member_id, ()), kinds, cutoff))
        members[member_id] = changed_members[member_id] = new
    return Folded(changed_orgs, changed_members, Counter({k: n for k, n in deltas.items() if n}), deferred)


def _known_path(org_id, orgs: dict, known_paths: dict) -> str | None:
    if org_id is None:
        return None
    fact = orgs.get(int(org_id))
    return fact.path if fact and fact.path else known_paths.get(int(org_id))
