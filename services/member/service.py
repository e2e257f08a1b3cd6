"""The member service's nameko entrypoints: adapters only."""
from nameko.rpc import RpcProxy

from services.shared import org_directory_handlers
from services.shared.checked_rpc import rpc
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report
from services.shared.org_directory import OrgDirectory

from . import (
    applicant_imports,
    applicant_queries,
    applicants,
    batch_add,
    batch_changes,
    checks,
    commands,
    development,
    development_imports,
    development_plans,
    development_queries,
    evaluation_queries,
    history,
    history_imports,
    imports,
    inbound,
    info_imports,
    member_queries,
    name_lists,
    org_events,
    org_holds,
    queries,
    query_catalog,
    saved_queries,
    supervision,
    transfers,
)
from .models import org_directory

api = rpc(expected_exceptions=PmisError)


class MemberService(org_directory_handlers.FollowsOrgDirectory, transfers.FollowsTransfers):
    name = "member"
    db = Database()
    caller = CallerProvider()
    org = RpcProxy("org")  # only the org directory's fallback, for an organization not projected yet

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    def project_org_event(self, event):
        org_events.project(self.db, event)

    # --- the organization directory (a projection of org's tree, fed by its events) ---------

    def _orgs(self) -> OrgDirectory:
        return OrgDirectory(self.db, org_directory, self.org.org_path)

    def _org_path(self, org_id):
        return self._orgs().org(self.caller(), org_id)

    def _org_lookup(self):
        return self._orgs().lookup(self.caller())

    def _orgs_by_code(self, codes):
        return self._orgs().by_codes(self.caller(), codes, self.org.orgs_by_code)

    @api
    def create_member(self, data):
        return commands.create_member(self.db, self.caller(), self._org_lookup(), data)

    @api
    def check_inbound(self, data):
        """A 线下转入's member form checked before the transfer service keys it in."""
        return inbound.check_inbound(self.db, self.caller(), self._org_lookup(), data)

    @api
    def members_by_id_numbers(self, id_numbers):
        """数据迁移: the members of the caller's scope with these 公民身份号码 (another service's import)."""
        return queries.members_by_id_numbers(self.db, self.caller(), id_numbers)

    @api
    def get_member(self, member_id):
        return queries.get_member(self.db, self.caller(), member_id)

    @api
    def update_member(self, member_id, data):
        return commands.update_member(self.db, self.caller(), member_id, data)

    @api
    def member_history(self, member_id, page=1):
        return history.member_history(self.db, self.caller(), member_id, page)

    @api
    def add_info_row(self, member_id, info_set, data):
        return commands.add_info_row(self.db, self.caller(), member_id, info_set, data)

    @api
    def update_info_row(self, member_id, info_set, row_id, data):
        return commands.update_info_row(self.db, self.caller(), member_id, info_set, row_id, data)

    @api
    def delete_info_row(self, member_id, info_set, row_id, data=None):
        return commands.delete_info_row(self.db, self.caller(), member_id, info_set, row_id, data)

    @api
    def check_member(self, member_id):
        return checks.check_one(self.db, self.caller(), member_id)

    @api
    def check_subtree(self, org_id, after_id=0, limit=500):
        return checks.check_subtree(self.db, self.caller(), self._org_path(org_id), after_id, limit)

    @api
    def preview_batch_add(self, org_id, data):
        return batch_add.preview_batch_add(self.db, self.caller(), self._org_path(org_id), data)

    @api
    def commit_batch_add(self, org_id, data):
        return batch_add.commit_batch_add(self.db, self.caller(), self._org_path(org_id), data)

    @api
    def undo_batch_add(self, batch_id):
        return batch_add.undo_batch_add(self.db, self.caller(), batch_id)

    @api
    def leave_member(self, member_id, data):
        return commands.leave_member(self.db, self.caller(), member_id, data)

    @api
    def restore_member(self, member_id, data=None):
        return commands.restore_member(self.db, self.caller(), member_id, data)

    @api
    def undo_status_change(self, member_id, data=None):
        return commands.undo_status_change(self.db, self.caller(), member_id, data)

    @api
    def list_members(self, org_id, page=1, size=50, history=False):
        return queries.list_members(self.db, self.caller(), self._org_path(org_id), page, size, history)

    @api
    def create_import(self, rows):
        return imports.create_import(self.db, self.caller(), self._orgs_by_code, rows)

    @api
    def get_import(self, import_id):
        return imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_import(self, import_id, all_or_nothing=False):
        return imports.commit_import(self.db, self.caller(), self._org_lookup(), import_id, all_or_nothing)

    @api
    def quick_search(self, q, page=1, size=20):
        return queries.quick_search(self.db, self.caller(), q, page, size)

    def _settings(self, org: dict) -> dict:
        """系统设置 in force at the organization (kept by the org service, asked under this call's
        caller: the scope is checked there too)."""
        return self.org.effective_settings(org_id=org["id"])

    @api
    def reminders(self, org_id):
        org = self._org_path(org_id)
        return supervision.reminders(self.db, self.caller(), org,
                                     days=self._settings(org)["probation_reminder_days"])

    @api
    def overdue_probation(self, org_id, page=1, size=50):
        return supervision.overdue_probation(self.db, self.caller(), self._org_path(org_id), page, size)

    @api
    def report_name_list(self, org_id, year, kind, page=1, size=50):
        org = self._org_path(org_id)
        return name_lists.report_name_list(self.db, self.caller(), org, year, kind, page, size,
                                           self._settings(org)["report_date"])

    @api
    def roster_page(self, org_id, after_id=0, limit=2000):
        return queries.roster_page(self.db, self.caller(), self._org_path(org_id), after_id, limit)

    @api
    def members_on_rolls(self, org_id, on, member_ids):
        return queries.members_on_rolls(self.db, self.caller(), self._org_path(org_id), on, member_ids)

    @api
    def evaluation_roll(self, org_id, year):
        return evaluation_queries.evaluation_roll(self.db, self.caller(), self._org_path(org_id), year)

    @api
    def evaluation_counts(self, org_id, year):
        return evaluation_queries.evaluation_counts(self.db, self.caller(), self._org_path(org_id), year)

    @api
    def facts_page(self, path, after_id=0, limit=2000):
        return queries.facts_page(self.db, self.caller(), path, after_id, limit)

    @api
    def applicant_facts_page(self, path, after_id=0, limit=2000):
        return applicant_queries.facts_page(self.db, self.caller(), path, after_id, limit)

    # --- 综合查询, 固定查询, 批量修改 ---
    @api
    def query_fields(self):
        return {"fields": query_catalog.field_list(), "batch_fields": batch_changes.batch_field_list()}

    @api
    def combined_query(self, query, page=1, size=50):
        return member_queries.combined_query(self.db, self.caller(), self._org_lookup(), query, page, size)

    @api
    def combined_query_page(self, query, after_id=0, limit=2000):
        return member_queries.combined_query_page(self.db, self.caller(), self._org_lookup(), query, after_id, limit)

    @api
    def save_query(self, name, query):
        return saved_queries.save_query(self.db, self.caller(), self._org_lookup(), name, query)

    @api
    def list_saved_queries(self):
        return saved_queries.list_saved_queries(self.db, self.caller())

    @api
    def get_saved_query(self, saved_id):
        return saved_queries.get_saved_query(self.db, self.caller(), saved_id)

    @api
    def rename_saved_query(self, saved_id, name):
        return saved_queries.rename_saved_query(self.db, self.caller(), saved_id, name)

    @api
    def delete_saved_query(self, saved_id):
        return saved_queries.delete_saved_query(self.db, self.caller(), saved_id)

    @api
    def preview_batch_change(self, data):
        return batch_changes.preview_batch(self.db, self.caller(), self._org_lookup(), data)

    @api
    def save_batch_change(self, data):
        return batch_changes.save_batch(self.db, self.caller(), self._org_lookup(), data)

    @api
    def list_batch_changes(self):
        return batch_changes.list_batches(self.db, self.caller())

    @api
    def get_batch_change(self, batch_id):
        return batch_changes.get_batch(self.db, self.caller(), batch_id)

    @api
    def undo_batch_change(self, batch_id):
        return batch_changes.undo_batch(self.db, self.caller(), batch_id)

    # --- 工作督查 ---
    @api
    def duplicate_ids(self, org_id, page=1, size=50):
        return supervision.duplicate_ids(self.db, self.caller(), self._org_path(org_id), page, size)

    @api
    def invalid_ids(self, org_id, page=1, size=50):
        return supervision.invalid_ids(self.db, self.caller(), self._org_path(org_id), page, size)

    @api
    def incomplete_members(self, org_id, page=1, size=50):
        return supervision.incomplete_members(self.db, self.caller(), self._org_path(org_id), page, size)

    # --- 入党申请人 ---
    @api
    def create_applicant(self, data):
        return applicants.create_applicant(self.db, self.caller(), self._org_lookup(), data)

    @api
    def get_applicant(self, applicant_id):
        return applicant_queries.get_applicant(self.db, self.caller(), applicant_id)

    @api
    def update_applicant(self, applicant_id, data):
        return applicants.update_applicant(self.db, self.caller(), applicant_id, data)

    @api
    def delete_applicant(self, applicant_id, data=None):
        return applicants.delete_applicant(self.db, self.caller(), applicant_id, data)

    @api
    def restore_applicant(self, applicant_id, data=None):
        return applicants.restore_applicant(self.db, self.caller(), self._org_lookup(), applicant_id, data)

    @api
    def list_applicants(self, org_id, stage=None, q=None, sort="name", page=1, size=50, deleted=False):
        return applicant_queries.list_applicants(self.db, self.caller(), self._org_path(org_id), stage, q, sort, page,
                                                 size, deleted)

    @api
    def create_applicant_import(self, rows):
        return applicant_imports.create_import(self.db, self.caller(), self._orgs_by_code, rows)

    @api
    def get_applicant_import(self, import_id):
        return applicant_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_applicant_import(self, import_id, all_or_nothing=False):
        return applicant_imports.commit_import(self.db, self.caller(), self._org_lookup(), import_id, all_or_nothing)

    # --- 发展党员 ---
    @api
    def get_development(self, applicant_id):
        return development_queries.get_development(self.db, self.caller(), applicant_id)

    @api
    def record_step(self, applicant_id, data):
        return development.record_step(self.db, self.caller(), applicant_id, data)

    @api
    def undo_step(self, applicant_id, data=None):
        return development.undo_step(self.db, self.caller(), applicant_id, data)

    @api
    def record_batch(self, org_id, data):
        return development.record_batch(self.db, self.caller(), self._org_path(org_id), data)

    @api
    def development_due(self, org_id, page=1, size=50, within=None):
        org = self._org_path(org_id)
        if within is None or within == "":  # the organization's 系统设置
            within = self._settings(org)["development_due_days"]
        return development_queries.due_list(self.db, self.caller(), org, page, size, within)

    @api
    def development_supervision(self, org_id, after_id=0, limit=200):
        return development_queries.supervision(self.db, self.caller(), self._org_path(org_id), after_id, limit)

    @api
    def member_development(self, member_id):
        return development_queries.member_development(self.db, self.caller(), member_id)

    @api
    def decide_probation(self, member_id, data):
        return development.decide_probation(self.db, self.caller(), member_id, data)

    @api
    def save_development_plan(self, org_id, year, data):
        return development_plans.save_plan(self.db, self.caller(), self._org_path(org_id), year, data)

    @api
    def development_plan(self, org_id, year):
        return development_plans.plan_report(self.db, self.caller(), self._org_path(org_id), year)

    @api
    def create_development_import(self, rows):
        return development_imports.create_import(self.db, self.caller(), rows)

    @api
    def get_development_import(self, import_id):
        return development_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_development_import(self, import_id, all_or_nothing=False):
        return development_imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)

    @api
    def create_history_import(self, rows):
        """数据迁移: the 党籍变动历史表's preview (入党, 转正, 转入/转出, 减少 before PMIS)."""
        return history_imports.create_import(self.db, self.caller(), rows)

    @api
    def get_history_import(self, import_id):
        return history_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_history_import(self, import_id, all_or_nothing=False):
        return history_imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)

    @api
    def create_info_import(self, rows):
        """数据迁移: the 党员信息集采集表's preview (the card's info-set rows before PMIS)."""
        return info_imports.create_import(self.db, self.caller(), rows)

    @api
    def get_info_import(self, import_id):
        return info_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_info_import(self, import_id, all_or_nothing=False):
        return info_imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)

    @api
    def count_facts(self, path):
        return queries.count_facts(self.db, self.caller(), path)

    @api
    def hold_org_rolls(self, org_id, path, doing, org_version):
        """Asked by the org service before it revokes or deletes an organization (org_holds.py)."""
        return org_holds.hold_org_rolls(self.db, self.caller(), org_id, path, doing, org_version)
