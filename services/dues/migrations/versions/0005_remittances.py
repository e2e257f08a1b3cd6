"""dues: 上缴 — what an organization remitted of its collected dues to its higher organization (a month,
quarter, half-year or year), confirmed by the receiving organization; voided or corrected with a reason,
kept (docs/DUES.md, "上缴")

Revision ID: dues_0005_remittances
"""
import sqlalchemy as sa
from alembic import op

revision = "dues_0005_remittances"
down_revision = "dues_0004_merge"
S = "dues"


def upgrade():
    op.create_table(
        "remittances",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("to_org_id", sa.BigInteger, nullable=False),
        sa.Column("from_month", sa.Date, nullable=False),
        sa.Column("to_month", sa.Date, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("remitted_on", sa.Date, nullable=False),
        sa.Column("receipt_no", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("state", sa.Text, nullable=False, server_default="recorded"),
        sa.Column("opinion", sa.Text),
        sa.Column("confirmer_org_id", sa.BigInteger),
        sa.Column("confirmed_by", sa.Text),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("replaces_id", sa.BigInteger),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text),
        sa.Column("voided_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="dues_remittances_positive"),
        sa.CheckConstraint("to_month >= from_month", name="dues_remittances_period"),
        schema=S,
    )
    op.create_index("dues_remittances_one_active", "remittances", ["org_id", "from_month", "to_month"], unique=True,
                    schema=S, postgresql_where=sa.text("voided_at IS NULL"))
    op.create_index("dues_remittances_org", "remittances", ["org_id", "from_month"], schema=S)
    op.create_index("dues_remittances_to", "remittances", ["to_org_id", "from_month"], schema=S)


def downgrade():
    op.drop_table("remittances", schema=S)
