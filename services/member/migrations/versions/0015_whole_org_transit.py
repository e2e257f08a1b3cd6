"""member: a 整建制转移 in flight is followed too (transfers.org_id, the organization it moves;
member_id null): the members under it show 转出中 and their organization cannot be edited

Revision ID: member_0015_whole_org_transit
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0015_whole_org_transit"
down_revision = "member_0014_org_holds"


def upgrade():
    op.alter_column("transfers", "member_id", nullable=True, schema="member")
    op.add_column("transfers", sa.Column("org_id", sa.BigInteger), schema="member")
    op.create_index("transfers_whole_org_in_transit", "transfers", ["org_id"], schema="member",
                    postgresql_where=sa.text("state = 'in_transit' AND org_id IS NOT NULL"))


def downgrade():
    op.drop_index("transfers_whole_org_in_transit", "transfers", schema="member")
    op.drop_column("transfers", "org_id", schema="member")
    op.execute("DELETE FROM member.transfers WHERE member_id IS NULL")
    op.alter_column("transfers", "member_id", nullable=False, schema="member")
