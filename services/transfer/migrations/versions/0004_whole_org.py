"""transfer: 整建制转移 — a transfer of a whole organization (org_id; no member), at most one in
flight per organization, and the list of its members attached to the letter

Revision ID: transfer_0004_whole_org
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0004_whole_org"
down_revision = "transfer_0003"

IN_FLIGHT = "state IN ('approving', 'to_receive', 'receiving')"


def upgrade():
    op.alter_column("transfers", "member_id", nullable=True, schema="transfer")
    op.add_column("transfers", sa.Column("org_id", sa.BigInteger), schema="transfer")
    op.create_index("transfers_org_in_flight", "transfers", ["org_id"], unique=True, schema="transfer",
                    postgresql_where=sa.text(IN_FLIGHT))
    op.create_table(
        "moved_members",
        sa.Column("transfer_id", sa.BigInteger, sa.ForeignKey("transfer.transfers.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        schema="transfer",
    )


def downgrade():
    op.drop_table("moved_members", schema="transfer")
    op.drop_index("transfers_org_in_flight", table_name="transfers", schema="transfer")
    op.drop_column("transfers", "org_id", schema="transfer")
    op.execute("DELETE FROM transfer.transfers WHERE member_id IS NULL")
    op.alter_column("transfers", "member_id", nullable=False, schema="transfer")
