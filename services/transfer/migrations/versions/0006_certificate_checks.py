"""transfer: the yearly 查验 of a 流动党员活动证 (transfer.certificate_checks), one per card and year

Revision ID: transfer_0006_certificate_checks
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0006_certificate_checks"
down_revision = "transfer_0005_merge"
S = "transfer"


def upgrade():
    op.create_table(
        "certificate_checks",
        sa.Column("number", sa.Text, sa.ForeignKey("transfer.certificates.number"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("org_text", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )


def downgrade():
    op.drop_table("certificate_checks", schema=S)
