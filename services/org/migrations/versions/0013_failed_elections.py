"""org: elections that failed the rules, recorded for the record (换届 with record_failed): the
organization, the day, the method, the figures and the reasons; no term is opened or closed

Revision ID: org_0013_failed_elections
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0013_failed_elections"
down_revision = "org_0012_inflow_home"
S = "org"


def upgrade():
    op.create_table(
        "failed_elections",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("election", JSONB, nullable=False),
        sa.Column("reasons", JSONB, nullable=False),
        sa.Column("created_by_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("failed_elections_org", "failed_elections", ["org_id", "held_on"], schema=S)


def downgrade():
    op.drop_table("failed_elections", schema=S)
