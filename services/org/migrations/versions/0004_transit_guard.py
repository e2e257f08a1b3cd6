"""org: the transfers in flight per organization, projected from the transfer service's events,
so that an organization with members in transit (or the target of an open transfer) cannot be
revoked or deleted

Revision ID: org_0004_transit_guard
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0004_transit_guard"
down_revision = "org_0003_sessions"
S = "org"


def upgrade():
    op.create_table(
        "transfers_in_transit",
        sa.Column("transfer_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger),
        sa.Column("from_org_id", sa.BigInteger),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("in_flight", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("transfers_in_transit_from", "transfers_in_transit", ["from_org_id"], schema=S,
                    postgresql_where=sa.text("in_flight"))
    op.create_index("transfers_in_transit_to", "transfers_in_transit", ["to_org_id"], schema=S,
                    postgresql_where=sa.text("in_flight"))


def downgrade():
    op.drop_table("transfers_in_transit", schema=S)
