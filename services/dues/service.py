"""The dues service's nameko entrypoints (党费): adapters only (docs/DUES.md)."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.shared import org_directory_handlers
from services.shared.checked_rpc import rpc
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report
from services.shared.org_directory import OrgDirectory

from . import commands, imports, inflows, org_events, projection, queries, reports
from . import large_remittances as large_upward
from . import remittances as upward
from .models import org_directory

api = rpc(expected_exceptions=PmisError)


class DuesService(org_directory_handlers.FollowsOrgDirectory, projection.FollowsMembers, inflows.FollowsInflows):
    name = "dues"
    db = Database()
    caller = CallerProvider()
    org = RpcProxy("org")  # the org directory's fallback (an organization not projected yet); the root
    member = RpcProxy("member")  # names and 公民身份号码 for the 党费基数表; facts for the back-fill (never back)

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    def project_org_event(self, event):
        org_events.project(self.db, event)

    def _orgs(self) -> OrgDirectory:
        return OrgDirectory(self.db, org_directory, self.org.org_path)

    def _roster_page(self, org_id, after_id, limit):
        return self.member.roster_page(org_id=org_id, after_id=after_id, limit=limit)

    @api
    def backfill_members(self, after_id=0, limit=500):
        """One page of `python -m services.dues.backfill_members`: the member service's members (whole
        tree; the org service refuses a caller whose scope is not the root) into the projection."""
        root = self.org.root()
        return projection.backfill(self.db, self.member.facts_page, root["path"], after_id, limit)

    @timer(interval=60)
    def advance(self):
        """A new month: members counted in the last one are recounted, a batch a minute."""
        commands.advance(self.db)

    # --- commands ---
    @api
    def set_settings(self, org_id, data):
        return commands.set_settings(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def set_base(self, member_id, data):
        return commands.set_base(self.db, self.caller(), member_id, data)

    @api
    def set_bases(self, org_id, data):
        """年度核定: many members' new bases at once, all or nothing."""
        return commands.set_bases(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def create_base_import(self, org_id, rows):
        return imports.create_base_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                          org_id, rows)

    @api
    def get_base_import(self, import_id):
        return imports.get_base_import(self.db, self.caller(), self._orgs(), import_id)

    @api
    def commit_base_import(self, import_id):
        return imports.commit_base_import(self.db, self.caller(), import_id)

    @api
    def create_payment_import(self, org_id, rows):
        """数据迁移: the 党费交纳记录表's preview (months paid before PMIS)."""
        return imports.create_payment_import(self.db, self.caller(), self._orgs(), self.member.members_by_id_numbers,
                                             org_id, rows)

    @api
    def get_payment_import(self, import_id):
        return imports.get_payment_import(self.db, self.caller(), self._orgs(), import_id)

    @api
    def commit_payment_import(self, import_id, all_or_nothing=False):
        return imports.commit_payment_import(self.db, self.caller(), self._orgs(), import_id, all_or_nothing)

    @api
    def record_payments(self, org_id, data):
        return commands.record_payments(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def record_inflow_payments(self, org_id, data):
        """党费 of 流入 members from outside this deployment (the inflow ledger)."""
        return commands.record_inflow_payments(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def void_inflow_payment(self, payment_id, data):
        return commands.void_inflow_payment(self.db, self.caller(), payment_id, data)

    @api
    def void_payment(self, payment_id, data):
        return commands.void_payment(self.db, self.caller(), payment_id, data)

    @api
    def record_large(self, member_id, data):
        return commands.record_large(self.db, self.caller(), member_id, data)

    @api
    def apply_exemption(self, member_id, data):
        return commands.apply_exemption(self.db, self.caller(), member_id, data)

    @api
    def approve_exemption(self, exemption_id, data=None):
        return commands.decide_exemption(self.db, self.caller(), self._orgs(), exemption_id, True, data)

    @api
    def refuse_exemption(self, exemption_id, data=None):
        return commands.decide_exemption(self.db, self.caller(), self._orgs(), exemption_id, False, data)

    # --- 上缴 (remittance upward) ---
    @api
    def record_remittance(self, org_id, data):
        return upward.record(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def correct_remittance(self, remittance_id, data):
        return upward.correct(self.db, self.caller(), remittance_id, data)

    @api
    def void_remittance(self, remittance_id, data):
        return upward.void(self.db, self.caller(), remittance_id, data)

    @api
    def confirm_remittance(self, remittance_id, data=None):
        return upward.confirm(self.db, self.caller(), self._orgs(), remittance_id, data)

    @api
    def return_remittance(self, remittance_id, data=None):
        """退回 of an unconfirmed 上缴 by the receiving organization (or above)."""
        return upward.return_(self.db, self.caller(), self._orgs(), remittance_id, data)

    @api
    def remittances(self, org_id, year=None, period=None):
        return upward.overview(self.db, self.caller(), self._orgs(), org_id, year, period)

    @api
    def remittance_due(self, org_id):
        """上缴提醒: the last quarter's 实交 not remitted, the organization's own and its subordinates'."""
        return upward.due(self.db, self.caller(), self._orgs(), org_id)

    # --- 大额党费 上缴 (handed up in full, apart from the monthly dues' 上缴) ---
    @api
    def record_large_remittance(self, org_id, data):
        return large_upward.record(self.db, self.caller(), self._orgs(), org_id, data)

    @api
    def void_large_remittance(self, remittance_id, data):
        return large_upward.void(self.db, self.caller(), remittance_id, data)

    @api
    def confirm_large_remittance(self, remittance_id, data=None):
        """确认收到 by the receiving organization."""
        return large_upward.confirm(self.db, self.caller(), remittance_id, data)

    @api
    def return_large_remittance(self, remittance_id, data=None):
        """退回 by the receiving organization: the sender holds the payments again."""
        return large_upward.return_(self.db, self.caller(), remittance_id, data)

    @api
    def large_unconfirmed(self, org_id, page=1, size=50):
        """工作督查: 大额党费 上缴 handed up to the organization more than 30 days ago, not answered."""
        return large_upward.unconfirmed(self.db, self.caller(), self._orgs(), org_id, page, size)

    @api
    def large_remittances(self, org_id, year=None):
        """What the organization holds of 大额党费 and the 上缴 records of its subtree."""
        return large_upward.listing(self.db, self.caller(), self._orgs(), org_id, year)

    @api
    def large_remittance_year(self, org_id, year=None):
        """A year's 大额党费 上缴 records of the subtree with their payments (the Excel)."""
        return large_upward.year_records(self.db, self.caller(), self._orgs(), org_id, year)

    @api
    def large_overdue(self, org_id, page=1, size=50):
        """工作督查: 大额党费 held more than 30 days without being handed up."""
        return large_upward.overdue_held(self.db, self.caller(), self._orgs(), org_id, page, size)

    # --- queries ---
    @api
    def settings(self, org_id):
        return queries.settings(self.db, self.caller(), self._orgs(), org_id)

    @api
    def member_dues(self, member_id, year=None):
        return queries.member_dues(self.db, self.caller(), member_id, year)

    @api
    def paid_to(self, member_id):
        """党费交至, for the transfer letter."""
        return queries.paid_to(self.db, self.caller(), member_id)

    @api
    def inflow_dues(self, inflow_ids):
        """Dues paid at the inflow organization during inflows (the transfer service asks)."""
        return queries.inflow_dues(self.db, self.caller(), inflow_ids)

    @api
    def branch_month(self, org_id, month=None):
        return queries.branch_month(self.db, self.caller(), self._orgs(), org_id, month)

    @api
    def summary(self, org_id, year=None, month=None):
        return queries.summary(self.db, self.caller(), self._orgs(), org_id, year, month)

    @api
    def arrears(self, org_id, months=6, page=1, size=50):
        return queries.arrears(self.db, self.caller(), self._orgs(), org_id, months, page, size)

    @api
    def arrears_counts(self, org_id):
        return queries.arrears_counts(self.db, self.caller(), self._orgs(), org_id)

    @api
    def lapsed_members(self, org_id, page=1, size=50):
        """工作督查: members 6 months or more unpaid (the 自行脱党 case)."""
        return queries.arrears(self.db, self.caller(), self._orgs(), org_id, 6, page, size)

    @api
    def base_roster(self, org_id, year=None):
        return queries.base_roster(self.db, self.caller(), self._orgs(), org_id, year)

    @api
    def base_sheet(self, org_id):
        """The 党费基数表 prefilled with the members of the organization and those under it."""
        return queries.base_sheet(self.db, self.caller(), self._orgs(), self._roster_page, org_id)

    @api
    def large_dues(self, org_id, year=None, page=1, size=50):
        """大额党费 of the subtree (reported upward), with the totals per year."""
        return reports.large_list(self.db, self.caller(), self._orgs(), org_id, year, page, size)

    @api
    def publication(self, org_id, year=None):
        """党费收缴情况公示: a branch's year, member by member."""
        return reports.publication(self.db, self.caller(), self._orgs(), org_id, year)

    @api
    def exemptions(self, org_id, state="applied", page=1, size=50):
        return queries.exemption_list(self.db, self.caller(), self._orgs(), org_id, state, page, size)
