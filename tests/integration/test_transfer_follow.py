"""The member and stats services follow transfers (组织关系转接) by events (issue 10): transfer
events are published by hand exactly as the transfer service's relay publishes them, for
members created in the member service, with transfer ids no real transfer has.

- transfer_applied / transfer_ended: the member card shows 转出中, or no longer;
- transfer_receiving: the member moves once however often the request comes, or the move is
  refused with a Chinese reason (member left); 跨省/系统外 take the member off the rolls as
  组织关系转出 (leave kind 40), which neither 找回 nor 回退 takes back;
- stats: 转出 at the old side, 转入 at the new, by kind, in the effective year; 支部间转移 counts
  nothing; reconcile stays clean (the session's closing reconcile checks the whole tree too).
"""
import itertools
import uuid
from datetime import date, datetime, timezone

import psycopg
import pytest

from services.stats.compaction import FOLD_LOCK
from tests.support.factories import COMPLETE_CARD, member_data
from tests.support.helpers import plain_dsn, remote_error, wait_for
from tests.support.stats_events import create_org, known_to_stats, publish_events

_transfer_ids = itertools.count(10**12 + int(uuid.uuid4().int % 10**6) * 1000)


def transfer_event(event_type: str, transfer_id: int, version: int, payload: dict) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": event_type, "aggregate_id": str(transfer_id),
            "aggregate_version": version, "occurred_at": datetime.now(timezone.utc).isoformat(),
            "actor": "test", "request_id": "", "payload": {"transfer_id": transfer_id, **payload}}


class Transfer:
    """One made-up transfer of one member: its events, published as the transfer relay does."""

    def __init__(self, system, member_id: int, from_org_id: int, to_org_id: int | None, kind: str = "within"):
        self.system, self.id, self.version = system, next(_transfer_ids), 0
        self.base = {"member_id": member_id, "kind": kind, "from_org_id": from_org_id, "to_org_id": to_org_id}

    def event(self, event_type: str, **extra) -> dict:
        self.version += 1
        return transfer_event(event_type, self.id, self.version, {**self.base, **extra})

    def publish(self, *envelopes: dict) -> None:
        self.system.rpc.run(publish_events(self.system.env["PMIS_AMQP_URI"], "transfer", envelopes))
        wanted = {envelope["event_id"] for envelope in envelopes}
        wait_for(lambda: self.rows("SELECT event_id::text FROM member.inbox WHERE event_id = ANY(%s::uuid[])",
                                   list(wanted)), lambda rows: {r[0] for r in rows} == wanted,
                 timeout=30, what="the member service to process the transfer events")

    def rows(self, sql: str, *params) -> list:
        with psycopg.connect(plain_dsn(self.system)) as conn:
            return conn.execute(sql, params).fetchall()

    def counted_by_stats(self) -> None:
        """Wait until the stats ingesters have taken this transfer's member_transferred."""
        wait_for(lambda: self.rows(
            "SELECT 1 FROM member.outbox o JOIN stats.inbox i ON i.event_id = o.event_id "
            "WHERE o.event_type = 'member_transferred' AND o.envelope->'payload'->>'transfer_id' = %s", str(self.id)),
            bool, timeout=30, what="stats to take member_transferred")

    def taken_by_stats(self) -> None:
        """Wait until the stats ingesters have taken every event the member service wrote for
        this transfer's member (member_updated too, not only member_transferred)."""
        member_id = str(self.base["member_id"])
        wait_for(lambda: self.rows(
            "SELECT count(*) FROM member.outbox o LEFT JOIN stats.inbox i ON i.event_id = o.event_id "
            "WHERE o.envelope->>'aggregate_id' = %s AND i.event_id IS NULL", member_id)[0][0],
            lambda missing: missing == 0, timeout=30, what="stats to take the member's events")

    def emitted(self, event_type: str) -> list[dict]:
        """Payloads of the member service's events of this transfer."""
        return [row[0]["payload"] for row in self.rows(
            "SELECT envelope FROM member.outbox WHERE event_type = %s AND envelope->'payload'->>'transfer_id' = %s"
            " ORDER BY id", event_type, str(self.id))]


@pytest.fixture
def member(rpc, tree) -> dict:
    return rpc.call("member", "create_member", data=member_data(tree["one"]))


def card(rpc, member_id: int) -> dict:
    return rpc.call("member", "get_member", member_id=member_id)


def t1(rpc, org_id: int, year: int) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=year)
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def transfers_of(cells: dict) -> dict:
    return {key: n for key, n in cells.items() if n and ("transfer_in" in key or "transfer_out" in key)}


def reconciled(rpc, org_id: int) -> None:
    wait_for(lambda: rpc.call("stats", "reconcile", org_id=org_id)["total_differences"], lambda n: n == 0,
             timeout=30, what="reconcile to be clean")


def test_applied_shows_in_transit_and_ended_clears_it_whatever_the_order(system, rpc, tree, member):
    transfer = Transfer(system, member["id"], tree["one"], tree["two"])
    applied = transfer.event("transfer_applied")
    transfer.publish(applied)
    assert card(rpc, member["id"])["in_transit"] == {"transfer_id": transfer.id, "whole_org": False}

    moved = remote_error(lambda: rpc.call("member", "update_member", member_id=member["id"],
                                          data={"version": 1, "org_id": tree["two"]}))
    assert moved.exc_type == "Conflict" and "转出中" in moved.value

    ended = transfer.event("transfer_ended", state="revoked")
    transfer.publish(ended, {**applied, "event_id": str(uuid.uuid4())})  # the older applied again, late
    assert card(rpc, member["id"])["in_transit"] is None


def test_receiving_moves_the_member_once_however_often_it_comes(system, rpc, tree, member):
    transfer = Transfer(system, member["id"], tree["one"], tree["two"])
    transfer.publish(transfer.event("transfer_applied"))
    receiving = transfer.event("transfer_receiving", effective_on="2025-06-30")
    transfer.publish(receiving, receiving, {**receiving, "event_id": str(uuid.uuid4())})

    after = card(rpc, member["id"])
    assert (after["org_id"], after["in_transit"], after["version"]) == (tree["two"], None, 2)
    assert after["branch_joined_on"] == "2025-06-30"
    [moved] = transfer.emitted("member_transferred")
    assert (moved["from_org_id"], moved["to_org_id"], moved["kind"], moved["effective_on"]) == (
        tree["one"], tree["two"], "within", "2025-06-30")
    lines = [line for line in rpc.call("member", "member_history", member_id=member["id"])["items"]
             if line["action"] == "transferred"]
    assert len(lines) == 1 and lines[0]["action_name"] == "组织关系转接"
    assert lines[0]["changes"][0]["label"] == "所在党组织" and lines[0]["changes"][0]["new_name"]
    assert transfer.emitted("member_transfer_refused") == []

    # stats: 转出 at the old branch, 转入 at the new, both at the committee, in 2025 only
    transfer.counted_by_stats()
    assert transfers_of(t1(rpc, tree["two"], 2025)) == {"increase_transfer_in": 1, "transfer_in_within": 1}
    assert transfers_of(t1(rpc, tree["one"], 2025)) == {"decrease_transfer_out": 1, "transfer_out_within": 1}
    assert transfers_of(t1(rpc, tree["committee"], 2025)) == {
        "increase_transfer_in": 1, "transfer_in_within": 1, "decrease_transfer_out": 1, "transfer_out_within": 1}
    assert transfers_of(t1(rpc, tree["two"], 2026)) == {}
    reconciled(rpc, tree["committee"])
    # What the member counted before 2025 stays with the branch they left: table 1 balances at both
    # ends in the year of the move (上年底 + 增 − 减 = 本年底), and a reconcile of each branch alone
    # (the sending one recounts the member who left it) is clean.
    transfer.taken_by_stats()
    for org in ("one", "two", "committee"):
        assert t1(rpc, tree[org], 2025)["difference"] == 0, org
    reconciled(rpc, tree["one"])
    reconciled(rpc, tree["two"])


def test_a_member_who_left_is_refused_with_the_reason(system, rpc, tree, member):
    rpc.call("member", "leave_member", member_id=member["id"], data={"kind": "死亡", "date": "2024-03-01"})
    transfer = Transfer(system, member["id"], tree["one"], tree["two"])
    transfer.publish(transfer.event("transfer_receiving", effective_on="2025-06-30"))

    [refused] = transfer.emitted("member_transfer_refused")
    assert refused["reason"] == "该党员已死亡，不在党员名册中，无法办理接收"
    assert transfer.emitted("member_transferred") == []
    assert card(rpc, member["id"])["org_id"] == tree["one"]


@pytest.mark.parametrize("kind", ["cross_province", "outside"])
def test_out_of_the_system_the_member_leaves_the_rolls_once(system, rpc, tree, member, kind):
    """The paper 回执 of a 跨省/系统外 transfer recorded: the member is 历史 as 组织关系转出 on
    its date, however often the request comes; 找回 and 回退 are refused; table 1 counts one
    转出 of that kind and no other 减少, balances, and reconcile stays clean."""
    transfer = Transfer(system, member["id"], tree["one"], None, kind=kind)
    transfer.publish(transfer.event("transfer_applied"))
    receiving = transfer.event("transfer_receiving", to_outside="浙江省某某市委组织部", effective_on="2025-06-30")
    transfer.publish(receiving, receiving, {**receiving, "event_id": str(uuid.uuid4())})

    gone = card(rpc, member["id"])
    assert (gone["status"], gone["leave_kind"], gone["leave_kind_name"], gone["left_on"]) == (
        "left", "40", "组织关系转出", "2025-06-30")
    assert (gone["org_id"], gone["in_transit"], gone["version"]) == (tree["one"], None, 2)
    assert gone["leave_reason"] == "组织关系转出至浙江省某某市委组织部"
    assert [(c["action"], c["kind"], c["date"]) for c in gone["status_changes"]] == [("leave", "40", "2025-06-30")]
    assert (gone["actions"]["restore"], gone["actions"]["undo"]) == (False, False)
    [moved] = transfer.emitted("member_transferred")
    assert (moved["from_org_id"], moved["to_org_id"], moved["to_outside"], moved["kind"], moved["effective_on"]) == (
        tree["one"], None, "浙江省某某市委组织部", kind, "2025-06-30")
    assert transfer.emitted("member_transfer_refused") == []
    assert transfer.rows("SELECT count(*) FROM member.outbox WHERE event_type = 'member_updated' "
                         "AND envelope->>'aggregate_id' = %s", str(member["id"]))[0][0] == 1
    [line] = [line for line in rpc.call("member", "member_history", member_id=member["id"])["items"]
              if line["action"] == "transferred"]
    assert [(c["label"], c["new_name"]) for c in line["changes"]] == [
        ("所在党组织", "组织关系转出至浙江省某某市委组织部"), ("党籍状态", "历史（组织关系转出，2025-06-30）")]

    for method, words in (("restore_member", "不能找回"), ("undo_status_change", "不能回退")):
        refused = remote_error(lambda: rpc.call("member", method, member_id=member["id"], data={}))
        assert refused.exc_type == "Conflict" and words in refused.value and "请办理转入" in refused.value
    assert card(rpc, member["id"])["version"] == 2

    transfer.taken_by_stats()
    cells = t1(rpc, tree["one"], 2025)
    assert transfers_of(cells) == {"decrease_transfer_out": 1, f"transfer_out_{kind}": 1}
    assert (cells["decrease_total"], cells["decrease_other"], cells["decrease_death"]) == (1, 0, 0)
    assert (cells["year_start"], cells["year_end"], cells["difference"]) == (1, 0, 0)
    assert transfers_of(t1(rpc, tree["committee"], 2025)) == {"decrease_transfer_out": 1, f"transfer_out_{kind}": 1}
    reconciled(rpc, tree["committee"])


def test_a_clerk_cannot_record_组织关系转出_as_a_leave(rpc, member):
    refused = remote_error(lambda: rpc.call("member", "leave_member", member_id=member["id"],
                                            data={"kind": "组织关系转出", "date": "2025-01-01"}))
    assert refused.exc_type == "ValidationFailed"
    assert refused.exc_args[1] == {"kind": "组织关系转出须通过组织关系转接办理"}
    assert card(rpc, member["id"])["status"] == "active"


def test_a_move_between_branches_is_not_counted_as_a_transfer(system, rpc, tree, member):
    transfer = Transfer(system, member["id"], tree["one"], tree["two"], kind="between_branches")
    transfer.publish(transfer.event("transfer_applied"))
    transfer.publish(transfer.event("transfer_receiving", effective_on="2025-03-01"))
    assert card(rpc, member["id"])["org_id"] == tree["two"]
    assert len(transfer.emitted("member_transferred")) == 1

    transfer.counted_by_stats()
    reconciled(rpc, tree["committee"])
    for org in ("one", "two", "committee"):
        assert transfers_of(t1(rpc, tree[org], 2025)) == {}


def test_an_org_moved_after_the_fact_takes_its_transfers_along(system, rpc, root_id, tree, member):
    """The sending branch moves under another committee after the transfer: its 转出 leaves the
    old committee for the new one, and the counters still equal a recount."""
    transfer = Transfer(system, member["id"], tree["one"], tree["two"])
    transfer.publish(transfer.event("transfer_receiving", effective_on="2025-06-30"))
    transfer.counted_by_stats()
    other = create_org(rpc, root_id, type_="11", name="另一党委")
    wait_for(lambda: known_to_stats(rpc, other["id"]), bool, what="stats to learn the new committee")
    rpc.call("org", "move_org", org_id=tree["one"], data={
        "parent_id": other["id"], "date": date.today().isoformat(), "reason": "隶属关系调整",
        "version": rpc.call("org", "get_org", org_id=tree["one"])["version"]})

    wait_for(lambda: transfers_of(t1(rpc, other["id"], 2025)), lambda found: found != {}, timeout=30,
             what="the move to reach the counters")
    assert transfers_of(t1(rpc, other["id"], 2025)) == {"decrease_transfer_out": 1, "transfer_out_within": 1}
    assert transfers_of(t1(rpc, tree["committee"], 2025)) == {"increase_transfer_in": 1, "transfer_in_within": 1}
    [from_path] = transfer.rows("SELECT from_path FROM stats.transfer_facts WHERE transfer_id = %s", transfer.id)
    assert from_path[0] == f"{other['path']}{tree['one']}/"
    assert system.wait_consistent() == []


# --- the whole saga through the transfer service's RPC -----------------------------------------


def test_apply_approve_receive_moves_the_member_and_the_report_counts_it(system, rpc, root_id, tree):
    """省内 from tree's branch one to another committee's branch: the member shows 转出中 while it
    is approved, moves on 接收 (the transfer service hears member_transferred and is 已接收), and
    this year's table 1 counts 转出 on one side and 转入 on the other."""
    other = create_org(rpc, root_id, type_="11", name="转入党委")
    target = create_org(rpc, other["id"], name="转入支部")
    wait_for(lambda: known_to_stats(rpc, target["id"]), bool, what="stats to learn the target")
    member_id = rpc.call("member", "create_member", data=member_data(tree["one"], **COMPLETE_CARD))["id"]
    today = date.today()
    t = rpc.call("transfer", "apply", data={"member_id": member_id, "kind": "within", "to_org_id": target["id"],
                                            "reason": "01", "dues_paid_to": f"{today.year}-01", "phone": "13900000000"})
    wait_for(lambda: card(rpc, member_id)["in_transit"],
             lambda shown: shown == {"transfer_id": t["id"], "whole_org": False}, what="the card to show 转出中")
    while t["state"] == "approving":
        t = rpc.call("transfer", "approve", transfer_id=t["id"], data={"version": t["version"], "opinion": "同意"})
    t = rpc.call("transfer", "receive", transfer_id=t["id"], data={"version": t["version"], "date": today.isoformat()})
    done = wait_for(lambda: rpc.call("transfer", "get", transfer_id=t["id"]), lambda x: x["state"] == "received",
                    timeout=30, what="the saga to end 已接收")
    assert done["receipt"]["auto"] is True

    moved = card(rpc, member_id)
    assert (moved["org_id"], moved["org_path"], moved["in_transit"]) == (target["id"], target["path"], None)
    wait_for(lambda: transfers_of(t1(rpc, target["id"], today.year)), lambda found: found != {}, timeout=30,
             what="stats to count the transfer")
    assert transfers_of(t1(rpc, target["id"], today.year)) == {"increase_transfer_in": 1, "transfer_in_within": 1}
    assert transfers_of(t1(rpc, tree["committee"], today.year)) == {
        "decrease_transfer_out": 1, "transfer_out_within": 1}
    reconciled(rpc, root_id)


def test_reconcile_finds_lost_transfer_counts_and_rebuild_brings_them_back(system, rpc, tree, member):
    transfer = Transfer(system, member["id"], tree["one"], tree["two"])
    transfer.publish(transfer.event("transfer_receiving", effective_on="2024-11-11"))
    transfer.counted_by_stats()
    expected = {"increase_transfer_in": 1, "transfer_in_within": 1}
    assert transfers_of(t1(rpc, tree["two"], 2024)) == expected
    with psycopg.connect(plain_dsn(system)) as conn:
        # Under the compactor's lock: a fold in flight would otherwise write the deleted delta into the
        # counters after this transaction had looked at them (seen once in CI).
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (FOLD_LOCK,))
        for table in ("counters", "counter_deltas"):
            conn.execute(f"DELETE FROM stats.{table} WHERE org_id = %s AND dimension = 'transfer_in'", (tree["two"],))
    assert transfers_of(t1(rpc, tree["two"], 2024)) == {}
    damage = rpc.call("stats", "reconcile", org_id=tree["committee"])["differences"]
    assert {(d["org_id"], d["dimension"], d["value"], d["year"], d["expected"]) for d in damage} >= {
        (tree["two"], "transfer_in", "within", 2024, 1)}

    assert rpc.call("stats", "rebuild")["corrected"] >= 1
    assert transfers_of(t1(rpc, tree["two"], 2024)) == expected
    reconciled(rpc, tree["committee"])
