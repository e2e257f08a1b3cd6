"""Tables of the stats service, schema "stats": projections fed by events, and counters."""
from sqlalchemy import BigInteger, Column, Date, Index, Integer, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

from services.shared.outbox import inbox_table, outbox_table

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

counters = Table(
    "counters", metadata,
    Column("org_id", BigInteger, primary_key=True),
    Column("dimension", Text, primary_key=True),
    Column("value", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
