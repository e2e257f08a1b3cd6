"""stats: the transfers that moved a member (stats.transfer_facts, from member_transferred), so
转入/转出 are recounted by reconcile and rebuild like every other counter

Revision ID: stats_0009_transfer_facts
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0009_transfer_facts"
down_revision = "stats_0008_fold_floor"
S = "stats"


def upgrade():
    op.create_table(
        "transfer_facts",
        sa.Column("transfer_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("from_org_id", sa.BigInteger),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("from_path", sa.Text),
        sa.Column("to_path", sa.Text),
        schema=S,
    )
    op.create_index("transfer_facts_from", "transfer_facts", ["from_path"], schema=S,
                    postgresql_ops={"from_path": "text_pattern_ops"})
    op.create_index("transfer_facts_to", "transfer_facts", ["to_path"], schema=S,
                    postgresql_ops={"to_path": "text_pattern_ops"})


def downgrade():
    op.drop_table("transfer_facts", schema=S)
