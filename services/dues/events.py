"""Events the dues service emits and consumes (topology reads these declarations).

Nobody consumes the dues events yet (the 工作督查 and the transfer letter read by RPC); they
carry what a consumer would need: aggregate ids are "member-<id>" (bases, payments, large dues,
exemptions of one member), "branch-<org id>" (系统设置), "remittance-<id>" (上缴, its version) and
"large-remittance-<id>" (大额党费 上缴)."""
from services.shared.audit import EMITS as AUDIT_EMITS
from services.shared.org_directory import ORG_EVENTS

DUES_SETTINGS_CHANGED = "dues_settings_changed"
DUES_BASE_SET = "dues_base_set"
DUES_PAID = "dues_paid"
DUES_PAYMENT_VOIDED = "dues_payment_voided"
DUES_LARGE_PAID = "dues_large_paid"
DUES_EXEMPTION_APPLIED = "dues_exemption_applied"
DUES_EXEMPTION_DECIDED = "dues_exemption_decided"
DUES_INFLOW_PAID = "dues_inflow_paid"
DUES_INFLOW_PAYMENT_VOIDED = "dues_inflow_payment_voided"
DUES_REMITTED = "dues_remitted"
DUES_REMITTANCE_VOIDED = "dues_remittance_voided"
DUES_REMITTANCE_CONFIRMED = "dues_remittance_confirmed"
DUES_LARGE_REMITTED = "dues_large_remitted"
DUES_LARGE_REMITTANCE_VOIDED = "dues_large_remittance_voided"
DUES_REMITTANCE_RETURNED = "dues_remittance_returned"
DUES_LARGE_REMITTANCE_CONFIRMED = "dues_large_remittance_confirmed"
DUES_LARGE_REMITTANCE_RETURNED = "dues_large_remittance_returned"

EMITS = {
    **AUDIT_EMITS,
    DUES_SETTINGS_CHANGED: "a branch's 系统设置: {org_id, registration_start: YYYY-MM, quarterly}",
    DUES_BASE_SET: "a member's base from a month on: {member_id, org_id, kind, amount, from_month, monthly_due, "
                   "bracket, rule_version}",
    DUES_PAID: "monthly dues recorded for one member: {member_id, org_id (the member's branch), collected_by_org_id "
               "(the inflow organization that collected it, else null), payments: [{id, month, amount, paid_on, "
               "method, kind (monthly 按月 / late 补交 / early 预交)}], paid_to}",
    DUES_PAYMENT_VOIDED: "a payment voided with its reason: {member_id, org_id, payment_id, month, amount, reason, "
                         "paid_to}",
    DUES_LARGE_PAID: "大额党费: {member_id, org_id, id, amount, paid_on, receipt_no}",
    DUES_EXEMPTION_APPLIED: "少交/免交 applied for: {exemption_id, member_id, org_id, from_month, to_month, kind, "
                            "amount, state: applied}",
    DUES_EXEMPTION_DECIDED: "少交/免交 approved or refused by the higher 党委: the same payload with state, opinion, "
                            "approver_org_id",
    DUES_INFLOW_PAID: "dues of a 流入 member from outside this deployment, paid at the inflow organization: "
                      "{inflow_id, org_id, certificate_no, payments: [{id, month, amount, paid_on, method}]}",
    DUES_INFLOW_PAYMENT_VOIDED: "such a payment voided: {inflow_id, org_id, payment_id, month, amount, reason}",
    DUES_REMITTED: "上缴 recorded (or a correction's new record): {remittance_id, org_id, to_org_id, period, "
                   "from_month, to_month, amount, remitted_on, receipt_no, state, replaces_id}",
    DUES_REMITTANCE_VOIDED: "上缴 voided (or replaced by a correction): the same payload with reason",
    DUES_REMITTANCE_CONFIRMED: "上缴 confirmed by the receiving organization: the same payload with state confirmed, "
                               "confirmer_org_id, opinion",
    DUES_LARGE_REMITTED: "大额党费 handed up in full: {large_remittance_id, org_id, to_org_id (null: to the Centre), "
                         "amount, remitted_on, voucher_no, payment_ids}",
    DUES_LARGE_REMITTANCE_VOIDED: "a 大额党费 上缴 voided: the same payload with reason (its payments held again)",
    DUES_REMITTANCE_RETURNED: "上缴 退回 by the receiving organization (unconfirmed; closed, its period free): the "
                              "same payload with state returned, reason, confirmer_org_id",
    DUES_LARGE_REMITTANCE_CONFIRMED: "a 大额党费 上缴 confirmed by the receiving organization: the same payload with "
                                     "state confirmed, opinion, confirmer_org_id",
    DUES_LARGE_REMITTANCE_RETURNED: "a 大额党费 上缴 退回 by the receiving organization: the same payload with state "
                                    "returned, reason, confirmer_org_id (its payments held again by the sender)",
}
# The organization directory (services/shared/org_directory.py) follows every org event; the
# member projection (services/dues/projection.py) follows the member service's members.
MEMBER_EVENTS = ("member_created", "member_updated")
# The member facts the projection keeps (the rest — education, occupation, … — are not delivered here:
# services/shared/messaging/routing.py).
PROJECTED_FIELDS = ("name", "org_id", "org_path", "status", "category", "joined_on", "full_on", "left_on")
WHEN_CHANGED = {("member", "member_updated"): PROJECTED_FIELDS}
# The inflows (流入) a member may pay at (services/dues/inflows.py).
INFLOW_EVENTS = ("inflow_opened", "inflow_ended")
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS] + [
    ("member", event_type) for event_type in MEMBER_EVENTS] + [("transfer", event_type) for event_type in INFLOW_EVENTS]
