"""transfer: 线下转入 (inbound) — a transfer with no member of this system yet (the member
service creates or re-activates one on 接收), the paper letter it came with (`source`), and at
most one unfinished 线下转入 per ID number

Revision ID: transfer_0004_inbound
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "transfer_0004_inbound"
down_revision = "transfer_0003"
S = "transfer"


def upgrade():
    op.alter_column("transfers", "member_id", nullable=True, schema=S)
    op.add_column("transfers", sa.Column("source", JSONB), schema=S)
    op.create_index("transfers_one_open_inbound", "transfers", [sa.text("(member->>'id_number')")], unique=True,
                    schema=S, postgresql_where=sa.text(
                        "kind = 'inbound' AND state IN ('approving', 'to_receive', 'receiving', 'returned', "
                        "'expired')"))


def downgrade():
    op.drop_index("transfers_one_open_inbound", "transfers", schema=S)
    op.drop_column("transfers", "source", schema=S)
    op.alter_column("transfers", "member_id", nullable=False, schema=S)
