"""stats: the report date the counters are counted by (stats.report_period, one row, 12-31 until the
root organization's 统计报告期截止日 changes: services/stats/period.py)

Revision ID: stats_0021_report_period
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0021_report_period"
down_revision = "stats_0020_org_commendations"
S = "stats"


def upgrade():
    op.create_table(
        "report_period",
        sa.Column("only_row", sa.Boolean, primary_key=True, server_default="true"),
        sa.Column("cutoff", sa.Text, nullable=False, server_default="12-31"),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("only_row", name="report_period_one_row"),
        schema=S,
    )
    op.execute("INSERT INTO stats.report_period (only_row) VALUES (true)")


def downgrade():
    op.drop_table("report_period", schema=S)
