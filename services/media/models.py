"""Tables of the media service, schema "media"."""
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.org_directory import org_directory_table
from services.shared.sheet_imports import import_tables

metadata = MetaData(schema="media")

# An upload session: the presigned request issued, waiting for the browser and `complete`.
# States (domain/owners.py): pending → verifying (one `complete` holds `claim`) → verified /
# rejected; pending → expired (the sweeper). member_id is set for member photos only.
uploads = Table(
    "uploads", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("owner_kind", Text, nullable=False, server_default="member_photo"),
    Column("owner_id", Text, nullable=False),
    Column("member_id", BigInteger),
    Column("org_path", Text, nullable=False),
    Column("object_key", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("reason", Text),
    Column("claim", UUID(as_uuid=True)),
    Column("verifying_since", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("completed_at", DateTime(timezone=True)),
    # Files in parts (migration media_0004_attachments): the name and type the browser declared,
    # the declared size, the S3 multipart upload's id and its number of parts (null: one PUT).
    Column("filename", Text),
    Column("content_type", Text),
    Column("declared_size", BigInteger),
    Column("multipart_id", Text),
    Column("parts", Integer),
)
Index("uploads_open", uploads.c.expires_at, postgresql_where=text("status IN ('pending', 'verifying')"))

# Keys written (or about to be) whose keeping is not yet committed. Recorded, and committed,
# before the object is written; the commit that keeps an object deletes its row. A row past
# `due_at` therefore names an object whose commit failed or whose upload was abandoned: the
# sweeper deletes the object (unless a photo refers to it) and the row.
pending_objects = Table(
    "pending_objects", metadata,
    Column("key", Text, primary_key=True),
    Column("upload_id", UUID(as_uuid=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("pending_objects_due", pending_objects.c.due_at)

photos = Table(
    "photos", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("member_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("thumb_key", Text, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("current", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("photos_member_current", photos.c.member_id, unique=True, postgresql_where=text("current"))

# 组织生活 attachments (attachments.py): a verified file of a meeting. `key` is the re-encoded photo or
# the uploaded object itself (videos, documents); `thumb_key` photos only. One per upload.
attachments = Table(
    "attachments", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("upload_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("meeting_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("category", Text, nullable=False),  # image / video / document
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("key", Text, nullable=False),
    Column("thumb_key", Text),
    Column("width", Integer),
    Column("height", Integer),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("attachments_meeting", attachments.c.meeting_id, attachments.c.created_at)

# The meetings attachments belong to, projected from the org service's meeting events (meeting_events.py):
# the organization a meeting is of, so its attachments' scope is that organization's path.
meetings = Table(
    "meetings", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("org_id", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
)

# 数据迁移: the 组织生活附件清单's previews and their valid rows (migration media_0005_meeting_file_imports;
# meeting_file_imports.py).
meeting_file_imports, meeting_file_import_rows = import_tables(metadata, prefix="meeting_file_")

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)
