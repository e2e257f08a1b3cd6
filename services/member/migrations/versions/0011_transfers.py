"""member: the transfers (组织关系转接) a member follows by the transfer service's events — which
member is in transit (转出中) and which transfer moved whom, so a redelivered request never moves
a member twice

Revision ID: member_0011_transfers
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0011_transfers"
down_revision = "member_0010"
S = "member"


def upgrade():
    op.create_table(
        "transfers",
        sa.Column("transfer_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("effective_on", sa.Date),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("transfers_in_transit", "transfers", ["member_id"], schema=S,
                    postgresql_where=sa.text("state = 'in_transit'"))


def downgrade():
    op.drop_table("transfers", schema=S)
