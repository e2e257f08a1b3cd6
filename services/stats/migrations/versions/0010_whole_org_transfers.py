"""stats: 整建制转移 in transfer_facts — one fact per transfer of a whole organization (no member;
`members` moved, the organization's id and name for the attachment list 整建制转入/转出情况)

Revision ID: stats_0010_whole_org_transfers
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0010_whole_org_transfers"
down_revision = "stats_0009_transfer_facts"
S = "stats"


def upgrade():
    op.alter_column("transfer_facts", "member_id", nullable=True, schema=S)
    op.add_column("transfer_facts", sa.Column("members", sa.Integer, nullable=False, server_default="1"), schema=S)
    op.add_column("transfer_facts", sa.Column("org_id", sa.BigInteger), schema=S)
    op.add_column("transfer_facts", sa.Column("org_name", sa.Text), schema=S)


def downgrade():
    op.execute("DELETE FROM stats.transfer_facts WHERE member_id IS NULL")
    op.drop_column("transfer_facts", "org_name", schema=S)
    op.drop_column("transfer_facts", "org_id", schema=S)
    op.drop_column("transfer_facts", "members", schema=S)
    op.alter_column("transfer_facts", "member_id", nullable=False, schema=S)
