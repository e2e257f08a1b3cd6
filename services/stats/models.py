"""Tables of the stats service, schema "stats": projections fed by events, and counters."""
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text

from services.shared.outbox import inbox_table, outbox_table

metadata = MetaData(schema="stats")

orgs = Table(
    "orgs", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("parent_id", BigInteger),
    Column("path", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("stats_orgs_path", orgs.c.path, postgresql_ops={"path": "text_pattern_ops"})

# The last member state counted, with its version: older or repeated events are ignored.
member_facts = Table(
    "member_facts", metadata,
    Column("member_id", BigInteger, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("org_id", BigInteger),
    Column("status", Text),
    Column("sex", Text),
    Column("category", Text),
)

# Counts per organization: `counters` holds folded totals; consumers only ever append to
# `counter_deltas`, so parallel consumers never wait on each other's rows (every event of a
# big organization would otherwise update the same few rows). A single compactor folds deltas
# into counters; every read sums both.
counter_deltas = Table(
    "counter_deltas", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("dimension", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("n", BigInteger, nullable=False),
)

counters = Table(
    "counters", metadata,
    Column("org_id", BigInteger, primary_key=True),
    Column("dimension", Text, primary_key=True),
    Column("value", Text, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
