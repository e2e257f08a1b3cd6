"""transfer: the participation log an inflow organization keeps for a 流入 member
(transfer.inflow_activities: 活动记录, a date and what)

Revision ID: transfer_0007_inflow_activities
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0007_inflow_activities"
down_revision = "transfer_0006_certificate_checks"
S = "transfer"


def upgrade():
    op.create_table(
        "inflow_activities",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("inflow_id", sa.BigInteger, sa.ForeignKey("transfer.inflows.id"), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("inflow_activities_inflow", "inflow_activities", ["inflow_id", "on_date"], schema=S)


def downgrade():
    op.drop_table("inflow_activities", schema=S)
