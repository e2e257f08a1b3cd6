"""Tables of the media service, schema "media"."""
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.org_directory import org_directory_table

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

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)
