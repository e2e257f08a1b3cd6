"""Which action is allowed in which state and on which step (domain/states.py)."""
from datetime import date

import pytest

from services.transfer.domain import states
from services.transfer.domain.codes import APPROVING, EXPIRED, RECEIVED, RECEIVING, RETURNED, REVOKED, TO_RECEIVE

ACTOR = {"user_id": "7", "username": "张三"}
AT = "2026-03-01T08:00:00+00:00"


def route():
    return [{"seq": 1, "org_id": 3, "action": "approve", "side": "send", "state": "current"},
            {"seq": 2, "org_id": 7, "action": "approve", "side": "receive", "state": "waiting"},
            {"seq": 3, "org_id": 8, "action": "receive", "side": "receive", "state": "waiting"}]


def test_apply_approve_approve_receive():
    state, steps = states.approve(APPROVING, route(), ACTOR, "同意", AT)
    assert state == APPROVING and [s["state"] for s in steps] == ["done", "current", "waiting"]
    assert steps[0]["opinion"] == "同意" and steps[0]["handler_name"] == "张三" and steps[1]["since"] == AT
    state, steps = states.approve(state, steps, ACTOR, None, AT)
    assert state == TO_RECEIVE and steps[2]["state"] == "current"
    with pytest.raises(states.Refused):
        states.approve(state, steps, ACTOR, None, AT)  # the current step is a 接收
    state, steps = states.receive(state, steps, "within", ACTOR, AT)
    assert state == RECEIVING and all(s["state"] == "done" for s in steps)
    assert states.transferred(state) == RECEIVED
    assert states.transferred(RECEIVED) is None  # a redelivered answer changes nothing


def test_the_input_route_is_not_changed():
    steps = route()
    states.approve(APPROVING, steps, ACTOR, None, AT)
    assert steps == route()


def test_receive_before_approval_is_refused():
    with pytest.raises(states.Refused, match="不能接收"):
        states.receive(APPROVING, route(), "within", ACTOR, AT)


def test_paper_kinds_record_a_receipt_instead_of_receiving():
    steps = [{"seq": 1, "org_id": 3, "action": "approve", "side": "send", "state": "done"},
             {"seq": 2, "org_id": 3, "action": "receive", "side": "send", "state": "current"}]
    with pytest.raises(states.Refused, match="回执"):
        states.receive(TO_RECEIVE, steps, "outside", ACTOR, AT)
    state, _ = states.record_receipt(TO_RECEIVE, steps, "outside", ACTOR, AT)
    assert state == RECEIVING
    with pytest.raises(states.Refused):
        states.record_receipt(TO_RECEIVE, route(), "within", ACTOR, AT)


def test_return_and_reapply():
    state, steps = states.return_(APPROVING, route(), ACTOR, "材料不全", AT)
    assert state == RETURNED and steps[0]["state"] == "returned" and steps[0]["opinion"] == "材料不全"
    states.require_reapply(RETURNED)
    states.require_reapply(EXPIRED)
    with pytest.raises(states.Refused):
        states.require_reapply(APPROVING)
    with pytest.raises(states.Refused):
        states.return_(RETURNED, steps, ACTOR, "again", AT)


def test_revoke_until_the_receiving_side_acted():
    assert states.revoke(APPROVING, route()) == REVOKED
    assert states.revoke(RETURNED, route()) == REVOKED
    _, steps = states.approve(APPROVING, route(), ACTOR, None, AT)
    assert states.revoke(APPROVING, steps) == REVOKED  # only the sending 党委 acted
    _, steps = states.approve(APPROVING, steps, ACTOR, None, AT)
    with pytest.raises(states.Refused, match="接收方已经办理"):
        states.revoke(TO_RECEIVE, steps)
    with pytest.raises(states.Refused):
        states.revoke(RECEIVING, route())
    returned, steps = states.return_(TO_RECEIVE, steps, ACTOR, "不接收", AT)
    assert states.revoke(returned, steps) == REVOKED  # back with the sender


def test_refused_by_the_member_service_goes_back_to_receive():
    steps = [dict(s, state="done") for s in route()]
    state, steps = states.transfer_refused(RECEIVING, steps, AT)
    assert state == TO_RECEIVE and steps[2]["state"] == "current" and steps[2]["acted_at"] is None
    assert states.transfer_refused(TO_RECEIVE, steps, AT) is None


def test_expiry_by_validity():
    assert states.is_overdue(APPROVING, date(2026, 3, 30), date(2026, 3, 31))
    assert not states.is_overdue(APPROVING, date(2026, 3, 31), date(2026, 3, 31))
    assert not states.is_overdue(RECEIVING, date(2026, 3, 1), date(2026, 3, 31))
    assert not states.is_overdue(APPROVING, None, date(2026, 3, 31))  # 支部间: no letter, no expiry
    assert states.expire(TO_RECEIVE, date(2026, 3, 1), date(2026, 3, 31)) == EXPIRED
    with pytest.raises(states.Refused):
        states.expire(TO_RECEIVE, date(2026, 4, 1), date(2026, 3, 31))


def test_a_paper_letter_out_with_the_member_waits_for_its_receipt():
    assert states.is_overdue(APPROVING, date(2026, 3, 1), date(2026, 3, 31), "outside")
    assert not states.is_overdue(TO_RECEIVE, date(2026, 3, 1), date(2026, 3, 31), "cross_province")
    assert not states.receipt_missing(TO_RECEIVE, "outside", date(2026, 3, 1), date(2026, 3, 31))
    assert states.receipt_missing(TO_RECEIVE, "outside", date(2026, 3, 1), date(2026, 4, 1))
    assert not states.receipt_missing(TO_RECEIVE, "within", date(2026, 3, 1), date(2026, 5, 1))
    assert not states.receipt_missing(RECEIVING, "outside", date(2026, 3, 1), date(2026, 5, 1))


def test_allowed_actions_for_the_buttons():
    assert states.allowed_actions(APPROVING, route(), "within", True, False) == ["approve", "return"]
    assert states.allowed_actions(APPROVING, route(), "within", False, True) == ["revoke", "reroute"]
    assert states.allowed_actions(APPROVING, route(), "outside", False, True) == ["revoke"]
    assert states.allowed_actions(APPROVING, route(), "within", False, True, True) == ["revoke", "reroute", "close"]
    assert states.allowed_actions(RETURNED, route(), "within", False, True) == ["reapply", "revoke"]
    assert states.allowed_actions(RECEIVED, route(), "within", True, True) == []


def test_reroute_keeps_the_senders_approval():
    _, steps = states.approve(APPROVING, route(), ACTOR, "同意", AT)
    new = [{"seq": 1, "org_id": 3, "action": "approve", "side": "send", "state": "current"},
           {"seq": 2, "org_id": 9, "action": "receive", "side": "receive", "state": "waiting"}]
    state, rerouted = states.reroute(APPROVING, steps, new, AT)
    assert state == TO_RECEIVE and [s["state"] for s in rerouted] == ["done", "current"]
    assert rerouted[0]["opinion"] == "同意" and rerouted[1]["since"] == AT
    state, rerouted = states.reroute(APPROVING, route(), new, AT)
    assert state == APPROVING and [s["state"] for s in rerouted] == ["current", "waiting"]
    _, steps = states.approve(APPROVING, steps, ACTOR, None, AT)
    with pytest.raises(states.Refused, match="接收方已经办理"):
        states.reroute(TO_RECEIVE, steps, new, AT)
    with pytest.raises(states.Refused):
        states.reroute(RETURNED, route(), new, AT)


def test_close_and_the_steps_that_will_never_come():
    assert states.close(RETURNED) == "closed"
    with pytest.raises(states.Refused):
        states.close(RECEIVING)
    assert [s["state"] for s in states.stop_route(states.approve(APPROVING, route(), ACTOR, None, AT)[1])] == [
        "done", "skipped", "skipped"]
