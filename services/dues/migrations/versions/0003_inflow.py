"""dues: 流入 members paying at the inflow organization — the projection of the transfer
service's inflows, where a payment was collected (payments.collected_by_org_id, inflow_id) and the
separate ledger of members from outside this deployment (inflow_payments)

Revision ID: dues_0003_inflow
"""
import sqlalchemy as sa
from alembic import op

revision = "dues_0003_inflow"
down_revision = "dues_0002"
S = "dues"
MONEY = sa.Numeric(12, 2)


def upgrade():
    op.create_table(
        "inflows",
        sa.Column("inflow_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.BigInteger),
        sa.Column("outflow_id", sa.BigInteger),
        sa.Column("member_name", sa.Text, nullable=False, server_default=""),
        sa.Column("certificate_no", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("dues_inflows_org", "inflows", ["org_id", "state"], schema=S)
    op.create_index("dues_inflows_member", "inflows", ["member_id"], schema=S)
    op.add_column("payments", sa.Column("collected_by_org_id", sa.BigInteger), schema=S)
    op.add_column("payments", sa.Column("inflow_id", sa.BigInteger), schema=S)
    op.create_index("dues_payments_inflow", "payments", ["inflow_id"], schema=S,
                    postgresql_where=sa.text("inflow_id IS NOT NULL"))
    op.create_table(
        "inflow_payments",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("inflow_id", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("collector", sa.Text),
        sa.Column("certificate_no", sa.Text),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text),
        sa.Column("voided_by", sa.Text),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="dues_inflow_payments_positive"),
        schema=S,
    )
    op.create_index("dues_inflow_payments_one_active", "inflow_payments", ["inflow_id", "month"], unique=True,
                    schema=S, postgresql_where=sa.text("voided_at IS NULL"))


def downgrade():
    op.drop_table("inflow_payments", schema=S)
    op.drop_index("dues_payments_inflow", table_name="payments", schema=S)
    op.drop_column("payments", "inflow_id", schema=S)
    op.drop_column("payments", "collected_by_org_id", schema=S)
    op.drop_table("inflows", schema=S)
