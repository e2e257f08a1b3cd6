"""The transfer service's nameko entrypoints (组织关系转接): adapters only."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.shared import org_directory_handlers
from services.shared.checked_rpc import rpc
from services.shared.config import int_setting
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import Forbidden, PmisError
from services.shared.health import health_report
from services.shared.messaging.consumers import consumes
from services.shared.org_directory import OrgDirectory

from . import (
    commands,
    inbound,
    inflow_imports,
    mobility_commands,
    mobility_queries,
    org_events,
    outflow_imports,
    queries,
    reasons,
    targets,
    whole_org,
)
from .models import org_directory
from .planning import Members

api = rpc(expected_exceptions=PmisError)


class TransferService(org_directory_handlers.FollowsOrgDirectory):
    name = "transfer"
    db = Database()
    caller = CallerProvider()
    member = RpcProxy("member")
    dues = RpcProxy("dues")  # 党费交至 for the letter; dues paid at an inflow organization
    org = RpcProxy("org")  # only the org directory's fallback, for an organization not projected yet

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    def project_org_event(self, event):
        org_events.project(self.db, event)

    @api
    def backfill_contacts(self):
        """One-off (`python -m services.transfer.backfill_contacts`): contacts from the org service."""
        root = self.org.root()  # the org service refuses a caller whose scope is not the whole tree
        return org_events.backfill_contacts(self.db, root["path"], self.org.states_page)

    def _orgs(self) -> OrgDirectory:
        return OrgDirectory(self.db, org_directory, self.org.org_path)

    def _members(self) -> Members:
        return Members(lambda member_id: self.member.get_member(member_id),
                       lambda member_id: self.member.check_member(member_id),
                       lambda data: self.member.check_inbound(data),
                       lambda member_id: self.dues.paid_to(member_id)["paid_to"])

    # --- commands ---
    @api
    def apply(self, data):
        return commands.apply(self.db, self.caller(), self._members(), data, self._orgs().find)

    @api
    def apply_many(self, data):
        return commands.apply_many(self.db, self.caller(), self._members(), data, self._orgs().find)

    def _roster(self, org_id: int) -> list[dict]:
        """The subtree's members on the rolls, page by page (a county: a few pages, not a call per member)."""
        members, after = [], 0
        while True:
            page = self.member.roster_page(org_id, after, 2000)
            members.extend(page["items"])
            after = page.get("next_after_id")
            if not after:
                return members

    @api
    def apply_org(self, org_id, data):
        """整建制转移 of an organization with its subtree and members."""
        return whole_org.apply_org(self.db, self.caller(), self._roster, org_id, data, self._orgs().find)

    @api
    def preview_org(self, org_id, data):
        return queries.preview_org(self.db, self.caller(), self._count_members, org_id, data, self._orgs().find)

    def _count_members(self, path: str) -> int:
        return sum(row["n"] for row in self.member.count_facts(path))

    @api
    def inbound(self, data):
        return inbound.inbound(self.db, self.caller(), self._members(), data, self._orgs().find)

    @api
    def approve(self, transfer_id, data=None):
        return commands.approve(self.db, self.caller(), transfer_id, data)

    @api
    def return_transfer(self, transfer_id, data=None):
        return commands.return_transfer(self.db, self.caller(), transfer_id, data)

    @api
    def receive(self, transfer_id, data=None):
        return commands.receive(self.db, self.caller(), transfer_id, data)

    @api
    def record_receipt(self, transfer_id, data=None):
        return commands.record_receipt(self.db, self.caller(), transfer_id, data)

    @api
    def revoke(self, transfer_id, data=None):
        return commands.revoke(self.db, self.caller(), transfer_id, data)

    @api
    def reapply(self, transfer_id, data=None):
        return commands.reapply(self.db, self.caller(), self._members(), transfer_id, data, self._orgs().find)

    @api
    def reroute(self, transfer_id, data=None):
        return commands.reroute(self.db, self.caller(), self._members(), transfer_id, data, self._orgs().find)

    @api
    def close(self, transfer_id, data=None):
        return commands.close(self.db, self.caller(), transfer_id, data)

    @api
    def set_approval_rights(self, org_id, can_approve):
        caller = self.caller()
        return commands.set_approval_rights(self.db, caller, self._orgs().org(caller, org_id), can_approve)

    # --- queries ---
    @api
    def get(self, transfer_id):
        return queries.get(self.db, self.caller(), transfer_id)

    @api
    def work_list(self, org_id, box, page=1, size=queries.PAGE_SIZE, filters=None):
        caller = self.caller()
        return queries.work_list(self.db, caller, self._orgs().org(caller, org_id), box, page, size, filters)

    @api
    def counts(self, org_id):
        caller = self.caller()
        return queries.counts(self.db, caller, self._orgs().org(caller, org_id))

    @api
    def letter(self, transfer_id):
        return queries.letter(self.db, self.caller(), transfer_id)

    @api
    def preview(self, data):
        return queries.preview(self.db, self.caller(), self._members(), data, self._orgs().find)

    @api
    def targets(self, q=""):
        """Organizations a transfer may go to, by name or code (the 发起 form's search)."""
        self.caller()  # an authenticated caller only
        return targets.search_targets(self.db, q)

    @api
    def member_in_transit(self, member_id):
        return queries.member_in_transit(self.db, self.caller(), member_id)

    # --- 转接原因: the editable code table ---
    @api
    def reasons(self):
        return reasons.list_reasons(self.db, self.caller())

    @api
    def add_reason(self, data, code_required=True):
        return reasons.add_reason(self.db, self.caller(), data, code_required is not False)

    @api
    def change_reason(self, code, data):
        return reasons.change_reason(self.db, self.caller(), code, data)

    @api
    def delete_reason(self, code, data=None):
        return reasons.delete_reason(self.db, self.caller(), code, data)

    # --- 超期: the letter's validity, checked periodically ---
    @timer(interval=int_setting("PMIS_TRANSFER_EXPIRY_SECONDS"))
    def expire(self):
        commands.expire_overdue(self.db)

    @api
    def expire_overdue(self):
        """The same check on demand, for trusted callers (the system scope) such as tests and ops."""
        if self.caller().scope_path != "/":
            raise Forbidden("只有系统可以执行超期检查")
        return {"expired": commands.expire_overdue(self.db)}

    # --- the saga's answers (member service) ---
    @consumes("member", "member_transferred")
    def on_member_transferred(self, event):
        commands.on_member_transferred(self.db, event)

    @consumes("member", "member_transfer_refused")
    def on_member_transfer_refused(self, event):
        commands.on_move_refused(self.db, event)

    # 整建制: the org service's refusal (its success is the org_moved carrying `transfer`, org_events.py)
    @consumes("org", "org_transfer_refused")
    def on_org_transfer_refused(self, event):
        commands.on_move_refused(self.db, event)

    # --- 流动党员 (docs/MOBILITY.md) ---
    @api
    def register_outflow(self, member_id, data):
        return mobility_commands.register_outflow(self.db, self.caller(), self.member.get_member, member_id, data,
                                                  self._orgs().find)

    # 数据迁移: the 流出党员采集表 (docs/MIGRATION.md); the members asked of the member service in one call.
    @api
    def create_outflow_import(self, rows):
        return outflow_imports.create_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                             self.org.orgs_by_code, rows)

    @api
    def get_outflow_import(self, import_id):
        return outflow_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_outflow_import(self, import_id, all_or_nothing=False):
        return outflow_imports.commit_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                             import_id, all_or_nothing)

    # 数据迁移: the 流入党员采集表 (members from outside at the province's organizations).
    @api
    def create_inflow_import(self, rows):
        return inflow_imports.create_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                            self.org.orgs_by_code, rows)

    @api
    def get_inflow_import(self, import_id):
        return inflow_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_inflow_import(self, import_id, all_or_nothing=False):
        return inflow_imports.commit_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                            self.org.orgs_by_code, import_id, all_or_nothing)

    @api
    def return_outflow(self, outflow_id, data=None):
        return mobility_commands.return_outflow(self.db, self.caller(), outflow_id, data)

    @api
    def mark_lost(self, outflow_id, data=None):
        return mobility_commands.mark_lost(self.db, self.caller(), outflow_id, data)

    @api
    def mark_found(self, outflow_id, data=None):
        return mobility_commands.mark_found(self.db, self.caller(), outflow_id, data)

    @api
    def reissue_certificate(self, outflow_id, data=None):
        return mobility_commands.reissue_certificate(self.db, self.caller(), outflow_id, data, self._orgs().find)

    @api
    def check_certificate(self, outflow_id, data=None):
        return mobility_commands.check_certificate(self.db, self.caller(), outflow_id, data)

    @api
    def register_inflow(self, org_id, data):
        caller = self.caller()
        return mobility_commands.register_inflow(self.db, caller, self._orgs().org(caller, org_id), data)

    @api
    def end_inflow(self, inflow_id, data=None):
        return mobility_commands.end_inflow(self.db, self.caller(), inflow_id, data)

    def _inflow_dues(self, inflow_ids):
        """The dues paid at the inflow organization (the dues service; it never calls transfer)."""
        return self.dues.inflow_dues(inflow_ids)

    @api
    def get_outflow(self, outflow_id):
        return mobility_queries.get_outflow(self.db, self.caller(), outflow_id, self._inflow_dues)

    @api
    def get_inflow(self, inflow_id):
        return mobility_queries.get_inflow(self.db, self.caller(), inflow_id, self._inflow_dues)

    @api
    def record_activity(self, inflow_id, data=None):
        return mobility_commands.record_activity(self.db, self.caller(), inflow_id, data, self._inflow_dues)

    @api
    def mobility_list(self, org_id, direction, page=1, size=mobility_queries.PAGE_SIZE, filters=None):
        caller = self.caller()
        return mobility_queries.mobility_list(self.db, caller, self._orgs().org(caller, org_id), direction, page,
                                              size, filters)

    @api
    def mobility_export_page(self, org_id, direction, filters=None, after_id=0, limit=2000):
        caller = self.caller()
        return mobility_queries.mobility_export_page(self.db, caller, self._orgs().org(caller, org_id), direction,
                                                     filters, after_id, limit)

    @api
    def mobility_counts(self, org_id):
        caller = self.caller()
        return mobility_queries.mobility_counts(self.db, caller, self._orgs().org(caller, org_id))

    @api
    def lost_members(self, org_id, page=1, size=50):
        caller = self.caller()
        return mobility_queries.lost_members(self.db, caller, self._orgs().org(caller, org_id), page, size)

    @api
    def certificate(self, outflow_id):
        return mobility_queries.certificate(self.db, self.caller(), outflow_id)

    @api
    def mobility_facts_page(self, path, kind, after_id=0, limit=2000):
        """For the stats service's reconcile and rebuild (docs/MOBILITY.md, Statistics)."""
        return mobility_queries.mobility_facts_page(self.db, self.caller(), path, kind, after_id, limit)

    @api
    def member_mobility(self, member_id):
        return mobility_queries.member_mobility(self.db, self.caller(), member_id)

    @consumes("member", "member_updated")
    def on_member_updated(self, event):
        mobility_commands.on_member_updated(self.db, event)
