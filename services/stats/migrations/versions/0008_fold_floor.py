"""stats: where the compactor's fold resumes (stats.fold_progress), so a fold reads the live
deltas only, not the dead index entries of every delta folded before (services/stats/compaction.py);
and per-table autovacuum thresholds for the two tables the fold churns, absolute rather than a
share of a table that is nearly empty once folded.

Revision ID: stats_0008_fold_floor
"""
from alembic import op

revision = "stats_0008_fold_floor"
down_revision = "stats_0007"


def upgrade():
    op.execute("CREATE TABLE stats.fold_progress (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), "
               "floor bigint NOT NULL DEFAULT 0, mark bigint, mark_xids bigint[])")
    op.execute("INSERT INTO stats.fold_progress DEFAULT VALUES")
    op.execute("ALTER TABLE stats.counter_deltas SET (autovacuum_vacuum_scale_factor = 0, "
               "autovacuum_vacuum_threshold = 200000, autovacuum_vacuum_insert_scale_factor = 0, "
               "autovacuum_vacuum_insert_threshold = 200000, autovacuum_analyze_scale_factor = 0, "
               "autovacuum_analyze_threshold = 200000)")
    op.execute("ALTER TABLE stats.counters SET (autovacuum_vacuum_scale_factor = 0.02, "
               "autovacuum_analyze_scale_factor = 0.02)")


def downgrade():
    op.execute("ALTER TABLE stats.counters RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)")
    op.execute("ALTER TABLE stats.counter_deltas RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
               "autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold, "
               "autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)")
    op.execute("DROP TABLE stats.fold_progress")
