"""media: 组织生活 attachments — uploads in parts (declared name, type and size, the S3 multipart id),
the verified attachments of meetings, and the meetings' organizations projected from org events

Revision ID: media_0004_attachments
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "media_0004_attachments"
down_revision = "media_0003"
S = "media"


def upgrade():
    for name, kind in (("filename", sa.Text), ("content_type", sa.Text), ("declared_size", sa.BigInteger),
                       ("multipart_id", sa.Text), ("parts", sa.Integer)):
        op.add_column("uploads", sa.Column(name, kind), schema=S)
    op.create_table(
        "attachments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("upload_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("meeting_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("thumb_key", sa.Text),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("attachments_meeting", "attachments", ["meeting_id", "created_at"], schema=S)
    op.create_table(
        "meetings",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("meetings", schema=S)
    op.drop_table("attachments", schema=S)
    for name in ("parts", "multipart_id", "declared_size", "content_type", "filename"):
        op.drop_column("uploads", name, schema=S)
