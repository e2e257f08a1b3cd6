"""The stats service's nameko entrypoints: adapters only."""
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from services.shared.consumers import consumes
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import compaction, consumers, queries

api = rpc(expected_exceptions=PmisError)


class StatsService:
    name = "stats"
    db = Database()
    caller = CallerProvider()
    member = RpcProxy("member")
    org = RpcProxy("org")

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @timer(interval=1.0)
    def fold_counter_deltas(self):
        compaction.fold_deltas(self.db)

    @consumes("org", "org_created")
    def on_org_created(self, event):
        consumers.apply_org_event(self.db, event)

    @consumes("org", "org_renamed")
    def on_org_renamed(self, event):
        consumers.apply_org_event(self.db, event)

    # The org state events of EVENT_CONTRACT.md: the projection keeps the newest version.
    @consumes("org", "org_updated")
    def on_org_updated(self, event):
        consumers.apply_org_event(self.db, event)

    @consumes("org", "org_revoked")
    def on_org_revoked(self, event):
        consumers.apply_org_event(self.db, event)

    @consumes("org", "org_restored")
    def on_org_restored(self, event):
        consumers.apply_org_event(self.db, event)

    @consumes("org", "org_deleted")
    def on_org_deleted(self, event):
        consumers.apply_org_event(self.db, event)

    @consumes("member", "member_created")
    def on_member_created(self, event):
        consumers.apply_member_event(self.db, event)

    @consumes("member", "member_updated")
    def on_member_updated(self, event):
        consumers.apply_member_event(self.db, event)

    @api
    def subtree_stats(self, org_id):
        return queries.subtree_stats(self.db, self.caller(), org_id, self.org.org_path)

    @api
    def member_totals(self, org_ids):
        return queries.member_totals(self.db, self.caller(), org_ids)

    @api
    def reconcile(self, org_id):
        return queries.reconcile(self.db, self.caller(), org_id, self.org.org_path, self.member.count_facts)
