"""Events the member service emits. Payloads carry the member's counted facts before and after
the change, so the stats service needs no other source (house rule 3; docs/ARCHITECTURE.md).
"""
from services.shared.audit import EMITS as AUDIT_EMITS
from services.shared.org_directory import ORG_EVENTS

MEMBER_CREATED = "member_created"
MEMBER_UPDATED = "member_updated"
MEMBER_TRANSFERRED = "member_transferred"
MEMBER_TRANSFER_REFUSED = "member_transfer_refused"
APPLICANT_CREATED = "applicant_created"
APPLICANT_UPDATED = "applicant_updated"

EMITS = {
    **AUDIT_EMITS,
    MEMBER_CREATED: "a member or applicant was recorded (counted facts after)",
    MEMBER_UPDATED: "a member's counted facts changed (before and after)",
    MEMBER_TRANSFERRED: "a transfer's member was moved: {transfer_id, member_id, from_org_id, from_org_path, "
                        "to_org_id, to_org_path, kind, effective_on}; out of this system (跨省, 系统外): "
                        "to_org_id null and to_outside the receiving side as text (the member left the rolls)",
    MEMBER_TRANSFER_REFUSED: "a transfer's member could not be moved: {transfer_id, member_id, reason}",
    APPLICANT_CREATED: "an 入党申请人 was recorded: {applicant_id, before: null, after: facts} "
                       "(domain/applicants.applicant_facts: org_id, org_path, stage, sex, birth_date, ethnicity, "
                       "education, occupation, applied_on, activist_on, candidate_on, joined_on, deleted_on)",
    APPLICANT_UPDATED: "an 入党申请人 changed — edited, deleted (after.deleted_on set), found again (找回: "
                       "deleted_on back to null) or moved on a stage (the stage's date with it, a 回退 "
                       "clears it): {applicant_id, before, after}",
}
# member_updated is published with the fields it changed in its routing key (services/shared/messaging/
# routing.py): a consumer that acts on a few fields (WHEN_CHANGED in its events.py) gets only those changes.
ROUTED_BY_CHANGE = (MEMBER_UPDATED,)
# The organization directory (services/shared/org_directory.py) follows every org event; a
# member follows its transfers (services/member/transfers.py).
TRANSFER_EVENTS = ("transfer_applied", "transfer_ended", "transfer_receiving", "transfer_received")
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [("transfer", event_type)
                                                                  for event_type in TRANSFER_EVENTS]

# leave_kind and left_on feed the 出党 and 停止党籍 tables of the annual report (None while active);
# org_path lets a consumer place the member in the tree without asking; education (highest) and
# occupation (current work post) are kept on the member row (derived from their info sets);
# full_on (转正日期) feeds the 转正 table; arrived_on (only for a member keyed in by 线下转入, so the
# contract of the others is unchanged) starts the member's years here; extended_on (likewise only
# when set) is the approval of a 延长预备期. 转正 is category 01 with full_on; 取消预备党员资格 the
# leave kind 25. name (not counted) feeds the dues service's rosters.
# `evaluations` (民主评议 grade per year) and `absences`
# (each leave later taken back by 找回: [kind, left_on, back_on], domain/status.absences) come from
# their own tables and are added by member_facts; so are, only when the member has any (the contract
# of the others is unchanged), `trainings` (培训情况: [started_on, level, mode, hours], 表9) and
# `commendations` (the 奖励 of 奖惩情况: [decided_on, level], 表12), domain/info_sets.
COUNTED_FIELDS = ("org_id", "org_path", "status", "sex", "category", "ethnicity", "birth_date", "joined_on",
                  "leave_kind", "left_on", "education", "occupation", "full_on")
DATE_FIELDS = ("birth_date", "joined_on", "left_on", "full_on")


def member_facts(row, evaluations: dict | None = None, absences: list | None = None, trainings: list | None = None,
                 commendations: list | None = None) -> dict:
    """The counted facts of a member row; `evaluations` = {"2025": "1", …} and `absences` =
    [["30", "2024-05-01", "2026-03-01"], …] (none for a new member); `trainings` and
    `commendations` as domain/info_sets.training_facts and commendation_facts give them."""
    facts = {field: getattr(row, field) for field in COUNTED_FIELDS}
    for field in DATE_FIELDS:
        facts[field] = facts[field].isoformat() if facts[field] is not None else None
    name = getattr(row, "name", None)
    if name is not None:  # not counted: the dues service's roster shows it (services/dues/projection.py)
        facts["name"] = name
    arrived_on = getattr(row, "arrived_on", None)
    if arrived_on is not None:
        facts["arrived_on"] = arrived_on.isoformat()
    extended_on = getattr(row, "probation_extended_on", None)
    if extended_on is not None:  # 延长预备期 approved that day (development.py), for the report's 延长
        facts["extended_on"] = extended_on.isoformat()
    facts["evaluations"] = dict(evaluations or {})
    facts["absences"] = [list(absence) for absence in absences or ()]
    if trainings:
        facts["trainings"] = [list(training) for training in trainings]
    if commendations:
        facts["commendations"] = [list(commendation) for commendation in commendations]
    return facts


def applicant_payload(applicant_id: int, before, after) -> dict:
    return {"applicant_id": applicant_id, "before": before, "after": after}


def change_payload(member_id: int, before, after) -> dict:
    return {"member_id": member_id, "before": before, "after": after}
