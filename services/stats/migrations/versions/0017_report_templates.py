"""stats: 接收报表模板 — the province's extra tables (省表) as versioned data (stats.report_templates),
and the table set each report was made with (reports.template_version)

Revision ID: stats_0017_report_templates
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0017_report_templates"
down_revision = "stats_0016_term_facts"
S = "stats"


def upgrade():
    op.create_table(
        "report_templates",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("definition", JSONB, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("loaded_by", sa.Text, nullable=False),
        sa.Column("loaded_by_name", sa.Text, nullable=False),
        schema=S,
    )
    op.add_column("reports", sa.Column("template_version", sa.Text), schema=S)
    # Reports made before templates existed had the national tables only.
    op.execute("UPDATE stats.reports SET template_version = '2012国表 v1'")


def downgrade():
    op.drop_column("reports", "template_version", schema=S)
    op.drop_table("report_templates", schema=S)
