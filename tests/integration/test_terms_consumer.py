"""The org service's consumer of member events for committees (services/org/terms.on_member_event),
driven directly against the system's database with events as the member service writes them: a
member who leaves the rolls leaves their post that day; the same event again, or an older version
of the member arriving late, changes nothing; a transfer between two branches of one 党委 keeps the
党委 post and ends the branch's."""
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from services.org.terms import on_member_event
from tests.support.factories import code, member_data

TODAY = date.today()


@pytest.fixture(scope="module")
def sessions(system):
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def _org(rpc, parent_id: int, type_: str) -> int:
    return rpc.call("org", "create_org", data={"name": f"换届消费{code('')}", "code": code(), "type": type_,
                                              "parent_id": parent_id})["id"]


@pytest.fixture(scope="module")
def committee(rpc, root_id):
    party = _org(rpc, root_id, "11")
    one, two = _org(rpc, party, "31"), _org(rpc, party, "31")
    people = [rpc.call("member", "create_member", data=member_data(one, name=f"消费{n}"))["id"] for n in range(3)]
    since = (TODAY - timedelta(days=30)).isoformat()
    rpc.call("org", "open_term", org_id=one, data={"elected_on": since, "method": "1", "members": [
        {"member_id": people[0], "post": "书记"}, {"member_id": people[1], "post": "副书记"}]})
    rpc.call("org", "open_term", org_id=party, data={"elected_on": since, "method": "1", "members": [
        {"member_id": people[1], "post": "书记"}]})
    return {"party": party, "one": one, "two": two, "people": people}


def event(kind: str, member_id: int, version: int, payload: dict) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": kind, "aggregate_id": str(member_id),
            "aggregate_version": version, "occurred_at": f"{TODAY.isoformat()}T08:00:00+00:00", "actor": "test",
            "payload": {"member_id": member_id, **payload}}


def open_posts(rpc, org_id: int) -> dict[int, str]:
    current = rpc.call("org", "org_terms", org_id=org_id)["current"]
    return {m["member_id"]: m["post_name"] for m in current["members"] if m["left_on"] is None}


def test_leaving_the_rolls_closes_the_post_once_and_late_older_events_change_nothing(rpc, sessions, committee):
    member = committee["people"][0]
    left = event("member_updated", member, 7, {"before": {"status": "active"}, "after": {
        "status": "left", "left_on": (TODAY - timedelta(days=2)).isoformat(), "leave_kind": "10"}})
    assert on_member_event(sessions, left) == 1
    assert member not in open_posts(rpc, committee["one"])
    row = next(m for m in rpc.call("org", "org_terms", org_id=committee["one"])["current"]["members"]
               if m["member_id"] == member)
    assert row["left_on"] == (TODAY - timedelta(days=2)).isoformat() and "死亡" in row["leave_reason"]
    assert on_member_event(sessions, left) == 0  # redelivered: the inbox drops it
    # The member is made 书记 again by hand; an older event of theirs arriving late changes nothing.
    term = rpc.call("org", "org_terms", org_id=committee["one"])["current"]
    rpc.call("org", "add_committee_member", term_id=term["id"], data={
        "member_id": committee["people"][2], "post": "书记", "since": TODAY.isoformat(), "how": "补选"})
    stale = event("member_updated", committee["people"][2], 1, {"before": {"status": "active"}, "after": {
        "status": "left", "left_on": TODAY.isoformat(), "leave_kind": "10"}})
    newer = event("member_updated", committee["people"][2], 3, {"before": {"status": "active"},
                                                                 "after": {"status": "active"}})
    assert on_member_event(sessions, newer) == 0
    assert on_member_event(sessions, stale) == 0
    assert open_posts(rpc, committee["one"])[committee["people"][2]] == "书记"


def test_a_transfer_within_the_party_committee_keeps_its_post(rpc, sessions, committee):
    member = committee["people"][1]
    paths = {org_id: rpc.call("org", "get_org", org_id=org_id)["path"] for org_id in (committee["two"],)}
    moved = event("member_transferred", member, 9, {
        "transfer_id": 1, "from_org_id": committee["one"], "to_org_id": committee["two"],
        "to_org_path": paths[committee["two"]], "effective_on": TODAY.isoformat()})
    assert on_member_event(sessions, moved) == 1
    assert member not in open_posts(rpc, committee["one"])
    assert open_posts(rpc, committee["party"]) == {member: "书记"}
    gone = event("member_transferred", member, 10, {"transfer_id": 2, "from_org_id": committee["two"],
                                                     "to_org_id": None, "to_outside": "外省",
                                                     "effective_on": TODAY.isoformat()})
    assert on_member_event(sessions, gone) == 1
    assert open_posts(rpc, committee["party"]) == {}
