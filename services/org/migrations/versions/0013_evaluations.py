"""org: 民主评议党员 — a branch's record of a year (开展日期, 结束日期, note); its counts are derived from the
members' grades in the member service

Revision ID: org_0013_evaluations
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0013_evaluations"
down_revision = "org_0012_inflow_home"
S = "org"


def upgrade():
    op.create_table(
        "evaluation_records",
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("note", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by_name", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )


def downgrade():
    op.drop_table("evaluation_records", schema=S)
