"""stats: an organization's not yet folded deltas for a report, read by an index scan
(stats.delta_rows; services/stats/store.py)

During a year-end burst the compactor deletes (folds) deltas as fast as they come, and every
folded delta leaves its entry in the `counter_deltas_org` index until a vacuum. The planner read
the root's deltas with a bitmap scan, which visits the heap page of every entry, dead or not, and
marks none of them: measured mid-burst (100k members), 3,349 heap pages for 750 live deltas,
growing with every fold. An index scan marks the entries of rows dead to everyone as it passes
them, so later reads (and inserts, which then reclaim the space) skip them: the same read then
touched 554 buffers, 184 heap pages. A function's SET is the one way to choose that scan for one
statement alone (its plan is generic, made without the parameters' values: it chose a scan of the
whole table, so that is off too).

Revision ID: stats_0022_delta_rows
"""
from alembic import op

revision = "stats_0022_delta_rows"
down_revision = "stats_0021_report_period"


def upgrade():
    # The rows as store.ROWS shapes them: the years before the previous one summed into year - 2,
    # the children's rows (scope "direct": the ids after the first) subtracted from the organization's.
    op.execute("""
CREATE FUNCTION stats.delta_rows(report_org bigint, org_ids bigint[], report_year integer, only_dimensions text[])
RETURNS TABLE (dimension text, value text, year integer, n numeric)
LANGUAGE sql STABLE
SET enable_bitmapscan = off
SET enable_seqscan = off
AS $$
SELECT d.dimension, d.value, CASE WHEN d.year < report_year - 1 THEN report_year - 2 ELSE d.year END,
       sum(d.n * CASE WHEN d.org_id = report_org THEN 1 ELSE -1 END)
FROM stats.counter_deltas d
WHERE d.org_id = ANY(org_ids) AND d.year <= report_year
  AND (only_dimensions IS NULL OR d.dimension = ANY(only_dimensions))
GROUP BY 1, 2, 3
$$
""")


def downgrade():
    op.execute("DROP FUNCTION stats.delta_rows(bigint, bigint[], integer, text[])")
