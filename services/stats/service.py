"""The stats service's nameko entrypoints: adapters only.

Events are applied by the batch ingester (`python -m services.stats.ingest`, any number of
them), not here; `event_queues` names the queues it consumes so `migrate` declares them."""
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import compaction, queries, recount
from .ingest_queues import INGESTED

api = rpc(expected_exceptions=PmisError)


class StatsService:
    name = "stats"
    event_queues = INGESTED
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

    @api
    def subtree_stats(self, org_id):
        return queries.subtree_stats(self.db, self.caller(), org_id, self.org.org_path)

    @api
    def member_totals(self, org_ids):
        return queries.member_totals(self.db, self.caller(), org_ids)

    @api
    def report(self, org_id, year, scope="subtree"):
        return queries.report(self.db, self.caller(), org_id, year, scope, self.org.org_path)

    @api
    def reconcile(self, org_id):
        return recount.reconcile(self.db, self.caller(), org_id, self.org.org_path, self.member.facts_page,
                                 self.org.states_page)

    @api
    def rebuild(self):
        root = self.org.root()  # the org service refuses a caller whose scope is not the whole tree
        return recount.rebuild(self.db, root["path"], self.member.facts_page, self.org.states_page)
