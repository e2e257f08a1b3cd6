"""stats: append-only counter deltas, folded into counters by one compactor

Revision ID: stats_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0002"
down_revision = "stats_0001"
S = "stats"


def upgrade():
    op.create_table(
        "counter_deltas",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("dimension", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("counter_deltas", schema=S)
