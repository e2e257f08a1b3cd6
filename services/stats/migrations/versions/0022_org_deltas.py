"""stats: the not yet folded deltas of some organizations, read by an index scan
(stats.org_deltas; services/stats/store.py and queries.py read deltas through it)

During a year-end burst the compactor deletes (folds) deltas as fast as they come, and every
folded delta leaves its entry in the `counter_deltas_org` index until a vacuum. The planner read
the root's deltas with a bitmap scan, which visits the heap page of every entry, dead or not, and
marks none of them: measured mid-burst (100k members), 8,461 buffers and 33–82 ms for 96 live
deltas, growing with every fold. An index scan marks the entries of rows dead to everyone as it
passes them, so later reads (and inserts, which then reclaim the space) skip them. A function's
SET is the one way to choose that scan for one statement alone; its plan is generic (made
without the ids), for which the planner chose a scan of the whole table, so that is off too.

Revision ID: stats_0022_org_deltas
"""
from alembic import op

revision = "stats_0022_org_deltas"
down_revision = "stats_0021_report_period"


def upgrade():
    op.execute("""
CREATE FUNCTION stats.org_deltas(org_ids bigint[]) RETURNS SETOF stats.counter_deltas
LANGUAGE sql STABLE
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $$ SELECT * FROM stats.counter_deltas WHERE org_id = ANY(org_ids) $$
""")


def downgrade():
    op.execute("DROP FUNCTION stats.org_deltas(bigint[])")
