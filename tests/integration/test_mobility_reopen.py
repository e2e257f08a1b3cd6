"""A member's leaving closes their outflow; its 回退 (a mistaken entry) opens it again, as if the
leave had never been keyed in; a 找回 (a real return) does not (services/transfer/mobility_commands
.on_member_updated, docs/MOBILITY.md). Through the real RPCs and the running consumers: the outflow
and its inflow back in the states they had, the 流动党员情况 counters as before the leave and
reconcile clean; the member events delivered again (the same ids: the inbox drops them; copies
under new ids, the leave after its 回退) change nothing."""
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from services.transfer.mobility_commands import on_member_updated
from tests.support.factories import code, member_data
from tests.support.helpers import sql, wait_for

TODAY = date.today()
FROM = TODAY - timedelta(days=40)
YEARS = sorted({FROM.year, TODAY.year})


@pytest.fixture(scope="module")
def sessions(system):
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def _org(rpc, parent_id: int, name: str, type_: str = "31") -> int:
    return rpc.call("org", "create_org", data={"name": name, "code": code("R"), "type": type_,
                                              "parent_id": parent_id})["id"]


@pytest.fixture(scope="module")
def orgs(system, rpc, root_id) -> dict:
    party = _org(rpc, root_id, "回退流出测试党委", "11")
    found = {"party": party, "home": _org(rpc, party, "回退流出支部"), "away": _org(rpc, party, "回退流入支部")}
    wait_for(lambda: sql(system, "SELECT count(*) FROM transfer.org_directory WHERE id = ANY(%s)",
                         list(found.values()))[0][0], lambda n: n == len(found),
             what="the transfer service to project the test organizations")
    return found


def mobile(rpc, org_id: int) -> dict:
    """The 流动党员情况 cells of each year the outflow touches."""
    found = {}
    for year in YEARS:
        report = rpc.call("stats", "counted_report", org_id=org_id, year=year)
        found[year] = next(t for t in report["tables"] if t["key"] == "mobile")["rows"][0]["cells"]
    return found


def away(rpc, orgs: dict, name: str, inflow: bool = True, lost: bool = False) -> tuple[int, dict]:
    """A member of the home branch registered away to the other branch (confirmed there), maybe 失联."""
    member_id = rpc.call("member", "create_member", data=member_data(orgs["home"], name=name))["id"]
    out = rpc.call("transfer", "register_outflow", member_id=member_id, data={
        "from_date": FROM.isoformat(), "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
        "to_org_id": orgs["away"], "phone": "13900000000", "certificate": True})
    if inflow:
        rpc.call("transfer", "register_inflow", org_id=orgs["away"],
                 data={"outflow_id": out["id"], "from_date": (FROM + timedelta(days=5)).isoformat()})
    if lost:
        out = rpc.call("transfer", "get_outflow", outflow_id=out["id"])
        rpc.call("transfer", "mark_lost", outflow_id=out["id"], data={
            "since": (FROM + timedelta(days=10)).isoformat(), "reason": "4", "version": out["version"]})
    return member_id, rpc.call("transfer", "get_outflow", outflow_id=out["id"])


def outflow(rpc, outflow_id: int) -> dict:
    return rpc.call("transfer", "get_outflow", outflow_id=outflow_id)


def inflow_row(system, outflow_id: int) -> tuple:
    return sql(system, "SELECT id, state, ended_on FROM transfer.inflows WHERE outflow_id = %s ORDER BY id DESC",
               outflow_id)[0]


def member_events(system, member_id: int) -> list[dict]:
    return [row[0] for row in sql(system, "SELECT envelope FROM member.outbox WHERE envelope->>'aggregate_id' = %s "
                                          "AND envelope->>'type' = 'member_updated' ORDER BY id", str(member_id))]


def handled(system, envelope: dict) -> bool:
    return bool(sql(system, "SELECT 1 FROM transfer.inbox WHERE event_id = %s", envelope["event_id"]))


def settled_counts(rpc, orgs: dict, expected: dict, what: str) -> None:
    for key in ("home", "away", "party"):
        wait_for(lambda key=key: mobile(rpc, orgs[key]), lambda found, key=key: found == expected[key], timeout=30,
                 what=f"{what} at {key}")


def test_the_undo_of_a_leave_reopens_the_outflow_and_its_inflow_and_the_counts(system, rpc, sessions, orgs):
    member_id, out = away(rpc, orgs, "回退流出甲", lost=True)
    assert out["state"] == "lost" and out["inflow"] is not None
    inflow_id, _, _ = inflow_row(system, out["id"])
    counted = {"home": ("outflow_end", "outflow_lost"), "away": ("inflow_end",),
               "party": ("outflow_end", "outflow_lost", "inflow_end")}
    before = {key: wait_for(lambda key=key: mobile(rpc, orgs[key]),
                            lambda found, key=key: all(found[TODAY.year][cell] == 1 for cell in counted[key]),
                            what=f"the outflow and inflow counted at {key}") for key in counted}

    member = rpc.call("member", "get_member", member_id=member_id)
    left = rpc.call("member", "leave_member", member_id=member_id, data={
        "kind": "死亡", "date": TODAY.isoformat(), "reason": "病故", "version": member["version"]})
    closed = wait_for(lambda: outflow(rpc, out["id"]), lambda o: o["state"] == "closed",
                      what="the outflow closed by the leave")
    assert closed["closed_on"] == TODAY.isoformat() and closed["inflow"] is None
    assert closed["history"][-1]["inflow_id"] == inflow_id  # the closing names the inflow it ended
    assert inflow_row(system, out["id"]) == (inflow_id, "ended", TODAY)
    wait_for(lambda: mobile(rpc, orgs["home"])[TODAY.year]["outflow_closed"], lambda n: n == 1,
             what="the closing counted")

    rpc.call("member", "undo_status_change", member_id=member_id, data={"version": left["version"]})
    reopened = wait_for(lambda: outflow(rpc, out["id"]), lambda o: o["state"] != "closed",
                        what="the outflow reopened by the 回退")
    assert reopened["state"] == "lost" and reopened["closed_on"] is None and reopened["lost"]["found_on"] is None
    assert [e["action_name"] for e in reopened["history"]][-2:] == ["党员离开名册，流出终止", "回退党员减少，恢复流出"]
    assert reopened["certificate_no"] == out["certificate_no"] and reopened["certificates"][0]["voided_on"] is None
    assert reopened["inflow"]["id"] == inflow_id and inflow_row(system, out["id"]) == (inflow_id, "in", None)
    inflow = rpc.call("transfer", "get_inflow", inflow_id=inflow_id)
    assert inflow["state"] == "in" and inflow["ended_on"] is None
    assert [e["action"] for e in inflow["history"]][-2:] == ["inflow_ended", "inflow_reopened"]
    # The inflow's projections (who may attend meetings, pay dues there) have it back too.
    for schema in ("org", "dues"):
        wait_for(lambda schema=schema: sql(system, f"SELECT state, ended_on FROM {schema}.inflows "
                                                   "WHERE inflow_id = %s", inflow_id),
                 lambda rows: rows == [("in", None)], what=f"the {schema} service's inflow open again")
    settled_counts(rpc, orgs, before, "the counts as before the leave")
    assert rpc.call("stats", "reconcile", org_id=orgs["party"])["total_differences"] == 0
    audit = [row[0] for row in sql(system, "SELECT envelope->'payload' FROM transfer.outbox "
                                           "WHERE envelope->>'aggregate_id' IN (%s, %s) ORDER BY id",
                                   f"audit:outflow:{out['id']}", f"audit:inflow:{inflow_id}")]
    assert [(a["entity"], a["action"], a["account"]["user_id"]) for a in audit][-2:] == [
        ("outflow", "回退党员减少，恢复流出", "system"), ("inflow", "回退党员减少，恢复流入", "system")]
    assert {"field": "状态", "before": "已终止", "after": "失联"} in audit[-2]["changes"]
    # The stats' events: the outflow's facts as before the closing (and so as reconcile reads them).
    facts = [row[0] for row in sql(system, "SELECT envelope FROM transfer.outbox WHERE envelope->>'aggregate_id' = %s "
                                           "ORDER BY id", f"outflow-{out['id']}")]
    assert [e["type"] for e in facts][-2:] == ["outflow_closed", "outflow_changed"]
    assert {k: v for k, v in facts[-1]["payload"].items() if k != "effective_on"} == {
        k: v for k, v in facts[-3]["payload"].items() if k != "effective_on"}
    # Delivered again: the same events (the inbox drops them), then copies under new ids, the
    # leave after its 回退 — neither closes nor reopens anything.
    events = member_events(system, member_id)
    assert [e["payload"]["after"]["status"] for e in events[-2:]] == ["left", "active"]
    wait_for(lambda: all(handled(system, e) for e in events), bool, what="the transfer service to take the events")
    assert not any(on_member_updated(sessions, e) for e in events)
    undo, leave = events[-1], events[-2]
    assert not on_member_updated(sessions, {**undo, "event_id": str(uuid.uuid4())})
    assert not on_member_updated(sessions, {**leave, "event_id": str(uuid.uuid4())})
    again = outflow(rpc, out["id"])
    assert again["state"] == "lost" and again["version"] == reopened["version"]
    assert inflow_row(system, out["id"]) == (inflow_id, "in", None)
    settled_counts(rpc, orgs, before, "the counts after the events again")


def test_a_restore_after_a_leave_keeps_the_outflow_closed(system, rpc, orgs):
    member_id, out = away(rpc, orgs, "回退流出乙", inflow=False)
    member = rpc.call("member", "get_member", member_id=member_id)
    left_on = TODAY - timedelta(days=3)
    left = rpc.call("member", "leave_member", member_id=member_id, data={
        "kind": "停止党籍", "date": left_on.isoformat(), "reason": "长期失联", "version": member["version"]})
    wait_for(lambda: outflow(rpc, out["id"]), lambda o: o["state"] == "closed", what="the outflow closed")
    rpc.call("member", "restore_member", member_id=member_id,
             data={"date": TODAY.isoformat(), "reason": "恢复党籍", "version": left["version"]})
    restored = member_events(system, member_id)[-1]
    assert restored["payload"]["after"]["status"] == "active" and restored["payload"]["after"]["absences"]
    wait_for(lambda: handled(system, restored), bool, what="the transfer service to take the 找回")
    kept = outflow(rpc, out["id"])
    assert kept["state"] == "closed" and kept["closed_on"] == left_on.isoformat()
    assert kept["history"][-1]["action"] == "closed"


def test_an_undo_of_a_leave_that_closed_nothing_changes_nothing(system, rpc, orgs):
    """The outflow had ended by 返回 before the leave: the leave closed nothing, its 回退 opens nothing."""
    member_id, out = away(rpc, orgs, "回退流出丙", inflow=False)
    returned = rpc.call("transfer", "return_outflow", outflow_id=out["id"], data={
        "date": TODAY.isoformat(), "report": "已返回", "version": out["version"]})
    member = rpc.call("member", "get_member", member_id=member_id)
    left = rpc.call("member", "leave_member", member_id=member_id, data={
        "kind": "死亡", "date": TODAY.isoformat(), "reason": "病故", "version": member["version"]})
    rpc.call("member", "undo_status_change", member_id=member_id, data={"version": left["version"]})
    undo = member_events(system, member_id)[-1]
    assert undo["payload"]["after"]["status"] == "active"
    wait_for(lambda: handled(system, undo), bool, what="the transfer service to take the 回退")
    kept = outflow(rpc, out["id"])
    assert kept["state"] == "returned" and kept["version"] == returned["version"]
