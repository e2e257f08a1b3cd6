"""dues: the 党费交纳记录表 import (数据迁移: months paid before PMIS)
— its previews (payment_imports, payment_import_rows)

Revision ID: dues_0008_payment_imports
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "dues_0008_payment_imports"
down_revision = "dues_0007_large_receipt"
S = "dues"


def upgrade():
    op.create_table(
        "payment_imports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("scope_path", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="previewed"),
        sa.Column("total_rows", sa.Integer, nullable=False),
        sa.Column("valid_rows", sa.Integer, nullable=False),
        sa.Column("written", sa.Integer),
        sa.Column("errors", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("committed_at", sa.DateTime(timezone=True)),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        schema=S,
    )
    op.create_table(
        "payment_import_rows",
        sa.Column("import_id", UUID(as_uuid=True), sa.ForeignKey("dues.payment_imports.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True),
        sa.Column("data", JSONB, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("payment_import_rows", schema=S)
    op.drop_table("payment_imports", schema=S)
