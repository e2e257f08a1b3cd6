"""dues: the receiver's answer to a 大额党费 上缴 — 确认收到 or 退回 (with the reason) by the receiving
organization; a forwarding to the Centre (no receiver in PMIS) stays 报党中央 (docs/DUES.md, "大额党费 上缴")

Revision ID: dues_0007_large_receipt
"""
import sqlalchemy as sa
from alembic import op

revision = "dues_0007_large_receipt"
down_revision = "dues_0006_large_remittances"
S = "dues"


def upgrade():
    # recorded 待确认 | confirmed 已确认 | returned 已退回 (a 退回 also voids: its payments are held again)
    op.add_column("large_remittances", sa.Column("state", sa.Text, nullable=False, server_default="recorded"),
                  schema=S)
    op.add_column("large_remittances", sa.Column("opinion", sa.Text), schema=S)
    op.add_column("large_remittances", sa.Column("confirmer_org_id", sa.BigInteger), schema=S)
    op.add_column("large_remittances", sa.Column("confirmed_by", sa.Text), schema=S)
    op.add_column("large_remittances", sa.Column("confirmed_at", sa.DateTime(timezone=True)), schema=S)
    # the receiver's records waiting for its answer (工作督查)
    op.create_index("dues_large_remittances_to", "large_remittances", ["to_org_id", "remitted_on"], schema=S,
                    postgresql_where=sa.text("state = 'recorded' AND voided_at IS NULL"))


def downgrade():
    op.drop_index("dues_large_remittances_to", table_name="large_remittances", schema=S)
    for name in ("confirmed_at", "confirmed_by", "confirmer_org_id", "opinion", "state"):
        op.drop_column("large_remittances", name, schema=S)
