"""stats: the last counted state of each outflow and inflow (stats.mobility_facts, from the
transfer service's 流动党员 events), for the 流动党员情况 table and its recount

Revision ID: stats_0012_mobility_facts
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0012_mobility_facts"
down_revision = "stats_0011_merge"
S = "stats"


def upgrade():
    op.create_table(
        "mobility_facts",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("record_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("org_id", sa.BigInteger),
        sa.Column("path", sa.Text),
        sa.Column("facts", JSONB),
        schema=S,
    )
    op.create_index("mobility_facts_path", "mobility_facts", ["path"], schema=S,
                    postgresql_ops={"path": "text_pattern_ops"})


def downgrade():
    op.drop_table("mobility_facts", schema=S)
