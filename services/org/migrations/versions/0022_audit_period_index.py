"""org: 操作日志 — one index for a subtree's period, `(at DESC, id DESC, org_path text_pattern_ops)`,
replacing `(at DESC, id DESC)` and `(org_path text_pattern_ops, at DESC)` (bench/audit_scale.py,
docs/BENCHMARKS.md): with the path in the period index, the subtree's prefix is an index condition,
so a subtree's day reads that day's index entries only and fetches just the rows of its page; the
path index made PostgreSQL read every entry a county ever had and sort them (a subtree's day grew
with the years kept), and its absence made a branch's log without dates fetch ~100,000 other
organizations' rows from the table before finding its page.

Revision ID: org_0022_audit_period_index
"""
from alembic import op

revision = "org_0022_audit_period_index"
down_revision = "org_0021_sanction_level"
S = "org"


def upgrade():
    op.execute(f"CREATE INDEX audit_entries_at_path ON {S}.audit_entries (at DESC, id DESC, org_path text_pattern_ops)")
    op.execute(f"DROP INDEX {S}.audit_entries_at")
    op.execute(f"DROP INDEX {S}.audit_entries_path")


def downgrade():
    op.execute(f"CREATE INDEX audit_entries_at ON {S}.audit_entries (at DESC, id DESC)")
    op.execute(f"CREATE INDEX audit_entries_path ON {S}.audit_entries (org_path text_pattern_ops, at DESC)")
    op.execute(f"DROP INDEX {S}.audit_entries_at_path")
