"""The dues service's own view of the member service's members (house rule 1: no calls into
its tables): member_created / member_updated carry the member's facts (organization and path,
status, category, 入党日期, 转正日期, left_on, name); the newest version wins, so order and
repetition do not matter (the inbox claim commits with the effect). The path is the projected
organization directory's when it knows the organization (an org move reaches members through
it). A change of what the dues count by (organization, status, category, dates) recounts the member
(a transfer moves their contributions to the new branch's counters; their ledger stays theirs); any
other change (a name) only moves the projected version: a recount there would change nothing but hold
the counting lock (issue 19: every member_updated recounted, serialised behind one lock, during the
burst). The education and occupation edits that make most of a year-end burst are not delivered here
at all (events.WHEN_CHANGED): the version they leave behind is caught up by the next change delivered.

The back-fill (`python -m services.dues.backfill_members`, docs/DUES.md "Back-fill") reads the same
facts page by page from the member service (`member.facts_page`, the page stats' reconcile reads) and
applies them the same way: a member missing here is added, an older projection updated, a newer one
left alone; every member written is recounted. A second run writes nothing."""
from datetime import date

from sqlalchemy import literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.messaging.consumers import consumes
from services.shared.messaging.inbox import claim
from services.shared.paging import keyset_bounds

from .events import PROJECTED_FIELDS
from .models import inbox, members, org_directory
from .store import recount

FIELDS = (*PROJECTED_FIELDS, "version")
# The fields the ledger and the counters read (store.accounts, count_members): a change elsewhere recounts nothing.
COUNTED_FIELDS = ("org_id", "org_path", "status", "category", "joined_on", "full_on", "left_on")
BACKFILL_PAGE_MAX = 2000


def _date(value):
    return date.fromisoformat(value) if value else None


def member_values(facts: dict, version: int, paths: dict[int, str]) -> dict:
    """The projected row of a member's facts at `version`; `paths`: the directory's paths by org id."""
    org_id = int(facts["org_id"])
    return {"name": facts.get("name") or "", "org_id": org_id, "org_path": paths.get(org_id) or facts["org_path"],
            "status": facts.get("status") or "active", "category": facts.get("category"),
            "joined_on": _date(facts.get("joined_on")), "full_on": _date(facts.get("full_on")),
            "left_on": _date(facts.get("left_on")), "version": version}


def counted_facts(row) -> tuple | None:
    return None if row is None else tuple(getattr(row, name) for name in COUNTED_FIELDS)


def apply(session: Session, items, recount_all: bool = False) -> list:
    """Members' facts [(member id, facts, version)] written where newer than the projection (or
    missing from it), in id order; the members added or with changed COUNTED_FIELDS (all written,
    with `recount_all`) are recounted. Returns the rows written, each with `added` (it was missing)."""
    items = sorted(((int(member_id), facts, int(version)) for member_id, facts, version in items
                    if facts and facts.get("org_id") is not None), key=lambda item: item[0])
    if not items:
        return []
    # Locked in id order, as the upsert below takes them: what they counted by before this change.
    before = {} if recount_all else {row.member_id: counted_facts(row) for row in session.execute(
        select(members.c.member_id, *(members.c[name] for name in COUNTED_FIELDS))
        .where(members.c.member_id.in_([item[0] for item in items]))
        .order_by(members.c.member_id).with_for_update())}
    org_ids = {int(facts["org_id"]) for _, facts, _ in items}
    paths = dict(session.execute(select(org_directory.c.id, org_directory.c.path).where(
        org_directory.c.id.in_(org_ids))).all())
    statement = insert(members).values([{"member_id": member_id, **member_values(facts, version, paths)}
                                        for member_id, facts, version in items])
    written = session.execute(statement.on_conflict_do_update(
        index_elements=[members.c.member_id], set_={name: statement.excluded[name] for name in FIELDS},
        where=members.c.version < statement.excluded.version)
        .returning(*members.c, literal_column("xmax = 0").label("added"))).all()
    changed = [row for row in written
               if recount_all or row.added or before.get(row.member_id) != counted_facts(row)]
    if changed:
        recount(session, sorted(changed, key=lambda row: row.member_id))
    return written


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one member event; False when it was seen before."""
    payload = event.get("payload") or {}
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return False
        if payload.get("member_id") is not None:
            apply(session, [(payload["member_id"], payload.get("after"), event["aggregate_version"])])
        return True


def backfill(sessions: sessionmaker, facts_page, root_path: str, after_id=0, limit=500) -> dict:
    """One page of the back-fill: the members after `after_id` read from the member service
    (`facts_page(path, after_id, limit)`) applied in one transaction. Returns what was read,
    added and updated, and where the next page starts (None: done)."""
    after_id, limit = keyset_bounds(after_id, limit, BACKFILL_PAGE_MAX)
    page = facts_page(root_path, after_id, limit)
    with sessions.begin() as session:
        written = apply(session, [(item["member_id"], item["facts"], item["version"]) for item in page["items"]],
                        recount_all=True)
    added = sum(1 for row in written if row.added)
    return {"read": len(page["items"]), "added": added, "updated": len(written) - added,
            "next_after_id": page["next_after_id"]}


class FollowsMembers:
    @consumes("member", "member_created")
    def on_member_created(self, event):
        project(self.db, event)

    @consumes("member", "member_updated")
    def on_member_updated(self, event):
        project(self.db, event)
