"""The org service's nameko entrypoints: adapters only."""
from nameko.rpc import rpc

from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import commands, queries, supervision

api = rpc(expected_exceptions=PmisError)


class OrgService:
    name = "org"
    db = Database()
    caller = CallerProvider()

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @api
    def create_org(self, data):
        return commands.create_org(self.db, self.caller(), data)

    @api
    def rename_org(self, org_id, name):
        return commands.rename_org(self.db, self.caller(), org_id, name)

    @api
    def get_org(self, org_id):
        return queries.get_org(self.db, self.caller(), org_id)

    @api
    def root(self):
        return queries.root_org(self.db, self.caller())

    @api
    def children(self, org_id):
        return queries.children(self.db, self.caller(), org_id)

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

    @api
    def authenticate(self, username, password):
        return commands.authenticate(self.db, username, password)

    @api
    def change_password(self, account_id, old_password, new_password):
        return commands.change_password(self.db, account_id, old_password, new_password)

    @api
    def create_account(self, username, password, org_id):
        return commands.create_account(self.db, self.caller(), username, password, org_id)

    @api
    def incomplete_orgs(self, org_id, page=1, size=50):
        return supervision.incomplete_orgs(self.db, self.caller(), org_id, page, size)
