"""Module rights (issue 16, docs/ACCOUNTS.md): what a role may do in each module, and which right
every RPC of every service needs. Pure rules and one declarative map; no I/O.

A role's rights are {module: level}; levels are ordered read < write < approve (approve implies
write implies read). A module absent from a role's rights is not usable at all.
"""
from collections.abc import Mapping
from types import MappingProxyType

READ, WRITE, APPROVE = "read", "write", "approve"
LEVELS = (READ, WRITE, APPROVE)
_RANK = {level: rank for rank, level in enumerate(LEVELS, 1)}
LEVEL_LABELS = {READ: "查看", WRITE: "维护", APPROVE: "审批"}

# The modules, in the order the UI shows them, with their Chinese names.
MODULES = {
    "daily": "日常管理", "transfer": "关系接转", "mobility": "流动党员", "dues": "党费", "orglife": "组织生活",
    "development": "发展党员", "terms": "换届", "stats": "统计报表", "system": "系统工具",
}
BUSINESS = tuple(m for m in MODULES if m != "system")

ADMIN_ROLE, BUSINESS_ROLE, READ_ONLY_ROLE = "系统管理员", "业务管理员", "只读"
BUILTIN_ROLES = {
    ADMIN_ROLE: {m: APPROVE for m in MODULES},
    BUSINESS_ROLE: {m: APPROVE for m in BUSINESS},
    READ_ONLY_ROLE: {m: READ for m in MODULES},
}
ALL_RIGHTS = MappingProxyType(dict(BUILTIN_ROLES[ADMIN_ROLE]))


def rank(level) -> int:
    return _RANK.get(level, 0)


def allows(rights: Mapping | None, module: str, level: str) -> bool:
    """Whether `rights` include `level` (or more) in `module`."""
    return bool(rights) and rank(rights.get(module)) >= rank(level) > 0


def clean_rights(rights) -> dict:
    """A role's rights as stored: known modules with known levels only (anything else dropped)."""
    if not isinstance(rights, Mapping):
        return {}
    return {m: rights[m] for m in MODULES if rights.get(m) in _RANK}


def rights_problems(rights) -> dict:
    """Per-field Chinese problems of a role's rights as submitted ({} when fine)."""
    if not isinstance(rights, Mapping) or not rights:
        return {"rights": "请至少选择一个模块的权限"}
    problems = {}
    for module, level in rights.items():
        if module not in MODULES:
            problems[f"rights.{module}"] = "没有这个模块"
        elif level not in _RANK:
            problems[f"rights.{module}"] = "权限应为查看、维护或审批"
    return problems


def exceeding(granter: Mapping | None, granted: Mapping) -> list[str]:
    """The modules where `granted` goes beyond what `granter` holds: an administrator cannot give
    rights it does not have (empty list: may grant)."""
    return [m for m, level in clean_rights(granted).items() if not allows(granter, m, level)]


def refusal(module: str, level: str) -> str:
    """The Chinese message of a missing right."""
    what = {READ: "查看", WRITE: "写", APPROVE: "审批"}[level]
    return f"无权操作：本账号没有“{MODULES[module]}”模块的{what}权限"


# --- which right every RPC needs ------------------------------------------------------------------
# PUBLIC: no caller at all (health, logging in). SIGNED_IN: any caller with a scope and no module
# right (the organization tree everyone navigates, one's own session). INTERNAL: asked by other
# services (or trusted tools as the system); from the gateway it needs 系统工具 approve, which only
# a 系统管理员 and the system hold. Otherwise "module:level", or several joined by "|" (any one
# suffices: a media upload is a member photo or a meeting's file).
PUBLIC, SIGNED_IN, INTERNAL = "public", "signed-in", "system:approve"

_D, _DW = "daily:read", "daily:write"
_T, _TW, _TA = "transfer:read", "transfer:write", "transfer:approve"
_M, _MW = "mobility:read", "mobility:write"
_DU, _DUW, _DUA = "dues:read", "dues:write", "dues:approve"
_O, _OW = "orglife:read", "orglife:write"
_V, _VW, _VA = "development:read", "development:write", "development:approve"
_TE, _TEW, _TEA = "terms:read", "terms:write", "terms:approve"
_S, _SW, _SA = "stats:read", "stats:write", "stats:approve"
_SY, _SYW = "system:read", "system:write"


def _methods(spec: str, *names: str) -> dict:
    return {name: spec for name in names}


RPC_RIGHTS = {
    "org": {
        **_methods(PUBLIC, "health", "authenticate", "resolve_session"),
        **_methods(SIGNED_IN, "end_session", "change_password", "get_org", "root", "children", "orgs_by_code",
                   "org_names", "org_path", "card_fields", "search_orgs"),
        **_methods(INTERNAL, "states_page", "term_facts_page", "meeting_owner", "effective_settings"),
        **_methods(_D, "subtree_page", "org_history", "check_orgs", "incomplete_orgs", "get_batch_change",
                   "list_batch_changes", "get_import", "get_sanction_import"),
        **_methods(_DW, "create_org", "rename_org", "update_org", "save_entry", "remove_entry", "revoke_org",
                   "move_org", "restore_org", "delete_org", "sort_org", "preview_batch_change",
                   "save_batch_change", "undo_batch_change", "create_import", "commit_import",
                   "create_sanction_import", "commit_sanction_import"),
        **_methods(_SY, "list_accounts", "list_roles", "audit_entries",  # 操作日志 is 系统工具's
                   "code_tables", "code_table",  # 代码表 too
                   "org_settings", "settings_history"),  # and 系统设置
        **_methods(_SYW, "create_account", "disable_account", "enable_account", "unlock_account",
                   "update_account", "reset_password", "create_role", "set_org_settings"),
        **_methods(_O, "get_meeting", "list_meetings", "latest_meeting", "orglife_summary", "orglife_plan",
                   "get_evaluation", "evaluation_overview", "orglife_due", "orglife_behind", "org_attendance",
                   "member_attendance", "meeting_inflows", "inflow_meetings", "get_meeting_import", "meetings_by_keys"),
        **_methods(_OW, "record_meeting", "change_meeting", "sign_meeting", "void_meeting", "save_orglife_plan",
                   "save_evaluation", "create_meeting_import", "commit_meeting_import"),
        **_methods(_TE, "org_terms", "org_committee", "terms_due", "terms_behind", "terms_reminder",
                   "committees_page", "member_posts", "get_term_import"),
        **_methods(_TEW, "open_term", "add_committee_member", "leave_committee_member", "correct_term",
                   "create_term_import", "commit_term_import"),
        **_methods(_TEA, "approve_term"),
    },
    "member": {
        **_methods(PUBLIC, "health"),
        **_methods(INTERNAL, "check_inbound", "members_on_rolls", "evaluation_roll", "evaluation_counts",
                   "facts_page", "applicant_facts_page", "count_facts", "hold_org_rolls"),
        # A member's card and the rolls are also what 关系接转, 流动党员, 组织生活, 换届 and 发展党员
        # pages pick members from (any one of those read rights suffices).
        **_methods(f"{_D}|{_T}|{_M}|{_TE}", "get_member", "members_by_id_numbers"),
        **_methods(f"{_D}|{_T}", "quick_search"),
        **_methods(f"{_D}|{_O}|{_TE}", "roster_page"),
        **_methods(f"{_D}|{_V}", "list_members"),
        **_methods(_D, "member_history", "check_member", "check_subtree",
                   "get_import", "get_history_import", "get_info_import", "reminders", "combined_query",
                   "combined_query_page", "query_fields", "list_saved_queries", "get_saved_query",
                   "list_batch_changes", "get_batch_change", "duplicate_ids", "invalid_ids", "incomplete_members"),
        **_methods(_DW, "create_member", "update_member", "add_info_row", "update_info_row", "delete_info_row",
                   "preview_batch_add", "commit_batch_add", "undo_batch_add", "leave_member", "restore_member",
                   "undo_status_change", "create_import", "commit_import", "create_history_import",
                   "commit_history_import", "create_info_import", "commit_info_import", "preview_batch_change",
                   "save_batch_change", "undo_batch_change", "save_query", "rename_saved_query",
                   "delete_saved_query"),
        **_methods(_S, "report_name_list"),
        **_methods(_V, "get_applicant", "list_applicants", "get_applicant_import", "get_development",
                   "get_development_import", "development_due", "development_supervision", "member_development",
                   "development_plan", "overdue_probation"),
        **_methods(_VW, "create_applicant", "update_applicant", "delete_applicant", "restore_applicant",
                   "create_applicant_import", "commit_applicant_import", "record_step", "undo_step",
                   "record_batch", "save_development_plan", "create_development_import",
                   "commit_development_import"),
        **_methods(_VA, "decide_probation"),
    },
    "transfer": {
        **_methods(PUBLIC, "health"),
        **_methods(INTERNAL, "backfill_contacts", "expire_overdue", "mobility_facts_page"),
        **_methods(_T, "get", "work_list", "counts", "letter", "targets", "member_in_transit"),
        # 转接原因 is a deployment list (代码表, docs/CODES.md): read by 发起's forms and by 系统工具,
        # maintained by the provincial administrator (system write; the service also wants the root).
        "reasons": f"{_T}|{_SY}",
        **_methods(_SYW, "add_reason", "change_reason", "delete_reason"),
        **_methods(_TW, "apply", "apply_many", "apply_org", "preview", "preview_org", "inbound", "record_receipt",
                   "revoke", "reapply", "reroute", "close"),
        **_methods(_TA, "approve", "return_transfer", "receive", "set_approval_rights"),
        **_methods(_M, "get_outflow", "get_inflow", "mobility_list", "mobility_export_page", "mobility_counts",
                   "lost_members", "certificate", "member_mobility", "get_outflow_import",
                   "get_inflow_import"),
        **_methods(_MW, "register_outflow", "return_outflow", "mark_lost", "mark_found", "reissue_certificate",
                   "register_inflow", "end_inflow", "record_activity", "check_certificate",
                   "create_outflow_import", "commit_outflow_import", "create_inflow_import",
                   "commit_inflow_import"),
    },
    "dues": {
        **_methods(PUBLIC, "health"),
        **_methods(INTERNAL, "backfill_members", "inflow_dues"),
        **_methods(f"{_DU}|{_T}", "paid_to"),  # 党费交至, on a transfer's letter
        **_methods(_DU, "remittances", "settings", "member_dues", "branch_month", "summary", "arrears",
                   "arrears_counts", "lapsed_members", "base_roster", "base_sheet", "exemptions",
                   "get_base_import", "get_payment_import", "large_dues", "publication", "remittance_due",
                   "large_overdue", "large_remittances", "large_unconfirmed", "large_remittance_year"),
        **_methods(_DUW, "set_settings", "set_base", "set_bases", "create_base_import", "commit_base_import",
                   "create_payment_import", "commit_payment_import",
                   "record_payments", "record_inflow_payments", "void_inflow_payment", "void_payment",
                   "record_large", "apply_exemption", "record_remittance", "correct_remittance",
                   "void_remittance", "record_large_remittance", "void_large_remittance",
                   "confirm_large_remittance", "return_large_remittance"),
        **_methods(_DUA, "approve_exemption", "refuse_exemption", "confirm_remittance", "return_remittance"),
    },
    "media": {
        **_methods(PUBLIC, "health"),
        **_methods(f"{_DW}|{_OW}", "begin_upload", "complete_upload"),
        **_methods(_D, "member_photo", "download_url"),
        **_methods(_O, "meeting_attachments", "attachment_url", "get_meeting_file_import"),
        **_methods(_OW, "begin_attachment", "resume_attachment", "complete_attachment",
                   "create_meeting_file_import", "commit_meeting_file_import"),
    },
    "stats": {
        **_methods(PUBLIC, "health"),
        # Member totals label the organization tree everyone navigates.
        **_methods(SIGNED_IN, "member_totals"),
        **_methods(INTERNAL, "rebuild"),
        **_methods(_S, "subtree_stats", "counted_report", "whole_org_transfers", "get_report", "report_checks",
                   "report_comparison", "report_history", "list_report_templates",
                   "report_usage"),
        # 载入省表: 统计报表 write, and (checked by the service) a scope that is the root organization.
        **_methods(_SW, "load_report_template"),
        **_methods(_SW, "reconcile", "generate_report", "aggregate_report", "correct_report",
                   "undo_report_correction", "fill_report_cover", "explain_report", "import_last_year_report"),
        **_methods(_SA, "submit_report", "accept_report", "return_report"),
    },
}


def needed(service: str, method: str) -> list[tuple[str, str]] | str | None:
    """What an RPC needs: PUBLIC, SIGNED_IN, or [(module, level), …] (any one suffices); None when
    the RPC is not in the map (refused: an entrypoint cannot be forgotten)."""
    spec = RPC_RIGHTS.get(service, {}).get(method)
    if spec is None or spec in (PUBLIC, SIGNED_IN):
        return spec
    return [tuple(part.split(":")) for part in spec.split("|")]


def missing_right(rights: Mapping | None, service: str, method: str) -> str | None:
    """The Chinese refusal when `rights` do not cover the RPC, else None (PUBLIC and SIGNED_IN
    need no module right; scope is checked by the RPC itself)."""
    spec = needed(service, method)
    if spec is None:
        return f"无权操作：{service}.{method} 未登记所需权限"
    if spec in (PUBLIC, SIGNED_IN):
        return None
    if any(allows(rights, module, level) for module, level in spec):
        return None
    return refusal(*spec[0])


def from_service(call_id_stack, services) -> bool:
    """Whether the immediate caller is a worker of one of `services` (a call one service makes to
    another while doing an operation already authorized where it entered)."""
    if not call_id_stack:
        return False
    parent = str(call_id_stack[-1])
    return parent.split(".", 1)[0] in services
