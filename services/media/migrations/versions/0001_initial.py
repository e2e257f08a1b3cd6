"""media: uploads, photos, outbox, inbox

Revision ID: media_0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from services.shared.migrations import create_outbox_and_inbox

revision = "media_0001"
down_revision = None
S = "media"


def upgrade():
    op.create_table(
        "uploads",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_table(
        "photos",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("thumb_key", sa.Text, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("photos_member_current", "photos", ["member_id"], unique=True, schema=S,
                    postgresql_where=sa.text("current"))
    create_outbox_and_inbox(S)


def downgrade():
    op.execute("DROP SCHEMA media CASCADE")
