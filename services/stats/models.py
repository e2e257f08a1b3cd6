"""Tables of the stats service, schema "stats": projections fed by events, and counters."""
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table

metadata = MetaData(schema="stats")

# The last organization state counted (org events), with its version.
orgs = Table(
    "orgs", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("parent_id", BigInteger),
    Column("path", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="active"),  # active / revoked / deleted
    Column("established_on", Date),
    Column("revoked_on", Date),
    Column("version", Integer, nullable=False),
    # 单位信息 of the counted kinds' tables (表5, 表6): [{category, party_setup}] in the card's order.
    Column("units", JSONB, nullable=False, server_default="[]"),
    # The 奖励 of its 组织奖惩 (表12 表彰): [[批准日期, 批准机关级别], …], oldest first.
    Column("commendations", JSONB, nullable=False, server_default="[]"),
)
Index("stats_orgs_path", orgs.c.path, postgresql_ops={"path": "text_pattern_ops"})
Index("stats_orgs_parent", orgs.c.parent_id)

# The last member state counted: the event contract's facts, the organization path they are
# counted under, and the version; older or repeated events are ignored.
member_facts = Table(
    "member_facts", metadata,
    Column("member_id", BigInteger, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("org_path", Text),
    Column("facts", JSONB),
)

# Every transfer (组织关系转接) that moved a member (member_transferred events): what its counters
# count (domain/transfers.py), kept so a reconcile or rebuild recounts 转入/转出 from it. The
# paths are the ends' counted paths; an org move rewrites them like the members' paths.
transfer_facts = Table(
    "transfer_facts", metadata,
    Column("transfer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger),  # null for 整建制转移 (kind whole_org)
    Column("kind", Text, nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("from_org_id", BigInteger),
    Column("to_org_id", BigInteger),
    Column("from_path", Text),
    Column("to_path", Text),
    # 整建制转移 (org_moved with `transfer`): the members it moved, counted at both ends, and the
    # organization moved (the attachment list 整建制转入/转出情况). A member's transfer: 1, null, null.
    Column("members", Integer, nullable=False, server_default="1"),
    Column("org_id", BigInteger),
    Column("org_name", Text),
)
Index("transfer_facts_from", transfer_facts.c.from_path, postgresql_ops={"from_path": "text_pattern_ops"})
Index("transfer_facts_to", transfer_facts.c.to_path, postgresql_ops={"to_path": "text_pattern_ops"})
Index("transfer_facts_member", transfer_facts.c.member_id, postgresql_where=text("member_id IS NOT NULL"))

# The members a counted 整建制转移 moved with their organization: what each counted before its 接收
# date stays at the path it had then (`from_path`, rewritten by later org moves like the facts'),
# as a 省内 transfer's member's does (domain/counters.placed).
member_placements = Table(
    "member_placements", metadata,
    Column("transfer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("effective_on", Date, nullable=False),
    Column("from_path", Text, nullable=False),
)
Index("member_placements_member", member_placements.c.member_id)
Index("member_placements_from", member_placements.c.from_path, postgresql_ops={"from_path": "text_pattern_ops"})

# The last counted state of each outflow and inflow (流动党员, the transfer service's events):
# kind (outflow / inflow), its id, the version counted, the organization it counts at (home or
# receiving) with its counted path, and the facts (domain/mobility.py). A version 0 row is a
# placeholder locked before its first event is counted.
mobility_facts = Table(
    "mobility_facts", metadata,
    Column("kind", Text, primary_key=True),
    Column("record_id", BigInteger, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("org_id", BigInteger),
    Column("path", Text),
    Column("facts", JSONB),
)
Index("mobility_facts_path", mobility_facts.c.path, postgresql_ops={"path": "text_pattern_ops"})

# The last counted state of each 入党申请人 (the member service's applicant events): its version, the
# organization it counts at with its counted path, and the facts (domain/development.py). A
# version 0 row is a placeholder locked before its first event is counted.
applicant_facts = Table(
    "applicant_facts", metadata,
    Column("applicant_id", BigInteger, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("org_id", BigInteger),
    Column("path", Text),
    Column("facts", JSONB),
)
Index("applicant_facts_path", applicant_facts.c.path, postgresql_ops={"path": "text_pattern_ops"})

# The last counted state of each term (届次, the org service's term events): its version, the
# organization it counts at with its counted path, and the facts (domain/terms.py). A version 0
# row is a placeholder locked before its first event is counted.
term_facts = Table(
    "term_facts", metadata,
    Column("term_id", BigInteger, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("org_id", BigInteger),
    Column("path", Text),
    Column("facts", JSONB),
)
Index("term_facts_path", term_facts.c.path, postgresql_ops={"path": "text_pattern_ops"})

# Counts per organization, rolled up: an organization's rows count its whole subtree, so any
# report reads one organization's rows. Keyed by the year a fact took effect (stock dimensions
# as +1/-1 changes, flows as counts; services/stats/domain/counters.py). Consumers only append
# to `counter_deltas`, so parallel consumers never wait on each other's rows (every event
# touches the root's figures); a single compactor folds deltas into `counters`; reads sum both.
counter_deltas = Table(
    "counter_deltas", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("dimension", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
)
Index("counter_deltas_org", counter_deltas.c.org_id, counter_deltas.c.dimension)

# One index, the key with n included: reports read one organization's rows (years up to the report
# year) by an index-only scan, and a fold's update of n writes one index entry, not one per index
# (stats_0023).
counters = Table(
    "counters", metadata,
    Column("org_id", BigInteger, nullable=False),
    Column("dimension", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
    PrimaryKeyConstraint("org_id", "dimension", "value", "year", name="counters_pkey", postgresql_include=["n"]),
)

# Where the compactor's fold resumes (one row; services/stats/compaction.py): every delta below
# `floor` is folded; `mark` (the sequence's last id) and `mark_xids` (the writing transactions then
# running) let the floor rise once every writer that could still commit an id up to the mark has ended.
fold_progress = Table(
    "fold_progress", metadata,
    Column("only_row", Boolean, primary_key=True, server_default="true"),
    Column("floor", BigInteger, nullable=False, server_default="0"),
    Column("mark", BigInteger),
    Column("mark_xids", ARRAY(BigInteger)),
)

# A number per organization and year of change that changes whenever any of its folded counters
# of that year do (statement triggers on `counters`, migrations stats_0006 and stats_0010): what
# a report read from the counters may be reused for (services/stats/counter_cache.py).
counter_generations = Table(
    "counter_generations", metadata,
    Column("org_id", BigInteger, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("generation", BigInteger, nullable=False),
)

# What each fold added to the counters of the organizations near the root, and the fold log's one
# row (migration stats_0019): a report kept from before a fold reads these instead of its counters
# again (services/stats/counter_cache.py, compaction.py).
fold_increments = Table(
    "fold_increments", metadata,
    Column("fold_no", BigInteger, nullable=False),
    Column("org_id", BigInteger, nullable=False),
    Column("dimension", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
)
Index("fold_increments_org", fold_increments.c.org_id, fold_increments.c.fold_no)
Index("fold_increments_fold", fold_increments.c.fold_no)

fold_log = Table(
    "fold_log", metadata,
    Column("only_row", Boolean, primary_key=True, server_default="true"),
    Column("fold_no", BigInteger, nullable=False, server_default="0"),
    Column("kept_after", BigInteger, nullable=False, server_default="0"),
    Column("outside", BigInteger, nullable=False, server_default="0"),
)

# The annual report of an organization for a year (报表): a snapshot of its tables, generated
# from the counters (直统) or summed from its subordinates' submitted reports (汇总), corrected
# by hand (录改), then submitted to the parent, who accepts or returns it.
reports = Table(
    "reports", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", Text, nullable=False),  # draft / submitted / accepted / returned
    Column("source", Text, nullable=False),  # direct (直统) / aggregated (汇总)
    Column("tables", JSONB, nullable=False),
    Column("explanation", Text, nullable=False, server_default=""),  # 报表说明
    Column("cover", JSONB, nullable=False, server_default="{}"),  # 报表封面 (domain/report_cover.py)
    Column("comment", Text),  # the parent's comment when it accepted or returned the report
    Column("aggregation", JSONB),  # 汇总: which subordinates' reports were included, which missing
    # The table set it was made with: "2012国表 v1" or "2012国表 v1；某省省表 v3" (domain/report_templates.py)
    Column("template_version", Text),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    UniqueConstraint("org_id", "year", name="reports_org_year"),
)

# Everything done to a report, in order: generated, aggregated, corrected (cell, old, new,
# reason), explained, submitted, accepted, returned (comment).
report_history = Table(
    "report_history", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("report_id", BigInteger, ForeignKey("stats.reports.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", JSONB, nullable=False),
    Column("version", Integer, nullable=False),  # the report's version after the change
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("report_history_report", report_history.c.report_id, report_history.c.id)

# 接收报表模板: each load of the province's extra tables (省表) is a new version, never changed;
# reports are made with the latest (docs/REPORT_TEMPLATES.md).
report_templates = Table(
    "report_templates", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("definition", JSONB, nullable=False),  # validated and normalized (domain/report_templates.py)
    Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("loaded_by", Text, nullable=False),
    Column("loaded_by_name", Text, nullable=False),
)

# The report date (报告期截止日) the counters are counted by (one row; services/stats/period.py): the
# root organization's 系统设置 `report_date`, kept here from its report_date_changed events so the
# ingesters, recounts and reports read it in their own transactions. `version`: the event's (the
# org service's setting change id), so an older or repeated one changes nothing.
report_period = Table(
    "report_period", metadata,
    Column("only_row", Boolean, primary_key=True, server_default="true"),
    Column("cutoff", Text, nullable=False, server_default="12-31"),  # "MM-DD"
    Column("version", BigInteger, nullable=False, server_default="0"),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
