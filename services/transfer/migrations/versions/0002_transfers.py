"""transfer: transfers, their route steps, approval rights, letter serials, the org directory

Revision ID: transfer_0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from services.shared.org_directory import create_org_directory

revision = "transfer_0002"
down_revision = "transfer_0001"

OPEN = "state IN ('approving', 'to_receive', 'receiving', 'returned', 'expired')"


def upgrade():
    op.create_table(
        "transfers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("member", JSONB, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("from_org_id", sa.BigInteger, nullable=False),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("to_outside", JSONB),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("dues_paid_to", sa.Text),
        sa.Column("valid_days", sa.Integer),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date),
        sa.Column("phone", sa.Text),
        sa.Column("address", sa.Text),
        sa.Column("postcode", sa.Text),
        sa.Column("letter_no", sa.Text, unique=True),
        sa.Column("receipt", JSONB),
        sa.Column("history", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema="transfer",
    )
    op.create_index("transfers_one_open", "transfers", ["member_id"], unique=True, schema="transfer",
                    postgresql_where=sa.text(OPEN))
    op.create_index("transfers_from", "transfers", ["from_org_id", "id"], schema="transfer")
    op.create_index("transfers_to", "transfers", ["to_org_id", "id"], schema="transfer")
    op.create_index("transfers_due", "transfers", ["valid_until"], schema="transfer",
                    postgresql_where=sa.text("state IN ('approving', 'to_receive')"))
    op.create_table(
        "steps",
        sa.Column("transfer_id", sa.BigInteger, sa.ForeignKey("transfer.transfers.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("handler", sa.Text),
        sa.Column("handler_name", sa.Text),
        sa.Column("opinion", sa.Text),
        sa.Column("acted_at", sa.DateTime(timezone=True)),
        sa.Column("since", sa.DateTime(timezone=True)),
        schema="transfer",
    )
    op.create_index("steps_org_state", "steps", ["org_id", "state"], schema="transfer")
    op.create_table(
        "approval_rights",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("can_approve", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema="transfer",
    )
    op.create_table(
        "letter_serials",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
        schema="transfer",
    )
    create_org_directory(op, "transfer")


def downgrade():
    for table in ("org_directory", "letter_serials", "approval_rights", "steps", "transfers"):
        op.drop_table(table, schema="transfer")
