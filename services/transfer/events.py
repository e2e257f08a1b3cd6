"""Events the transfer service emits and consumes (topology reads these declarations; the
contract with the member and stats services is in docs/TRANSFERS.md).

The saga of a 接收: the transfer goes to `receiving` and emits `transfer_receiving`; the member
service moves the member (with its own member_updated, in one transaction) and answers
`member_transferred` (→ `received`) or `member_transfer_refused` (→ back to `to_receive`)."""
from services.shared.org_directory import ORG_EVENTS

from .store import outside_name

TRANSFER_APPLIED = "transfer_applied"
TRANSFER_ENDED = "transfer_ended"
TRANSFER_RECEIVING = "transfer_receiving"
MEMBER_TRANSFERRED = "member_transferred"
MEMBER_TRANSFER_REFUSED = "member_transfer_refused"

EMITS = {
    TRANSFER_APPLIED: "a member's transfer was applied or re-applied: {transfer_id, member_id, kind, from_org_id, "
                      "to_org_id} (the member shows 转出中)",
    TRANSFER_ENDED: "a transfer stopped without moving the member (revoked, closed, expired, returned): "
                    "{transfer_id, member_id, state}",
    TRANSFER_RECEIVING: "the receiving side received: move the member {transfer_id, member_id, kind, from_org_id, "
                        "to_org_id, to_outside, effective_on} (跨省/系统外: to_org_id null, to_outside the "
                        "receiving side as text; the member leaves the rolls)",
}
# 流动党员 (docs/MOBILITY.md): aggregate ids "outflow-<id>" / "inflow-<id>".
EMITS.update({
    "outflow_opened": "流出登记: {outflow_id, member_id, home_org_id, home_org_path, state, destination_kind "
                      "(in_system/domestic/abroad), to_org_id, from_date, effective_on}",
    "outflow_changed": "失联 or 取得联系: the same payload, state lost or out, effective_on the date",
    "outflow_closed": "返回 or the member left the rolls: the same payload, state returned or closed, effective_on",
    "inflow_opened": "流入登记: {inflow_id, org_id, outflow_id (null: from outside), state, from_date, ended_on}",
    "inflow_ended": "the member left the receiving organization: the same payload",
})
# The organization directory follows every org event; the saga's answers come from member; a
# member leaving the rolls (member_updated) closes their outflow.
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [
    ("member", MEMBER_TRANSFERRED), ("member", MEMBER_TRANSFER_REFUSED), ("member", "member_updated")]


def applied_payload(row) -> dict:
    return {"transfer_id": row.id, "member_id": row.member_id, "kind": row.kind, "from_org_id": row.from_org_id,
            "to_org_id": row.to_org_id}


def ended_payload(row) -> dict:
    return {"transfer_id": row.id, "member_id": row.member_id, "state": row.state}


def receiving_payload(row, effective_on: str) -> dict:
    """The receiving side as text too: a member leaving this system (跨省, 系统外) is recorded as
    转出 to it."""
    return {**applied_payload(row), "to_outside": outside_name(row.to_outside) or None, "effective_on": effective_on}
