"""Events the transfer service emits and consumes (topology reads these declarations; the
contract with the member and stats services is in docs/TRANSFERS.md).

The saga of a 接收: the transfer goes to `receiving` and emits `transfer_receiving`; the member
service moves the member (with its own member_updated, in one transaction) and answers
`member_transferred` (→ `received`) or `member_transfer_refused` (→ back to `to_receive`)."""
from services.shared.audit import EMITS as AUDIT_EMITS
from services.shared.org_directory import ORG_EVENTS

from .store import outside_name

TRANSFER_APPLIED = "transfer_applied"
TRANSFER_ENDED = "transfer_ended"
TRANSFER_RECEIVING = "transfer_receiving"
TRANSFER_RECEIVED = "transfer_received"
ORG_TRANSFER_RECEIVING = "org_transfer_receiving"
ORG_TRANSFER_REFUSED = "org_transfer_refused"
MEMBER_TRANSFERRED = "member_transferred"
MEMBER_TRANSFER_REFUSED = "member_transfer_refused"

EMITS = {
    **AUDIT_EMITS,
    TRANSFER_APPLIED: "a member's transfer was applied or re-applied: {transfer_id, member_id, kind, from_org_id, "
                      "to_org_id} (the member shows 转出中)",
    TRANSFER_ENDED: "a transfer stopped without moving the member (revoked, closed, expired, returned): "
                    "{transfer_id, member_id, kind, from_org_id, to_org_id, state}",
    TRANSFER_RECEIVING: "the receiving side received: move the member {transfer_id, member_id, kind, from_org_id, "
                        "to_org_id, to_outside, effective_on} (跨省/系统外: to_org_id null, to_outside the "
                        "receiving side as text; the member leaves the rolls; 线下转入 (kind inbound): member_id "
                        "null, member (the keyed-in form), from_kind, from_text, letter_no: create the member)",
    TRANSFER_RECEIVED: "the member moved (已接收): the transfer is over {transfer_id, member_id, kind, from_org_id, "
                       "to_org_id, state} (整建制: member_id null, the organization moved)",
    ORG_TRANSFER_RECEIVING: "整建制转移 received: move the organization {transfer_id, org_id, from_parent_id, "
                            "to_parent_id, effective_on, reason, counted} (the org service answers with org_moved "
                            "carrying `transfer`, or org_transfer_refused)",
}
# 流动党员 (docs/MOBILITY.md): aggregate ids "outflow-<id>" / "inflow-<id>".
EMITS.update({
    "outflow_opened": "流出登记: {outflow_id, member_id, home_org_id, home_org_path, state, destination_kind "
                      "(in_system/domestic/abroad), destination_code (行政区划), to_org_id, from_date, ended_on, "
                      "lost_periods [[since, found_on]], effective_on} (mobility_store.outflow_facts)",
    "outflow_changed": "失联 or 取得联系: the same payload, state lost or out, effective_on the date; also an "
                       "outflow closed by a leave that was taken back (回退): state out or lost again, ended_on null, "
                       "effective_on the closing day taken back",
    "outflow_closed": "返回 or the member left the rolls: the same payload, state returned or closed, effective_on",
    "inflow_opened": "流入登记: {inflow_id, org_id, org_path, outflow_id (null: from outside), state, from_date, "
                     "ended_on} (mobility_store.inflow_facts); also an inflow ended with an outflow's closing "
                     "that a 回退 took back: state in again, ended_on null",
    "inflow_ended": "the member left the receiving organization: the same payload",
})
# The organization directory follows every org event; the saga's answers come from member (a
# member's transfer) and org (整建制: org_moved with `transfer`, or org_transfer_refused); a
# member leaving the rolls (member_updated) closes their outflow, the 回退 of that leave reopens it.
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [
    ("member", MEMBER_TRANSFERRED), ("member", MEMBER_TRANSFER_REFUSED), ("org", ORG_TRANSFER_REFUSED),
    ("member", "member_updated")]
WHEN_CHANGED = {("member", "member_updated"): ("status",)}  # only a leave or its 回退 (routing.py)


def applied_payload(row) -> dict:
    """A 整建制转移's also carry `org_id`, the organization it moves."""
    return {"transfer_id": row.id, "member_id": row.member_id, "kind": row.kind, "from_org_id": row.from_org_id,
            "to_org_id": row.to_org_id, **({"org_id": row.org_id} if row.org_id else {})}


def ended_payload(row) -> dict:
    """Also the transfer's end of 已接收 (transfer_received)."""
    return {**applied_payload(row), "state": row.state}


def receiving_payload(row, effective_on: str) -> dict:
    """The receiving side as text too: a member leaving this system (跨省, 系统外) is recorded as
    转出 to it. A 线下转入 (member_id null) carries the keyed-in member form (`member`) and where it
    came from (`from_kind` 跨省/系统外, `from_text`): the member service creates the member."""
    payload = {**applied_payload(row), "to_outside": outside_name(row.to_outside) or None,
               "effective_on": effective_on}
    if row.source:
        payload.update(member=row.member, from_kind=row.source["from_kind"], from_text=row.source["from_text"],
                       letter_no=row.source["letter_no"])
    return payload


def org_receiving_payload(row, effective_on: str, reason_name: str) -> dict:
    """What the org service needs to move the organization (and check it is still where it was);
    `reason` is the 转接原因's name, as the organization's history shows it."""
    return {"transfer_id": row.id, "org_id": row.org_id, "from_parent_id": row.from_org_id,
            "to_parent_id": row.to_org_id, "effective_on": effective_on, "reason": reason_name,
            "counted": bool((row.member or {}).get("counted", True))}
