"""Events the org service emits, and their payloads (plain JSON values).

Every event carries the organization's state (EVENT_CONTRACT.md); aggregate_version is the
organization's version after the change, so consumers keep the newest."""
from services.shared.audit import AUDIT_RECORDED
from services.shared.audit import EMITS as AUDIT_EMITS
from services.shared.service_list import SERVICES

ORG_CREATED = "org_created"
ORG_RENAMED = "org_renamed"
ORG_UPDATED = "org_updated"    # card edits (type included), units and rewards, batch changes
ORG_REVOKED = "org_revoked"    # 撤销: moved to the history organizations
ORG_RESTORED = "org_restored"  # a revoked organization put back
ORG_DELETED = "org_deleted"    # removed for good (it had no sub-organizations and no members)
ORG_MOVED = "org_moved"        # under another parent with its subtree: state + old_path, new_path, moved_on
ORG_TRANSFER_REFUSED = "org_transfer_refused"  # 整建制转移's move could not be done: {transfer_id, org_id, reason}
ORG_TRANSFER_RECEIVING = "org_transfer_receiving"  # the transfer service's request (整建制转移 received)
MEETING_RECORDED = "meeting_recorded"  # 组织生活: a meeting recorded (its state)
MEETING_CHANGED = "meeting_changed"    # 组织生活: a record changed, signed or voided (its state)
TERM_OPENED = "term_opened"            # 换届: a new term with its committee (the term's state)
TERM_CLOSED = "term_closed"            # 换届: the previous term closed, all its members 离任 that day
TERM_APPROVED = "term_approved"        # the higher level's 批复 (and 延期换届) recorded
COMMITTEE_CHANGED = "committee_changed"  # 届中调整 (补选, 指派, 离任) or a member who left the rolls
TERM_CORRECTED = "term_corrected"      # 更正届次: dates, length or 批复 corrected (and the previous term's end)
REPORT_DATE_CHANGED = "report_date_changed"  # 系统设置: the root's 统计报告期截止日 set or unset

EMITS = {
    **AUDIT_EMITS,
    ORG_CREATED: "an organization was created (its state)",
    ORG_RENAMED: "an organization's name changed (its state)",
    ORG_UPDATED: "card fields, units or rewards changed (its state)",
    ORG_REVOKED: "an organization was revoked: status history (its state)",
    ORG_RESTORED: "a revoked organization was put back (its state)",
    ORG_DELETED: "an organization was removed for good (its last state)",
    ORG_MOVED: "an organization and its subtree went under another parent (state, old_path, new_path, moved_on; "
               "`transfer` {id, kind, counted, effective_on} when a 整建制转移 moved it)",
    ORG_TRANSFER_REFUSED: "a 整建制转移's move could not be done (the organization was revoked or moved meanwhile, "
                          "the target revoked…): {transfer_id, org_id, reason}",
    MEETING_RECORDED: "a 组织生活 meeting was recorded: {id, org_id, kind, held_at, year, status, voided} "
                      "(aggregate: the meeting, version 1)",
    MEETING_CHANGED: "a 组织生活 record was changed, signed or voided (作废): its state after, as meeting_recorded's "
                     "(`voided` true once voided)",
    TERM_OPENED: "换届: a new term with its committee (term_state; aggregate: the term, its version grows with "
                 "every change)",
    TERM_CLOSED: "换届 or 撤销: the term closed, its members in office 离任 that day (term_state)",
    TERM_APPROVED: "the higher level's 批复 or 延期换届 of a term (term_state)",
    COMMITTEE_CHANGED: "届中调整 (补选, 指派, 离任) or a member who left the rolls (term_state + `change`)",
    TERM_CORRECTED: "更正届次: a term's election day, length or 批复 corrected, with a reason (term_state); a "
                    "corrected election day also moves the previous term's end (its own term_corrected)",
    REPORT_DATE_CHANGED: "系统设置: the root organization's 统计报告期截止日 was set or unset: {org_id, report_date "
                         "(\"MM-DD\", the one in force: the default 12-31 once unset)} (aggregate \"report_date\", "
                         "version: the setting change's id)",
}
# Transfers in flight (transit.py): an organization members are leaving or coming to stays;
# 整建制转移: the transfer service asks for the move once the new parent has received. (Members
# and applicants in an organization are asked of the member service when it is revoked or
# deleted: services/member/org_holds.py.)
# 换届: a member who leaves the rolls (member_updated, status left) or transfers (member_transferred)
# leaves the committees they no longer belong to (terms.on_member_event): only a member_updated that
# changes the status is delivered (services/shared/messaging/routing.py).
# 流入 members who may attend an organization's meetings (inflows.py): inflow_opened / inflow_ended.
CONSUMES: list = [
    ("transfer", event_type) for event_type in
    ("transfer_applied", "transfer_receiving", "transfer_ended", "transfer_received", ORG_TRANSFER_RECEIVING,
     "inflow_opened", "inflow_ended")] + [
    ("member", "member_updated"), ("member", "member_transferred")] + [
    (source, AUDIT_RECORDED) for source in SERVICES]  # 操作日志 (audit.py): every service's
WHEN_CHANGED = {("member", "member_updated"): ("status",)}


def org_state(row, status: str | None = None, units=(), commendations=()) -> dict:
    """`units`: its 单位信息 as [{category, party_setup}] in the card's order (store.unit_states): the
    stats service counts 乡镇/村/街道/社区 units and their members (表5, 表6) from them.
    `commendations`: the 奖励 of its 组织奖惩 as [[批准日期, 批准机关级别], …], oldest first
    (store.commendation_states): the stats service counts them in 表12 表彰."""
    return {"id": row.id, "parent_id": row.parent_id, "path": row.path, "code": row.code,
            "name": row.name, "type": row.type, "status": status or row.status,
            "contact_person": row.contact_person, "contact_phone": row.contact_phone,
            "established_on": row.established_on.isoformat() if row.established_on else None,
            "revoked_on": row.revoked_on.isoformat() if row.revoked_on else None,
            "units": [{"category": unit["category"], "party_setup": unit["party_setup"]} for unit in units],
            "commendations": [list(commendation) for commendation in commendations]}


def meeting_state(row) -> dict:
    """A meeting's state in its events: enough to place it (its organization) and count it."""
    return {"id": row.id, "org_id": row.org_id, "kind": row.kind, "held_at": row.held_at.isoformat(),
            "year": row.year, "status": row.status, "voided": row.voided_at is not None}


def term_state(row, org_path: str, members) -> dict:
    """A term's state in its events: enough to place it, count it (completed 换届 by date) and
    count its committee. `members`: its open rows; `committee`: every row with its 任职 and 离任
    dates (the stats service counts who was in office on 12-31 from it)."""
    def day(value):
        return value.isoformat() if value else None
    return {"id": row.id, "org_id": row.org_id, "org_path": org_path, "number": row.number, "method": row.method,
            "elected": row.method in ("1", "2"), "elected_on": day(row.elected_on), "term_years": row.term_years,
            "expires_on": day(row.expires_on), "postponed_to": day(row.postponed_to),
            "approved_on": day(row.approved_on), "approval_no": row.approval_no, "closed_on": day(row.closed_on),
            "members": [{"row_id": m.id, "member_id": m.member_id, "post": m.post, "how": m.how, "since": day(m.since)}
                        for m in members if m.left_on is None],
            "committee": [{"row_id": m.id, "member_id": m.member_id, "post": m.post, "how": m.how,
                           "since": day(m.since), "left_on": day(m.left_on)} for m in members]}
