"""dues: 大额党费 上缴 — an organization records handing the 大额党费 it holds up in full (one record, the
payments it covers in its items; a payment once per forwarding organization), voided with a reason, kept
(docs/DUES.md, "大额党费 上缴")

Revision ID: dues_0006_large_remittances
"""
import sqlalchemy as sa
from alembic import op

revision = "dues_0006_large_remittances"
down_revision = "dues_0005_remittances"
S = "dues"


def upgrade():
    op.create_table(
        "large_remittances",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("remitted_on", sa.Date, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("voucher_no", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text),
        sa.Column("voided_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="dues_large_remittances_positive"),
        schema=S,
    )
    op.create_index("dues_large_remittances_org", "large_remittances", ["org_id", "remitted_on"], schema=S)
    op.create_table(
        "large_remittance_items",
        sa.Column("remittance_id", sa.BigInteger, sa.ForeignKey(f"{S}.large_remittances.id"), primary_key=True),
        sa.Column("payment_id", sa.BigInteger, sa.ForeignKey(f"{S}.large_payments.id"), primary_key=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S,
    )
    op.create_index("dues_large_remittance_items_once", "large_remittance_items", ["org_id", "payment_id"],
                    unique=True, schema=S, postgresql_where=sa.text("NOT voided"))
    op.create_index("dues_large_remittance_items_payment", "large_remittance_items", ["payment_id"], schema=S)


def downgrade():
    op.drop_table("large_remittance_items", schema=S)
    op.drop_table("large_remittances", schema=S)
