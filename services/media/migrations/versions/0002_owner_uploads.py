"""media: uploads for any owner (owner_kind, owner_id), the verifying claim, expiry, and the
objects that may be orphaned (written before their database commit)

Revision ID: media_0002_owner_uploads
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "media_0002_owner_uploads"
down_revision = "media_0001"
S = "media"


def upgrade():
    op.add_column("uploads", sa.Column("owner_kind", sa.Text, nullable=False, server_default="member_photo"),
                  schema=S)
    op.add_column("uploads", sa.Column("owner_id", sa.Text), schema=S)
    op.execute("UPDATE media.uploads SET owner_id = member_id::text")
    op.alter_column("uploads", "owner_id", nullable=False, schema=S)
    op.alter_column("uploads", "member_id", nullable=True, schema=S)
    op.add_column("uploads", sa.Column("expires_at", sa.DateTime(timezone=True)), schema=S)
    op.execute("UPDATE media.uploads SET expires_at = created_at + interval '15 minutes'")
    op.alter_column("uploads", "expires_at", nullable=False, schema=S)
    op.add_column("uploads", sa.Column("claim", UUID(as_uuid=True)), schema=S)
    op.add_column("uploads", sa.Column("verifying_since", sa.DateTime(timezone=True)), schema=S)
    op.create_index("uploads_open", "uploads", ["expires_at"], schema=S,
                    postgresql_where=sa.text("status IN ('pending', 'verifying')"))
    op.create_table(
        "pending_objects",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("upload_id", UUID(as_uuid=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("pending_objects_due", "pending_objects", ["due_at"], schema=S)
    # Sources of uploads that were never finished are swept like any other (once due).
    op.execute("INSERT INTO media.pending_objects (key, upload_id, due_at) "
               "SELECT object_key, id, expires_at + interval '10 minutes' FROM media.uploads")


def downgrade():
    op.drop_table("pending_objects", schema=S)
    op.drop_index("uploads_open", "uploads", schema=S)
    for column in ("verifying_since", "claim", "expires_at", "owner_id", "owner_kind"):
        op.drop_column("uploads", column, schema=S)
