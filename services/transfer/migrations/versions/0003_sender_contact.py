"""transfer: the sending 基层党委's telephone and fax, printed on the letter

Revision ID: transfer_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0003"
down_revision = "transfer_0002"


def upgrade():
    op.add_column("transfers", sa.Column("sender_phone", sa.Text), schema="transfer")
    op.add_column("transfers", sa.Column("sender_fax", sa.Text), schema="transfer")


def downgrade():
    op.drop_column("transfers", "sender_fax", schema="transfer")
    op.drop_column("transfers", "sender_phone", schema="transfer")
