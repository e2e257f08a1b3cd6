"""The stats service's nameko entrypoints: adapters only.

Events are applied by the batch ingester (`python -m services.stats.ingest`, any number of
them), not here; events.py declares the queues it consumes so `migrate` declares them."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.shared.checked_rpc import rpc
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import compaction, queries, recount, reports, templates

api = rpc(expected_exceptions=PmisError)
COMPACTOR = compaction.Compactor()  # one per process: it remembers how much it folded since its last vacuum


class StatsService:
    name = "stats"
    # Its background part is the compactor alone: every report sums the deltas it has not folded,
    # so lowered among the burst's ingesters and projections it fell 231 s behind at 1M (issue 19).
    background_at_normal_priority = True
    db = Database()
    caller = CallerProvider()
    member = RpcProxy("member")
    org = RpcProxy("org")
    transfer = RpcProxy("transfer")  # 流动党员's records, for reconcile and rebuild

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @timer(interval=1.0)
    def fold_counter_deltas(self):
        COMPACTOR.run()

    @api
    def subtree_stats(self, org_id):
        return queries.subtree_stats(self.db, self.caller(), org_id, self.org.org_path)

    @api
    def member_totals(self, org_ids):
        return queries.member_totals(self.db, self.caller(), org_ids)

    @api
    def counted_report(self, org_id, year, scope="subtree"):
        return queries.counted_report(self.db, self.caller(), org_id, year, scope, self.org.org_path)

    @api
    def whole_org_transfers(self, org_id, year):
        """附表 整建制转入/转出情况 of the organization's report for the year."""
        return queries.whole_org_transfers(self.db, self.caller(), org_id, year, self.org.org_path)

    @api
    def reconcile(self, org_id):
        return recount.reconcile(self.db, self.caller(), org_id, self.org.org_path, self.member.facts_page,
                                 self.org.states_page, self.transfer.mobility_facts_page,
                                 self.member.applicant_facts_page, self.org.term_facts_page)

    @api
    def rebuild(self):
        root = self.org.root()  # the org service refuses a caller whose scope is not the whole tree
        return recount.rebuild(self.db, self.caller(), root["path"], self.member.facts_page, self.org.states_page,
                               self.transfer.mobility_facts_page, self.member.applicant_facts_page,
                               self.org.term_facts_page)

    # --- report work (统计报表) --------------------------------------------------------------

    def _desk(self) -> reports.ReportDesk:
        return reports.ReportDesk(self.db, self.caller(), self.org.org_path, self.org.children,
                                  lambda org_id: self.org.children.call_async(org_id).result)

    @api
    def get_report(self, org_id, year):
        return self._desk().view(org_id, year)

    @api
    def report_checks(self, org_id, year):
        return self._desk().checks(org_id, year)

    @api
    def report_comparison(self, org_id, year):
        return self._desk().comparison(org_id, year)

    @api
    def report_usage(self, org_id, year, state=None, level=None):
        return self._desk().usage(org_id, year, self.org.org_names, state, level)

    @api
    def report_history(self, org_id, year):
        return self._desk().history(org_id, year)

    @api
    def generate_report(self, org_id, year):
        return self._desk().generate(org_id, year)

    @api
    def aggregate_report(self, org_id, year):
        return self._desk().aggregate(org_id, year)

    @api
    def correct_report(self, org_id, year, correction, version=None):
        return self._desk().correct(org_id, year, correction, version)

    @api
    def undo_report_correction(self, org_id, year, correction_id, version=None):
        return self._desk().undo_correction(org_id, year, correction_id, version)

    @api
    def explain_report(self, org_id, year, explanation, version=None):
        return self._desk().explain(org_id, year, explanation, version)

    @api
    def fill_report_cover(self, org_id, year, cover, version=None):
        return self._desk().fill_cover(org_id, year, cover, version)

    @api
    def import_last_year_report(self, org_id, year, sheets, commit=False):
        """导入上年报表: preview, or (commit) store, last year's report from the official system."""
        return self._desk().import_last_year(org_id, year, sheets, bool(commit))

    @api
    def submit_report(self, org_id, year, version=None):
        return self._desk().submit(org_id, year, version)

    @api
    def accept_report(self, org_id, year, comment=None):
        return self._desk().decide(org_id, year, True, comment)

    @api
    def return_report(self, org_id, year, comment=None):
        return self._desk().decide(org_id, year, False, comment)

    # --- 接收报表模板 (docs/REPORT_TEMPLATES.md) ---------------------------------------------

    @api
    def list_report_templates(self):
        return templates.list_templates(self.db, self.caller())

    @api
    def load_report_template(self, document):
        return templates.load(self.db, self.caller(), document)
