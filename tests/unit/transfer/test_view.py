"""The transfer dict as both sides return it (store.view): names beside codes, the step in hand,
what the caller may do."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from services.shared.context import Caller
from services.transfer import store

ORGS = {3: {"id": 3, "path": "/1/3/", "name": "甲党委", "status": "active", "contact_person": "王明",
            "contact_phone": "010-12345678"},
        4: {"id": 4, "path": "/1/3/4/", "name": "甲一支部", "status": "active"},
        8: {"id": 8, "path": "/1/7/8/", "name": "乙一支部", "status": "active"}}


def row(**overrides):
    values = dict(id=9, member_id=5, member_name="张三", kind="within", state="approving", from_org_id=4, to_org_id=8,
                  to_outside=None, letter_no="2026000001", applied_on=date(2026, 3, 1), valid_until=date(2026, 3, 30),
                  version=2, reason="01", dues_paid_to="2026-02", valid_days=30, phone=None, address=None,
                  postcode=None, sender_phone=None, sender_fax=None, receipt=None, source=None, member={},
                  history=[{"action": "applied", "org_id": 4}], created_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                  org_id=None)
    return SimpleNamespace(**{**values, **overrides})


def route(since=None):
    return [{"seq": 1, "org_id": 3, "action": "approve", "side": "send", "state": "current", "since": since},
            {"seq": 2, "org_id": 8, "action": "receive", "side": "receive", "state": "waiting", "since": None}]


def test_names_beside_codes_and_the_callers_actions():
    view = store.view(row(), route(), ORGS, Caller("u", "/1/3/"), {"01": "调动工作"})
    assert (view["kind_name"], view["state_name"], view["reason_name"]) == ("省内转接", "审批中", "调动工作")
    assert (view["from_org_name"], view["to_org_name"]) == ("甲一支部", "乙一支部")
    assert view["current_step"]["org_name"] == "甲党委" and view["route"][1]["state_name"] == "未到达"
    # Each step's contact (联系人, 联系电话 of its organization's card); none recorded: None.
    assert (view["current_step"]["contact_person"], view["current_step"]["contact_phone"]) == ("王明", "010-12345678")
    assert view["route"][1]["contact_person"] is None
    assert view["history"][0]["action_name"] == "发起" and view["history"][0]["org_name"] == "甲一支部"
    assert view["actions"] == ["approve", "return", "revoke", "reroute"]
    assert store.view(row(), route(), ORGS, Caller("u", "/1/7/8/"))["actions"] == []


def test_a_returned_transfer_has_no_step_in_hand():
    view = store.view(row(state="expired"), route(), ORGS, Caller("u", "/1/3/4/"))
    assert view["current_step"] is None and [s["state"] for s in view["route"]] == ["waiting", "waiting"]
    assert view["actions"] == ["reapply", "revoke"]


def test_overdue_steps_and_letters():
    old = (datetime.now(timezone.utc) - timedelta(days=store.STEP_OVERDUE_DAYS + 1)).isoformat()
    view = store.view(row(), route(since=old), ORGS)
    assert view["current_step"]["overdue"] and view["overdue"] and "actions" not in view
    assert not store.view(row(valid_until=date.today()), route(), ORGS)["overdue"]


def test_the_outside_receiver_is_written_out():
    outside = {"province": "浙江省", "party_committee": "某党委", "branch": None}
    view = store.view(row(kind="cross_province", to_org_id=None, to_outside=outside), route(), ORGS)
    assert view["to_org_name"] == "浙江省某党委"


def test_scope_is_the_route():
    assert store.can_see(Caller("u", "/1/7/"), row(), route(), ORGS)
    assert not store.can_see(Caller("u", "/1/5/"), row(), route(), ORGS)
