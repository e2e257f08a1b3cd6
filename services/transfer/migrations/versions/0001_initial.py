"""transfer: outbox, inbox

Revision ID: transfer_0001
"""
from alembic import op

from services.shared.migrations import create_outbox_and_inbox

revision = "transfer_0001"
down_revision = None


def upgrade():
    create_outbox_and_inbox("transfer")


def downgrade():
    op.execute("DROP SCHEMA transfer CASCADE")
