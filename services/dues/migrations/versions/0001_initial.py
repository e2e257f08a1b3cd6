"""dues: outbox, inbox

Revision ID: dues_0001
"""
from alembic import op

from services.shared.migrations import create_outbox_and_inbox

revision = "dues_0001"
down_revision = None


def upgrade():
    create_outbox_and_inbox("dues")


def downgrade():
    op.execute("DROP SCHEMA dues CASCADE")
