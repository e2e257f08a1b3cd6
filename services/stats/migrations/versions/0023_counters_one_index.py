"""stats: the counters keep one index, their key with n included, instead of the key and a
covering index by organization and year

Every fold updates n in thousands of counters. An update of a column that an index holds writes
a new entry in every index of the table: with the key and the covering index (stats_0005) each
counter folded cost a heap version and two index entries. The key with n included serves the
reports' index-only scan just as well (they read one organization's rows; the year, the key's
last column, is checked in the index), and the upserts' conflict check is the same index: one
index entry per counter folded. Measured on a 12.5M-row copy, 13,000 counters folded: 510 →
374 ms (bench/counter_indexes.py; docs/BENCHMARKS.md, issue 18).

Rebuilding the key holds the counters' table for as long as the index build (12 s for 12.5M
rows on the 2-core bench machine): run it, as every migration, before the rollout.

Revision ID: stats_0023_counters_one_index
"""
from alembic import op

revision = "stats_0023_counters_one_index"
down_revision = "stats_0022_org_deltas"

KEY = "(org_id, dimension, value, year)"


def upgrade():
    op.execute("DROP INDEX stats.counters_org_year")
    op.execute(f"ALTER TABLE stats.counters DROP CONSTRAINT counters_pkey, "
               f"ADD CONSTRAINT counters_pkey PRIMARY KEY {KEY} INCLUDE (n)")


def downgrade():
    op.execute(f"ALTER TABLE stats.counters DROP CONSTRAINT counters_pkey, "
               f"ADD CONSTRAINT counters_pkey PRIMARY KEY {KEY}")
    op.execute("CREATE INDEX counters_org_year ON stats.counters (org_id, year) INCLUDE (dimension, value, n)")
