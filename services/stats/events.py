"""The stats service emits only its 操作日志 entries (audit_recorded: corrections, reports). It
consumes every org and member event that changes a count (member_transferred: 转入/转出,
services/stats/transfers.py), the transfer service's outflow and inflow events (流动党员,
services/stats/mobility.py), the member service's applicant events (入党申请人,
services/stats/applicant_counts.py) and the org service's term events (换届,
services/stats/term_counts.py), and the org service's report_date_changed (the root's 统计报告期截止日:
every counter recounted by it, services/stats/period.py). Its queues are consumed by the batch ingesters
(`python -m services.stats.ingest`), not by nameko handlers: CONSUMED_BY says so, and topology
still names and declares the queues."""
from services.shared.audit import EMITS as AUDIT_EMITS

from .domain.development import APPLICANT_EVENTS
from .domain.fold import MEMBER_EVENTS, ORG_EVENTS
from .domain.mobility import MOBILITY_EVENTS
from .domain.terms import TERM_EVENTS
from .domain.transfers import TRANSFER_EVENTS
from .period import REPORT_DATE_CHANGED

EMITS: dict = {**AUDIT_EMITS}
CONSUMES = [("org", event_type) for event_type in ORG_EVENTS + TERM_EVENTS + (REPORT_DATE_CHANGED,)] + [
    ("member", event_type) for event_type in MEMBER_EVENTS + TRANSFER_EVENTS + APPLICANT_EVENTS] + [
    ("transfer", event_type) for event_type in MOBILITY_EVENTS]
CONSUMED_BY = "services.stats.ingest"
