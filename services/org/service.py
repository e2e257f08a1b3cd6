"""The org service's nameko entrypoints: adapters only."""
from nameko.rpc import RpcProxy

from services.shared.audit import ContextData
from services.shared.checked_rpc import rpc
from services.shared.context import CallerProvider
from services.shared.errors import PmisError
from services.shared.health import health_report
from services.shared.messaging.consumers import consumes

from . import (
    accounts,
    audit,
    batch_changes,
    card_queries,
    cards,
    checks,
    code_tables,
    commands,
    evaluations,
    imports,
    inflows,
    meeting_imports,
    meeting_queries,
    meetings,
    moves,
    orglife_work,
    queries,
    roles,
    sanction_imports,
    sessions,
    settings,
    supervision,
    term_imports,
    term_queries,
    terms,
    transit,
)
from .session_changes import SessionWatchingDatabase

api = rpc(expected_exceptions=PmisError)


class OrgService:
    name = "org"
    db = SessionWatchingDatabase()
    caller = CallerProvider()
    context = ContextData()
    member = RpcProxy("member")

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    # --- transfers in flight (a projection of the transfer service's events) ---
    @consumes("transfer", "transfer_applied")
    def on_transfer_applied(self, event):
        transit.project(self.db, event)

    @consumes("transfer", "transfer_receiving")
    def on_transfer_receiving(self, event):
        transit.project(self.db, event)

    @consumes("transfer", "transfer_ended")
    def on_transfer_ended(self, event):
        transit.project(self.db, event)

    @consumes("transfer", "transfer_received")
    def on_transfer_received(self, event):
        transit.project(self.db, event)

    # --- 流入 members (a projection of the transfer service's inflow events: who may attend meetings) ---
    @consumes("transfer", "inflow_opened")
    def on_inflow_opened(self, event):
        inflows.project(self.db, event)

    @consumes("transfer", "inflow_ended")
    def on_inflow_ended(self, event):
        inflows.project(self.db, event)

    @api
    def create_org(self, data):
        return commands.create_org(self.db, self.caller(), data)

    @api
    def rename_org(self, org_id, name, version=None):
        return commands.rename_org(self.db, self.caller(), org_id, name, version)

    @api
    def get_org(self, org_id):
        return queries.get_org(self.db, self.caller(), org_id)

    @api
    def root(self):
        return queries.root_org(self.db, self.caller())

    @api
    def children(self, org_id, history=False):
        return queries.children(self.db, self.caller(), org_id, history)

    @api
    def orgs_by_code(self, codes):
        return queries.orgs_by_code(self.db, self.caller(), codes)

    @api
    def subtree_page(self, org_id, after_path="", limit=2000):
        return queries.subtree_page(self.db, self.caller(), org_id, after_path, limit)

    @api
    def states_page(self, path, after_path="", limit=2000):
        return queries.states_page(self.db, self.caller(), path, after_path, limit)

    @api
    def org_names(self, org_ids):
        return queries.org_names(self.db, self.caller(), org_ids)

    @api
    def org_path(self, org_id):
        return queries.org_path(self.db, self.caller(), org_id)

    # --- accounts and sessions (login, resolve and logout run before there is a caller) ----

    # --- 操作日志: every service's audit_recorded events, kept append-only (audit.py) ---
    @consumes("org", "audit_recorded")
    @consumes("member", "audit_recorded")
    @consumes("transfer", "audit_recorded")
    @consumes("dues", "audit_recorded")
    @consumes("media", "audit_recorded")
    @consumes("stats", "audit_recorded")
    def on_audit_recorded(self, event):
        audit.store(self.db, event)

    @api
    def audit_entries(self, filters=None, after=None, limit=audit.PAGE):
        return audit.search(self.db, self.caller(), filters, after, limit)

    @api
    def authenticate(self, username, password, user_agent=None, ip=None):
        return sessions.authenticate(self.db, username, password, user_agent, ip,
                                     self.context.get("request_id") or "")

    @api
    def resolve_session(self, token):
        return sessions.resolve_session(self.db, token)

    @api
    def end_session(self, token):
        return sessions.end_session(self.db, token, self.context)

    @api
    def change_password(self, account_id, old_password, new_password, keep_token=None):
        return sessions.change_password(self.db, account_id, old_password, new_password, keep_token,
                                        self.context)

    @api
    def create_account(self, username, password, org_id, role=None, name=None, phone=None):
        return accounts.create_account(self.db, self.caller(), username, password, org_id, role, name, phone)

    @api
    def update_account(self, account_id, data):
        return accounts.update_account(self.db, self.caller(), account_id, data)

    @api
    def reset_password(self, account_id):
        return accounts.reset_password(self.db, self.caller(), account_id)

    @api
    def code_tables(self):
        return code_tables.list_tables(self.caller())

    @api
    def code_table(self, key):
        return code_tables.get_table(self.caller(), key)

    @api
    def list_roles(self):
        return roles.list_roles(self.db, self.caller())

    @api
    def create_role(self, name, rights):
        return roles.create_role(self.db, self.caller(), name, rights)

    # --- 系统设置 (docs/SETTINGS.md) ---
    @api
    def org_settings(self, org_id):
        return settings.org_settings(self.db, self.caller(), org_id)

    @api
    def set_org_settings(self, org_id, data):
        return settings.set_org_settings(self.db, self.caller(), org_id, data)

    @api
    def settings_history(self, org_id, page=1, size=50):
        return settings.settings_history(self.db, self.caller(), org_id, page, size)

    @api
    def effective_settings(self, org_id):
        return settings.effective_settings(self.db, self.caller(), org_id)

    @api
    def list_accounts(self, org_id=None, page=1, size=50):
        return accounts.list_accounts(self.db, self.caller(), org_id, page, size)

    @api
    def disable_account(self, account_id):
        return accounts.disable_account(self.db, self.caller(), account_id)

    @api
    def enable_account(self, account_id):
        return accounts.enable_account(self.db, self.caller(), account_id)

    @api
    def unlock_account(self, account_id):
        return accounts.unlock_account(self.db, self.caller(), account_id)

    @api
    def incomplete_orgs(self, org_id, page=1, size=50):
        return supervision.incomplete_orgs(self.db, self.caller(), org_id, page, size)

    # --- the organization card ------------------------------------------------------------

    def _hold_rolls(self, doing):
        """Members and applicants directly in the organization, asked of the member service, which
        holds the organization's rolls closed when the counts allow `doing` (revoke, delete)."""
        return lambda org: self.member.hold_org_rolls(org.id, org.path, doing, org.version)

    @api
    def card_fields(self):
        return card_queries.card_fields()

    @api
    def update_org(self, org_id, data):
        return cards.update_org(self.db, self.caller(), org_id, data)

    @api
    def save_entry(self, org_id, kind, data, entry_id=None):
        return cards.save_entry(self.db, self.caller(), org_id, kind, data, entry_id)

    @api
    def remove_entry(self, org_id, kind, entry_id, data=None):
        return cards.remove_entry(self.db, self.caller(), org_id, kind, entry_id, data)

    @api
    def revoke_org(self, org_id, data):
        return cards.revoke_org(self.db, self.caller(), org_id, data, self._hold_rolls("revoke"))

    @api
    def move_org(self, org_id, data):
        return moves.move_org(self.db, self.caller(), org_id, data)

    @consumes("transfer", "org_transfer_receiving")
    def on_org_transfer_receiving(self, event):
        moves.on_org_transfer_receiving(self.db, event)

    @api
    def restore_org(self, org_id, data=None):
        return cards.restore_org(self.db, self.caller(), org_id, data)

    @api
    def delete_org(self, org_id, data=None):
        return cards.delete_org(self.db, self.caller(), org_id, data, self._hold_rolls("delete"))

    @api
    def sort_org(self, org_id, data):
        return cards.sort_org(self.db, self.caller(), org_id, data)

    @api
    def org_history(self, org_id, page=1):
        return card_queries.org_history(self.db, self.caller(), org_id, page)

    @api
    def search_orgs(self, q="", history=False, under=None, page=1):
        return card_queries.search_orgs(self.db, self.caller(), q, history, under, page)

    @api
    def check_orgs(self, org_id, subtree=False):
        return checks.check_orgs(self.db, self.caller(), org_id, subtree, self.member.count_facts)

    @api
    def preview_batch_change(self, org_id, data):
        return batch_changes.preview_batch_change(self.db, self.caller(), org_id, data)

    @api
    def save_batch_change(self, org_id, data):
        return batch_changes.save_batch_change(self.db, self.caller(), org_id, data)

    @api
    def get_batch_change(self, batch_id):
        return batch_changes.get_batch_change(self.db, self.caller(), batch_id)

    @api
    def list_batch_changes(self, org_id):
        return batch_changes.list_batch_changes(self.db, self.caller(), org_id)

    @api
    def undo_batch_change(self, batch_id):
        return batch_changes.undo_batch_change(self.db, self.caller(), batch_id)

    # --- 组织生活 (meeting records; attendees asked of the member service) -----------------------

    @api
    def record_meeting(self, org_id, data):
        return meetings.record_meeting(self.db, self.caller(), org_id, data, self.member.members_on_rolls)

    @api
    def change_meeting(self, meeting_id, data):
        return meetings.change_meeting(self.db, self.caller(), meeting_id, data, self.member.members_on_rolls)

    @api
    def sign_meeting(self, meeting_id, data):
        return meetings.sign_meeting(self.db, self.caller(), meeting_id, data)

    @api
    def get_meeting(self, meeting_id):
        return meeting_queries.get_meeting(self.db, self.caller(), meeting_id)

    @api
    def list_meetings(self, org_id, year=None, kind=None, page=1, size=50):
        return meeting_queries.list_meetings(self.db, self.caller(), org_id, year, kind, page, size)

    @api
    def latest_meeting(self, org_id):
        return meeting_queries.latest_meeting(self.db, self.caller(), org_id)

    @api
    def meeting_owner(self, meeting_id):
        return meeting_queries.meeting_owner(self.db, self.caller(), meeting_id)

    @api
    def meetings_by_keys(self, keys):
        """The media service's 组织生活附件清单: the meetings its rows name (organization code, kind, time)."""
        return meeting_queries.meetings_by_keys(self.db, self.caller(), keys)

    @api
    def orglife_summary(self, org_id, year=None):
        return meeting_queries.orglife_summary(self.db, self.caller(), org_id, year)

    @api
    def void_meeting(self, meeting_id, data):
        return meetings.void_meeting(self.db, self.caller(), meeting_id, data)

    @api
    def orglife_plan(self, org_id, year=None):
        return orglife_work.get_plan(self.db, self.caller(), org_id, year)

    @api
    def save_orglife_plan(self, org_id, data):
        return orglife_work.save_plan(self.db, self.caller(), org_id, data)

    @api
    def get_evaluation(self, org_id, year=None):
        return evaluations.get_evaluation(self.db, self.caller(), org_id, year, self.member.evaluation_roll)

    @api
    def save_evaluation(self, org_id, data):
        return evaluations.save_evaluation(self.db, self.caller(), org_id, data, self.member.evaluation_roll)

    @api
    def evaluation_overview(self, org_id, year=None):
        return evaluations.evaluation_overview(self.db, self.caller(), org_id, year, self.member.evaluation_counts)

    @api
    def orglife_due(self, org_id):
        return orglife_work.orglife_due(self.db, self.caller(), org_id)

    @api
    def orglife_behind(self, org_id, page=1, size=50):
        return orglife_work.orglife_behind(self.db, self.caller(), org_id, page, size)

    @api
    def org_attendance(self, org_id, year=None, kind=None):
        return orglife_work.org_attendance(self.db, self.caller(), org_id, year, kind)

    @api
    def member_attendance(self, member_id, page=1, size=50):
        return orglife_work.member_attendance(self.db, self.caller(), member_id, page, size)

    # --- 换届选举 (committee members asked of the member service; member events close posts) ------

    @api
    def open_term(self, org_id, data):
        return terms.open_term(self.db, self.caller(), org_id, data, self.member.members_on_rolls,
                               self.member.count_facts)

    # 数据迁移: the 组织生活采集表 (docs/MIGRATION.md); each organization's roster asked of the member service.
    # 数据迁移: the 组织奖惩采集表 (docs/MIGRATION.md).
    @api
    def create_sanction_import(self, rows):
        return sanction_imports.create_import(self.db, self.caller(), rows)

    @api
    def get_sanction_import(self, import_id):
        return sanction_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_sanction_import(self, import_id, all_or_nothing=False):
        return sanction_imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)

    @api
    def create_meeting_import(self, rows):
        return meeting_imports.create_import(self.db, self.caller(), self.member.roster_page, rows)

    @api
    def get_meeting_import(self, import_id):
        return meeting_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_meeting_import(self, import_id, all_or_nothing=False):
        return meeting_imports.commit_import(self.db, self.caller(), self.member.members_on_rolls, import_id,
                                             all_or_nothing)

    # 数据迁移: the 换届采集表 (docs/MIGRATION.md); the members asked of the member service in one call.
    @api
    def create_term_import(self, rows):
        return term_imports.create_import(self.db, self.caller(), self.member.members_by_id_numbers, rows)

    @api
    def get_term_import(self, import_id):
        return term_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_term_import(self, import_id, all_or_nothing=False):
        return term_imports.commit_import(self.db, self.caller(), self.member.members_on_rolls,
                                          self.member.count_facts, import_id, all_or_nothing)

    @api
    def org_terms(self, org_id):
        return term_queries.org_terms(self.db, self.caller(), org_id)

    @api
    def org_committee(self, org_id):
        return term_queries.committee(self.db, self.caller(), org_id)

    @api
    def add_committee_member(self, term_id, data):
        return terms.add_member(self.db, self.caller(), term_id, data, self.member.members_on_rolls,
                                self.member.count_facts)

    @api
    def leave_committee_member(self, term_id, row_id, data):
        return terms.leave_member(self.db, self.caller(), term_id, row_id, data)

    @api
    def approve_term(self, term_id, data):
        return terms.approve_term(self.db, self.caller(), term_id, data)

    @api
    def correct_term(self, term_id, data):
        return terms.correct_term(self.db, self.caller(), term_id, data)

    @api
    def terms_due(self, org_id, within_days=None, kind="due", page=1, size=50):
        return term_queries.terms_due(self.db, self.caller(), org_id, within_days, kind, page, size)

    @api
    def terms_behind(self, org_id, page=1, size=50):
        return term_queries.terms_behind(self.db, self.caller(), org_id, page, size)

    @api
    def terms_reminder(self, org_id):
        return term_queries.terms_reminder(self.db, self.caller(), org_id)

    @api
    def committees_page(self, org_id, page=1, size=50):
        return term_queries.committees_page(self.db, self.caller(), org_id, page, size)

    @api
    def member_posts(self, member_id):
        return term_queries.member_posts(self.db, self.caller(), member_id)

    @api
    def term_facts_page(self, path, after_id=0, limit=2000):
        """Every term of a subtree with its events' state (the stats service's reconcile and rebuild)."""
        return term_queries.term_facts_page(self.db, self.caller(), path, after_id, limit)

    @consumes("member", "member_updated")
    def on_member_updated(self, event):
        terms.on_member_event(self.db, event)

    @consumes("member", "member_transferred")
    def on_member_transferred(self, event):
        terms.on_member_event(self.db, event)

    @api
    def meeting_inflows(self, org_id, on=None):
        return inflows.meeting_inflows(self.db, self.caller(), org_id, on)

    @api
    def inflow_meetings(self, inflow_id, page=1, size=50):
        return inflows.inflow_meetings(self.db, self.caller(), inflow_id, page, size)

    @api
    def create_import(self, rows):
        return imports.create_import(self.db, self.caller(), rows)

    @api
    def get_import(self, import_id):
        return imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_import(self, import_id, all_or_nothing=False):
        return imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)
