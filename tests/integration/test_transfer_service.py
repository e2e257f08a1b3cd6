"""The transfer service through its real RPC entrypoints, against the running system: 发起 →
审批 → 接收 through the saga's events, two approvers at once, 退回/重新发起, 撤销, 超期, scope.

The member service's side of the saga (moving the member on `transfer_receiving`) comes with the
follow helper's branch: where it is not merged, its answers are published as its relay would (SAGA)."""
import re
import threading
import uuid
from datetime import date, datetime, timezone

import aio_pika
import pytest

from gateway.rpc import RemoteError
from services.shared.context import Caller
from services.shared.messaging.relay import event_message
from services.shared.messaging.topology import declarations
from tests.support.factories import COMPLETE_CARD, code, member_data
from tests.support.helpers import remote_error as raised
from tests.support.helpers import sql, wait_for

YEAR = date.today().year
# Whether the member service answers the saga itself (the follow helper's consumer). Without it,
# its answers are published here as its relay would; with it, the real answers are awaited (a
# made-up member_transferred would reach the stats counters for a member who never moved).
SAGA = ("transfer", "transfer_receiving") in declarations("member")[1]

class Failure:
    """A service's typed error as the gateway would map it: code, Chinese message, fields."""
    CODES = {"ValidationFailed": "validation", "Forbidden": "forbidden", "NotFound": "not_found",
             "Conflict": "conflict"}

    def __init__(self, error: RemoteError):
        self.code = self.CODES.get(error.exc_type, error.exc_type)
        self.message, self.fields = (list(error.exc_args) + ["", {}])[:2]


def remote_error(call) -> Failure:
    return Failure(raised(call))


def create_org(rpc, parent_id, name, type_="31") -> dict:
    org = rpc.call("org", "create_org", data={"name": name, "code": code("Z"), "type": type_, "parent_id": parent_id})
    return {**org, "name": name}


def scoped(org: dict, user="clerk") -> Caller:
    return Caller(user_id=f"{user}-{org['id']}", scope_path=org["path"], username=f"{org['name']}经办人")


def new_member(rpc, org_id, **overrides) -> int:
    return rpc.call("member", "create_member", data=member_data(org_id, **{**COMPLETE_CARD, **overrides}))["id"]


def apply(rpc, member_id, to_org_id=None, caller=None, **overrides) -> dict:
    data = {"member_id": member_id, "kind": "within", "to_org_id": to_org_id, "reason": "01",
            "dues_paid_to": f"{YEAR}-01", "phone": "13900000000", **overrides}
    return rpc.call("transfer", "apply", caller=caller, data=data)


def act(rpc, method, transfer, caller=None, **data) -> dict:
    return rpc.call("transfer", method, caller=caller, transfer_id=transfer["id"],
                    data={"version": transfer["version"], **data})


def outbox(system, transfer_id) -> list[tuple]:
    return [(row[0], row[1]) for row in sql(
        system, "SELECT event_type, envelope->'payload' FROM transfer.outbox WHERE envelope->>'aggregate_id' = %s "
                "ORDER BY id", str(transfer_id))]


def publish_member_event(system, event_type: str, payload: dict, envelope: dict | None = None) -> dict:
    """As the member service's relay publishes (the follow helper's consumer answers the same way)."""
    envelope = envelope or {
        "event_id": str(uuid.uuid4()), "type": event_type, "aggregate_id": str(payload["member_id"]),
        "aggregate_version": 1, "occurred_at": datetime.now(timezone.utc).isoformat(), "actor": "test",
        "request_id": "", "payload": payload}

    async def publish():
        connection = await aio_pika.connect(system.env["PMIS_AMQP_URI"])
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.declare_exchange("member.events", aio_pika.ExchangeType.TOPIC, durable=True)
            await exchange.publish(event_message(envelope), routing_key=event_type)
    system.rpc.run(publish())
    return envelope


def get(rpc, transfer) -> dict:
    return rpc.call("transfer", "get", transfer_id=transfer["id"])


@pytest.fixture(scope="module")
def tree(system, rpc, root_id) -> dict:
    """root ─┬ 党委A ─┬ A1 支部
             │        └ A2 支部
             ├ 党委B ── B1 支部
             └ C 支部 (off every route)"""
    a = create_org(rpc, root_id, "转接测试甲党委", "11")
    b = create_org(rpc, root_id, "转接测试乙党委", "11")
    orgs = {"a": a, "a1": create_org(rpc, a["id"], "甲一支部"), "a2": create_org(rpc, a["id"], "甲二支部"),
            "b": b, "b1": create_org(rpc, b["id"], "乙一支部"), "c": create_org(rpc, root_id, "丙支部")}
    ids = [org["id"] for org in orgs.values()]
    wait_for(lambda: sql(system, "SELECT count(*) FROM transfer.org_directory WHERE id = ANY(%s)", ids)[0][0],
             lambda n: n == len(ids), what="the transfer service to project the test organizations")
    return orgs


def test_within_apply_approve_approve_receive_and_the_saga(system, rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"], name="转接甲")
    t = apply(rpc, member_id, tree["b1"]["id"])
    assert t["state"] == "approving" and re.fullmatch(rf"{YEAR}\d{{6}}", t["letter_no"])
    assert [(s["org_id"], s["action"], s["state"]) for s in t["route"]] == [
        (tree["a"]["id"], "approve", "current"), (tree["b"]["id"], "approve", "waiting"),
        (tree["b1"]["id"], "receive", "waiting")]
    assert (t["member_name"], t["from_org_name"], t["to_org_name"], t["reason_name"]) == (
        "转接甲", "甲一支部", "乙一支部", "调动工作")
    assert t["valid_days"] == 30 and [e for e, _ in outbox(system, t["id"])] == ["transfer_applied"]
    assert rpc.call("transfer", "member_in_transit", member_id=member_id) == t["id"]

    # the receiving side may not act before its turn; the sending 党委 approves
    error = remote_error(lambda: act(rpc, "approve", t, scoped(tree["b"])))
    assert error.code == "forbidden"
    t = act(rpc, "approve", t, scoped(tree["a"]), opinion="同意转出")
    assert t["state"] == "approving" and t["route"][0]["opinion"] == "同意转出"
    assert t["route"][0]["handler_name"] == "转接测试甲党委经办人"
    t = act(rpc, "approve", t, scoped(tree["b"]))
    assert t["state"] == "to_receive" and t["actions"] == ["receive", "return"]
    t = act(rpc, "receive", t, scoped(tree["b1"]), date=date.today().isoformat())
    assert t["state"] == "receiving"
    events = outbox(system, t["id"])
    assert events[-1] == ("transfer_receiving", {
        "transfer_id": t["id"], "member_id": member_id, "kind": "within", "from_org_id": tree["a1"]["id"],
        "to_org_id": tree["b1"]["id"], "to_outside": None, "effective_on": date.today().isoformat()})

    answer = {"transfer_id": t["id"], "member_id": member_id, "from_org_id": tree["a1"]["id"],
              "to_org_id": tree["b1"]["id"], "kind": "within", "effective_on": date.today().isoformat()}
    event = None if SAGA else publish_member_event(system, "member_transferred", answer)
    done = wait_for(lambda: get(rpc, t), lambda x: x["state"] == "received", what="the transfer to be received")
    assert done["receipt"] == {"date": date.today().isoformat(), "auto": True}
    assert outbox(system, t["id"])[-1] == ("transfer_received", {  # the org service's in-transit guard ends
        "transfer_id": t["id"], "member_id": member_id, "kind": "within", "from_org_id": tree["a1"]["id"],
        "to_org_id": tree["b1"]["id"], "state": "received"})
    assert rpc.call("transfer", "member_in_transit", member_id=member_id) is None
    if SAGA:
        assert rpc.call("member", "get_member", member_id=member_id)["org_id"] == tree["b1"]["id"]
        event = sql(system, "SELECT envelope FROM member.outbox WHERE event_type = 'member_transferred' "
                            "AND envelope->'payload'->>'transfer_id' = %s", str(t["id"]))[0][0]
    # a redelivered answer changes nothing (the same event again; then a late refusal)
    publish_member_event(system, "member_transferred", answer, envelope=event)
    if not SAGA:
        publish_member_event(system, "member_transfer_refused", {**answer, "reason": "late"})
    wait_for(lambda: sql(system, "SELECT count(*) FROM transfer.inbox WHERE event_id = %s", event["event_id"]),
             lambda rows: rows[0][0] == 1)
    assert get(rpc, t)["version"] == done["version"]


def test_refused_by_the_member_service_goes_back_to_receive(system, rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"])
    t = apply(rpc, member_id, tree["a2"]["id"])
    assert len(t["route"]) == 2  # one 党委 on both sides: one approval
    t = act(rpc, "approve", t)
    if SAGA:  # the member left meanwhile: the member service refuses to move them
        rpc.call("member", "leave_member", member_id=member_id, data={"kind": "10", "date": date.today().isoformat()})
    t = act(rpc, "receive", t)
    if not SAGA:
        publish_member_event(system, "member_transfer_refused",
                             {"transfer_id": t["id"], "member_id": member_id, "reason": "该党员已死亡"})
    back = wait_for(lambda: get(rpc, t), lambda x: x["state"] == "to_receive", what="compensation")
    assert back["route"][-1]["state"] == "current" and "死亡" in back["history"][-1]["note"]
    act(rpc, "revoke", back, reason="测试结束")


def test_one_unfinished_transfer_per_member(rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"])
    first = apply(rpc, member_id, tree["b1"]["id"])
    error = remote_error(lambda: apply(rpc, member_id, tree["a2"]["id"]))
    assert error.code == "conflict" and "该党员已有未办结的组织关系转接" in error.message
    act(rpc, "revoke", first, reason="测试")
    second = apply(rpc, member_id, tree["a2"]["id"])
    assert second["letter_no"] != first["letter_no"]
    act(rpc, "revoke", second, reason="测试")


def test_several_members_with_one_form(system, rpc, tree):
    ready = [new_member(rpc, tree["a1"]["id"]) for _ in range(2)]
    incomplete = rpc.call("member", "create_member", data=member_data(tree["a1"]["id"]))["id"]
    result = rpc.call("transfer", "apply_many", data={"member_ids": [*ready, incomplete], "kind": "within",
                                                      "to_org_id": tree["b1"]["id"], "reason": "01",
                                                      "dues_paid_to": f"{YEAR}-01"})
    assert sorted(t["member_id"] for t in result["created"]) == sorted(ready)
    assert len({t["letter_no"] for t in result["created"]}) == 2
    assert [(r["member_id"], r["code"]) for r in result["refused"]] == [(incomplete, "validation")]
    for t in result["created"]:
        act(rpc, "revoke", t, reason="测试")


def test_incomplete_members_and_revoked_targets_are_refused(system, rpc, tree):
    incomplete = rpc.call("member", "create_member", data=member_data(tree["a1"]["id"]))["id"]
    error = remote_error(lambda: apply(rpc, incomplete, tree["b1"]["id"]))
    assert error.code == "validation" and "籍贯" in error.message and "联系电话" in error.message
    gone = create_org(rpc, tree["b"]["id"], "待撤销支部")
    version = rpc.call("org", "get_org", org_id=gone["id"])["version"]
    rpc.call("org", "revoke_org", org_id=gone["id"], data={"date": date.today().isoformat(), "reason": "撤销",
                                                          "version": version})
    wait_for(lambda: sql(system, "SELECT status FROM transfer.org_directory WHERE id = %s", gone["id"]),
             lambda rows: rows and rows[0][0] == "revoked", what="the revoke to be projected")
    member_id = new_member(rpc, tree["a1"]["id"])
    error = remote_error(lambda: apply(rpc, member_id, gone["id"]))
    assert error.code == "validation" and error.fields == {"to_org_id": "党组织已撤销"}
    error = remote_error(lambda: apply(rpc, member_id, tree["b1"]["id"], valid_days=91, reason="x"))
    assert set(error.fields) == {"valid_days", "reason"}
    assert sql(system, "SELECT count(*) FROM transfer.transfers WHERE member_id IN (%s, %s)",
               incomplete, member_id)[0][0] == 0


def test_two_approvers_at_once_give_one_step(rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"])
    results, barrier = [], threading.Barrier(2)

    def approve():
        barrier.wait()
        try:
            results.append(act(rpc, "approve", t, scoped(tree["a"])))
        except RemoteError as error:
            results.append(error)
    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [r for r in results if isinstance(r, RemoteError)]
    assert len(errors) == 1 and errors[0].exc_type == "Conflict"
    after = get(rpc, t)
    assert [s["state"] for s in after["route"]] == ["done", "current", "waiting"]
    assert after["version"] == t["version"] + 1
    act(rpc, "revoke", after, reason="测试")


def test_return_then_reapply_keeps_the_letter_number(system, rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"])
    t = act(rpc, "approve", t, scoped(tree["a"]))
    error = remote_error(lambda: act(rpc, "return_transfer", t, scoped(tree["b"])))
    assert error.code == "validation" and error.fields == {"reason": "请填写退回原因"}
    t = act(rpc, "return_transfer", t, scoped(tree["b"]), reason="党费未交清")
    assert t["state"] == "returned" and t["route"][1]["state"] == "returned"
    assert outbox(system, t["id"])[-1] == ("transfer_ended", {
        "transfer_id": t["id"], "member_id": t["member_id"], "kind": "within", "from_org_id": t["from_org_id"],
        "to_org_id": t["to_org_id"], "state": "returned"})
    assert t["actions"] == []  # 党委B does not send: only the sender re-issues
    error = remote_error(lambda: act(rpc, "reapply", t, scoped(tree["b"])))
    assert error.code == "forbidden"
    again = act(rpc, "reapply", t, scoped(tree["a1"]), dues_paid_to=f"{YEAR}-02")
    assert again["state"] == "approving" and again["letter_no"] == t["letter_no"]
    assert again["dues_paid_to"] == f"{YEAR}-02" and [s["state"] for s in again["route"]] == [
        "current", "waiting", "waiting"]
    assert [e for e, _ in outbox(system, t["id"])][-1] == "transfer_applied"
    error = remote_error(lambda: act(rpc, "reapply", again, scoped(tree["a1"])))
    assert error.code == "conflict"
    act(rpc, "revoke", again, scoped(tree["a1"]), reason="测试")


def test_revoke_until_the_receiving_side_acted(rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"])
    error = remote_error(lambda: act(rpc, "revoke", t, scoped(tree["b"]), reason="x"))
    assert error.code == "forbidden"
    t = act(rpc, "approve", t)
    t = act(rpc, "approve", t)
    error = remote_error(lambda: act(rpc, "revoke", t, scoped(tree["a1"]), reason="不转了"))
    assert error.code == "conflict" and "接收方已经办理" in error.message
    stale = remote_error(lambda: rpc.call("transfer", "approve", transfer_id=t["id"], data={"version": 1}))
    assert stale.code == "conflict"
    t = act(rpc, "return_transfer", t, scoped(tree["b1"]), reason="不接收")
    t = act(rpc, "revoke", t, scoped(tree["a1"]), reason="不转了")
    assert t["state"] == "revoked" and t["history"][-1]["note"] == "不转了"
    assert [entry["action_name"] for entry in t["history"]] == ["发起", "审批同意", "审批同意", "退回", "撤销"]


def test_scope_only_the_route_sees_and_acts(rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"], caller=scoped(tree["a1"]))
    for org in ("a", "a1", "b", "b1"):
        assert get_as(rpc, t, scoped(tree[org]))["id"] == t["id"]
    assert remote_error(lambda: get_as(rpc, t, scoped(tree["c"]))).code == "forbidden"
    assert remote_error(lambda: get_as(rpc, t, scoped(tree["a2"]))).code == "forbidden"
    assert remote_error(lambda: act(rpc, "approve", t, scoped(tree["a1"]))).code == "forbidden"
    # a clerk cannot send a member outside their scope
    outsider = new_member(rpc, tree["c"]["id"])
    assert remote_error(lambda: apply(rpc, outsider, tree["b1"]["id"], caller=scoped(tree["a"]))).code in (
        "forbidden", "not_found")
    # work lists
    ids = lambda org, box: [i["id"] for i in rpc.call("transfer", "work_list", caller=scoped(tree[org]),  # noqa: E731
                                                      org_id=tree[org]["id"], box=box)["items"]]
    assert t["id"] in ids("a", "todo") and t["id"] in ids("b", "upcoming") and t["id"] in ids("a1", "out")
    assert t["id"] not in ids("b", "todo") and t["id"] in ids("b1", "in")
    t = act(rpc, "approve", t, scoped(tree["a"]))
    assert t["id"] in ids("a", "open") and t["id"] in ids("b", "todo") and t["id"] not in ids("a", "todo")
    assert t["id"] in ids("a", "acted") and t["id"] not in ids("b", "acted")
    history = rpc.call("transfer", "work_list", caller=scoped(tree["a1"]), org_id=tree["a1"]["id"], box="out",
                       filters={"kind": "within", "applied_from": date.today().isoformat(), "state": "approving"})
    assert t["id"] in [item["id"] for item in history["items"]] and history["filters"]["kind"] == "within"
    for wrong in ({"kind": "between_branches"}, {"applied_to": "2000-01-01"}):
        assert t["id"] not in [item["id"] for item in rpc.call(
            "transfer", "work_list", org_id=tree["a1"]["id"], box="out", filters=wrong)["items"]]
    assert remote_error(lambda: rpc.call("transfer", "work_list", org_id=tree["a1"]["id"], box="out",
                                         filters={"kind": "moon"})).code == "validation"
    counts = rpc.call("transfer", "counts", caller=scoped(tree["b"]), org_id=tree["b"]["id"])
    assert counts["todo"] >= 1 and set(counts) == {"todo", "open", "upcoming", "overdue", "no_receipt"}
    assert remote_error(lambda: rpc.call("transfer", "work_list", caller=scoped(tree["c"]), org_id=tree["b"]["id"],
                                         box="todo")).code == "forbidden"
    assert remote_error(lambda: rpc.call("transfer", "work_list", org_id=tree["b"]["id"], box="x")).code == \
        "validation"
    act(rpc, "revoke", t, scoped(tree["a1"]), reason="测试")


def get_as(rpc, transfer, caller):
    return rpc.call("transfer", "get", caller=caller, transfer_id=transfer["id"])


def test_between_branches_by_the_committee_itself_needs_no_approval(rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["a2"]["id"], caller=scoped(tree["a"]),
              kind="between_branches", dues_paid_to=None)
    assert t["state"] == "to_receive" and t["letter_no"] is None and t["valid_until"] is None
    assert [s["state"] for s in t["route"]] == ["skipped", "current"]
    assert remote_error(lambda: rpc.call("transfer", "letter", transfer_id=t["id"])).code == "conflict"
    error = remote_error(lambda: apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"],
                                       kind="between_branches"))
    assert error.code == "validation" and "同一基层党委" in error.message
    act(rpc, "revoke", t, reason="测试")


def test_outside_with_its_letter_and_paper_receipt(system, rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"], name="转接乙")
    t = apply(rpc, member_id, kind="outside", to_outside={"party_committee": "某某公司党委"},
              dues_paid_to=f"{YEAR}-03", address="某市某路1号", postcode="310000", sender_phone="0571-1234567",
              sender_fax="0571-7654321")
    assert t["valid_days"] == 90 and t["to_org_name"] == "某某公司党委"
    letter = rpc.call("transfer", "letter", transfer_id=t["id"])
    assert letter["letter_no"] == t["letter_no"] and letter["member_name"] == "转接乙"
    assert letter["valid_days_capital"] == "玖拾" and letter["dues_paid_to_capital"].endswith("年叁月")
    assert (letter["issuer_name"], letter["addressee"], letter["sender_postcode"]) == (
        "转接测试甲党委", "某某公司党委", "310000")
    assert letter["category"] == "正式党员" and letter["ethnicity"] == "汉族"
    assert (letter["sender_phone"], letter["sender_fax"]) == ("0571-1234567", "0571-7654321")
    t = act(rpc, "approve", t)
    assert t["state"] == "to_receive"
    assert remote_error(lambda: act(rpc, "receive", t)).code == "conflict"
    t = act(rpc, "record_receipt", t, scoped(tree["a"]), date=date.today().isoformat(), handler="李四",
            phone="0571-88888888")
    assert t["state"] == "receiving" and t["receipt"]["handler"] == "李四"
    receiving = outbox(system, t["id"])[-1][1]
    assert (receiving["to_org_id"], receiving["to_outside"]) == (None, "某某公司党委")
    if not SAGA:  # the member service's answer, as its relay would publish it
        publish_member_event(system, "member_transferred", {
            "transfer_id": t["id"], "member_id": member_id, "kind": "outside", "from_org_id": tree["a1"]["id"],
            "to_org_id": None, "to_outside": "某某公司党委", "effective_on": date.today().isoformat()})
    wait_for(lambda: get(rpc, t), lambda x: x["state"] == "received", what="the member to leave the rolls")
    if SAGA:
        gone = rpc.call("member", "get_member", member_id=member_id)
        assert (gone["status"], gone["leave_kind_name"]) == ("left", "组织关系转出")

    # a paper letter whose receipt does not come back: past its validity it waits for the
    # receipt, and a month later it is on the sending side's supervision list
    t = act(rpc, "approve", apply(rpc, new_member(rpc, tree["a1"]["id"], name="转接丁"), kind="outside",
                                  to_outside={"party_committee": "某某公司党委"}, dues_paid_to=f"{YEAR}-03"))
    assert t["state"] == "to_receive"
    sql(system, "UPDATE transfer.transfers SET valid_until = current_date - 31 WHERE id = %s RETURNING id", t["id"])
    rpc.call("transfer", "expire_overdue")
    late = get(rpc, t)
    assert late["state"] == "to_receive" and late["receipt_missing"] and not late["overdue"]
    box = rpc.call("transfer", "work_list", caller=scoped(tree["a"]), org_id=tree["a"]["id"], box="no_receipt")
    assert t["id"] in [item["id"] for item in box["items"]]
    assert rpc.call("transfer", "counts", org_id=tree["a"]["id"])["no_receipt"] >= 1
    act(rpc, "close", late, reason="测试结束")


def test_preview_writes_nothing(system, rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"], name="转接丙")
    shown = rpc.call("transfer", "preview", data={"member_id": member_id, "kind": "within",
                                                  "to_org_id": tree["b1"]["id"], "reason": "02",
                                                  "dues_paid_to": f"{YEAR}-01"})
    assert [s["org_id"] for s in shown["route"]] == [tree["a"]["id"], tree["b"]["id"], tree["b1"]["id"]]
    assert shown["letter"]["valid_days_capital"] == "叁拾" and shown["letter"]["addressee"] == "转接测试乙党委"
    assert sql(system, "SELECT count(*) FROM transfer.transfers WHERE member_id = %s", member_id)[0][0] == 0


def test_expiry_sends_it_back_to_the_sender(system, rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"])
    sql(system, "UPDATE transfer.transfers SET valid_until = current_date - 1 WHERE id = %s RETURNING id", t["id"])
    assert rpc.call("transfer", "expire_overdue")["expired"] >= 1
    expired = get(rpc, t)
    assert expired["state"] == "expired" and outbox(system, t["id"])[-1][1]["state"] == "expired"
    assert remote_error(lambda: rpc.call("transfer", "expire_overdue", caller=scoped(tree["a"]))).code == "forbidden"
    again = act(rpc, "reapply", expired)
    assert again["state"] == "approving" and again["valid_until"] >= date.today().isoformat()
    act(rpc, "revoke", again, reason="测试")


def test_reroute_and_close(system, rpc, tree):
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), tree["b1"]["id"])
    t = act(rpc, "approve", t, scoped(tree["a"]), opinion="同意")
    assert "reroute" in get_as(rpc, t, scoped(tree["a1"]))["actions"]
    moved = act(rpc, "reroute", t, scoped(tree["a1"]), to_org_id=tree["a2"]["id"])
    assert moved["to_org_id"] == tree["a2"]["id"] and moved["state"] == "to_receive"
    assert [(s["org_id"], s["state"]) for s in moved["route"]] == [(tree["a"]["id"], "done"),
                                                                 (tree["a2"]["id"], "current")]
    assert outbox(system, t["id"])[-1][1]["to_org_id"] == tree["a2"]["id"]
    assert remote_error(lambda: get_as(rpc, moved, scoped(tree["b1"]))).code == "forbidden"
    # only an account above both sides closes it, with a reason
    assert remote_error(lambda: act(rpc, "close", moved, scoped(tree["a2"]), reason="x")).code == "forbidden"
    assert remote_error(lambda: act(rpc, "close", moved, scoped(tree["a"]))).code == "validation"
    closed = act(rpc, "close", moved, scoped(tree["a"]), reason="党员失联")
    assert closed["state"] == "closed" and outbox(system, t["id"])[-1][1]["state"] == "closed"
    assert rpc.call("transfer", "member_in_transit", member_id=t["member_id"]) is None


def test_two_applies_of_one_member_at_once_give_one_transfer(system, rpc, tree):
    member_id = new_member(rpc, tree["a1"]["id"])
    results, barrier = [], threading.Barrier(2)

    def send(to):
        barrier.wait()
        try:
            results.append(apply(rpc, member_id, tree[to]["id"]))
        except RemoteError as error:
            results.append(Failure(error))
    threads = [threading.Thread(target=send, args=(to,)) for to in ("a2", "b1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [r for r in results if isinstance(r, dict)]
    assert len(made) == 1 and [r.code for r in results if isinstance(r, Failure)] == ["conflict"]
    assert sql(system, "SELECT count(*) FROM transfer.transfers WHERE member_id = %s", member_id)[0][0] == 1
    act(rpc, "revoke", made[0], reason="测试")


def test_approval_rights_are_data(rpc, root_id, tree):
    rpc.call("transfer", "set_approval_rights", org_id=tree["b"]["id"], can_approve=False)
    try:
        shown = rpc.call("transfer", "preview", data={"member_id": new_member(rpc, tree["a1"]["id"]), "kind": "within",
                                                      "to_org_id": tree["b1"]["id"], "reason": "01",
                                                      "dues_paid_to": f"{YEAR}-01"})
        assert [s["org_id"] for s in shown["route"]] == [tree["a"]["id"], root_id, tree["b1"]["id"]]
    finally:
        rpc.call("transfer", "set_approval_rights", org_id=tree["b"]["id"], can_approve=None)
    for clerk in ("a", "b"):  # neither another 党委 nor the 党委 itself: an organization above it
        error = remote_error(lambda: rpc.call("transfer", "set_approval_rights", caller=scoped(tree[clerk]),
                                              org_id=tree["b"]["id"], can_approve=True))
        assert error.code == "forbidden"


def test_a_receiving_committee_places_the_member_in_one_of_its_branches(system, rpc, tree):
    member_id = new_member(rpc, tree["b1"]["id"])
    t = apply(rpc, member_id, tree["a"]["id"])
    assert [(s["org_id"], s["action"]) for s in t["route"]] == [(tree["b"]["id"], "approve"),
                                                                (tree["a"]["id"], "receive")]
    t = act(rpc, "approve", t)
    error = remote_error(lambda: act(rpc, "receive", t, scoped(tree["a"]), assign_to_org_id=tree["b1"]["id"]))
    assert error.code == "validation" and error.fields == {"assign_to_org_id": "不属于接收党组织"}
    t = act(rpc, "receive", t, scoped(tree["a"]), assign_to_org_id=tree["a2"]["id"])
    assert t["state"] == "receiving" and t["to_org_id"] == tree["a2"]["id"] and "甲二支部" in t["history"][-1]["note"]
    assert outbox(system, t["id"])[-1][1]["to_org_id"] == tree["a2"]["id"]
    if SAGA:
        wait_for(lambda: rpc.call("member", "get_member", member_id=member_id)["org_id"],
                 lambda org_id: org_id == tree["a2"]["id"], what="the member to be placed in the branch")


def test_names_follow_the_org_directory(rpc, tree):
    target = create_org(rpc, tree["b"]["id"], "乙新支部")
    wait_for(lambda: rpc.call("transfer", "preview", data={
        "member_id": new_member(rpc, tree["a1"]["id"]), "kind": "within", "to_org_id": target["id"], "reason": "01",
        "dues_paid_to": f"{YEAR}-01"}), lambda shown: shown["to_org_name"] == "乙新支部")
    t = apply(rpc, new_member(rpc, tree["a1"]["id"]), target["id"])
    rpc.call("org", "rename_org", org_id=target["id"], name="乙新支部（更名）")
    wait_for(lambda: get(rpc, t)["to_org_name"], lambda name: name == "乙新支部（更名）",
             what="the transfer to show the organization's new name")
    act(rpc, "revoke", get(rpc, t), reason="测试")


def test_work_lists_and_counts_are_exact_beside_finished_transfers(system, rpc, root_id):
    """The lists the work-list indexes serve (migration 0004_worklist_indexes): a fresh pair of 党委
    so every figure is exact. Done steps of a received or returned transfer are no one's 未办结."""
    d = create_org(rpc, root_id, "计数测试丁党委", "11")
    e = create_org(rpc, root_id, "计数测试戊党委", "11")
    d1, e1 = create_org(rpc, d["id"], "丁一支部"), create_org(rpc, e["id"], "戊一支部")
    ids = [org["id"] for org in (d, e, d1, e1)]
    wait_for(lambda: sql(system, "SELECT count(*) FROM transfer.org_directory WHERE id = ANY(%s)", ids)[0][0],
             lambda n: n == len(ids), what="the transfer service to project the test organizations")
    sent = [apply(rpc, new_member(rpc, d1["id"]), e1["id"]) for _ in range(4)]
    waiting = sent[0]  # 丁's 审批 current, overdue
    sql(system, "UPDATE transfer.steps SET since = now() - interval '8 days' WHERE transfer_id = %s "
                "AND state = 'current' RETURNING seq", waiting["id"])
    at_e = act(rpc, "approve", sent[1], scoped(d))  # 戊's 审批 current
    received = act(rpc, "receive", act(rpc, "approve", act(rpc, "approve", sent[2], scoped(d)), scoped(e)),
                   scoped(e1), date=date.today().isoformat())
    if not SAGA:
        publish_member_event(system, "member_transferred", {
            "transfer_id": received["id"], "member_id": received["member_id"], "from_org_id": d1["id"],
            "to_org_id": e1["id"], "kind": "within", "effective_on": date.today().isoformat()})
    wait_for(lambda: get(rpc, received), lambda x: x["state"] == "received", what="the transfer to be received")
    act(rpc, "return_transfer", act(rpc, "approve", sent[3], scoped(d)), scoped(e), reason="材料不全")

    def lists(org):
        return {box: [item["id"] for item in rpc.call("transfer", "work_list", caller=scoped(org),
                                                      org_id=org["id"], box=box)["items"]]
                for box in ("todo", "open", "upcoming")}
    newest_first = [at_e["id"], waiting["id"]]
    assert lists(d) == {"todo": [waiting["id"]], "open": [at_e["id"]], "upcoming": []}
    assert lists(e) == {"todo": [at_e["id"]], "open": [], "upcoming": newest_first}
    assert lists(e1) == {"todo": [], "open": [], "upcoming": newest_first}
    second = rpc.call("transfer", "work_list", org_id=e["id"], box="upcoming", page=2, size=1)
    assert (second["total"], [item["id"] for item in second["items"]]) == (2, [waiting["id"]])
    assert rpc.call("transfer", "counts", caller=scoped(d), org_id=d["id"]) == {
        "todo": 1, "open": 1, "upcoming": 0, "overdue": 1, "no_receipt": 0}
    assert rpc.call("transfer", "counts", caller=scoped(e), org_id=e["id"]) == {
        "todo": 1, "open": 0, "upcoming": 2, "overdue": 0, "no_receipt": 0}

    # The receiving branch moves under a new 党委: its live steps follow it (steps_live by path).
    f = create_org(rpc, root_id, "计数测试己党委", "11")
    wait_for(lambda: sql(system, "SELECT count(*) FROM transfer.org_directory WHERE id = %s", f["id"])[0][0],
             lambda n: n == 1, what="the transfer service to project the new committee")
    rpc.call("org", "move_org", org_id=e1["id"], data={
        "parent_id": f["id"], "date": date.today().isoformat(), "reason": "隶属关系调整",
        "version": rpc.call("org", "get_org", org_id=e1["id"])["version"]})
    wait_for(lambda: lists(f), lambda found: found == {"todo": [], "open": [], "upcoming": newest_first},
             what="the moved branch's steps to count under its new parent")
    # e keeps its own steps; the branch's 接收 of the transfer at e's 审批 has left e's subtree.
    assert lists(e) == {"todo": [at_e["id"]], "open": [], "upcoming": [waiting["id"]]}
    assert rpc.call("transfer", "counts", caller=scoped(f), org_id=f["id"]) == {
        "todo": 0, "open": 0, "upcoming": 2, "overdue": 0, "no_receipt": 0}
    assert rpc.call("transfer", "counts", caller=scoped(e), org_id=e["id"])["upcoming"] == 1


def test_contacts_back_filled_from_the_org_service(system, rpc, root_id):
    """An organization last changed before org events carried contacts has no row in
    transfer.org_contacts (its steps show 未登记): the back-fill reads it from the org service, once;
    only the whole tree's caller may run it."""
    org = create_org(rpc, root_id, "联系人补录党委", "11")
    rpc.call("org", "update_org", org_id=org["id"], data={"version": 1, "contact_person": "赵六",
                                                          "contact_phone": "13812345678"})
    wait_for(lambda: sql(system, "SELECT contact_person FROM transfer.org_contacts WHERE org_id = %s", org["id"]),
             lambda rows: rows == [("赵六",)], what="the contact to be projected")
    sql(system, "DELETE FROM transfer.org_contacts WHERE org_id = %s RETURNING org_id", org["id"])

    done = rpc.call("transfer", "backfill_contacts")
    assert done["organizations"] >= 2 and done["written"] >= 1
    assert sql(system, "SELECT contact_person, contact_phone, version FROM transfer.org_contacts WHERE org_id = %s",
               org["id"]) == [("赵六", "13812345678", 2)]
    again = rpc.call("transfer", "backfill_contacts")
    assert again["written"] == 0
    refused = remote_error(lambda: rpc.call("transfer", "backfill_contacts", caller=scoped(org)))
    assert refused.code == "forbidden"
