"""The member service's nameko entrypoints: adapters only."""
from nameko.rpc import RpcProxy, rpc

from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import commands, imports, queries, supervision

api = rpc(expected_exceptions=PmisError)


class MemberService:
    name = "member"
    db = Database()
    caller = CallerProvider()
    org = RpcProxy("org")

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @api
    def create_member(self, data):
        return commands.create_member(self.db, self.caller(), self.org.org_path, data)

    @api
    def get_member(self, member_id):
        return queries.get_member(self.db, self.caller(), member_id)

    @api
    def update_member(self, member_id, data):
        return commands.update_member(self.db, self.caller(), member_id, data)

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
        return queries.list_members(self.db, self.caller(), self.org.org_path(org_id), page, size, history)

    @api
    def create_import(self, rows):
        return imports.create_import(self.db, self.caller(), self.org.orgs_by_code, rows)

    @api
    def get_import(self, import_id):
        return imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_import(self, import_id, all_or_nothing=False):
        return imports.commit_import(self.db, self.caller(), import_id, all_or_nothing)

    @api
    def quick_search(self, q, page=1, size=20):
        return queries.quick_search(self.db, self.caller(), q, page, size)

    @api
    def reminders(self, org_id):
        return supervision.reminders(self.db, self.caller(), self.org.org_path(org_id))

    @api
    def overdue_probation(self, org_id, page=1, size=50):
        return supervision.overdue_probation(self.db, self.caller(), self.org.org_path(org_id), page, size)

    @api
    def roster_page(self, org_id, after_id=0, limit=2000):
        return queries.roster_page(self.db, self.caller(), self.org.org_path(org_id), after_id, limit)

    @api
    def count_facts(self, path):
        return queries.count_facts(self.db, self.caller(), path)

    @api
    def org_member_counts(self, org_id, path):
        return queries.org_member_counts(self.db, self.caller(), org_id, path)
