"""Tables of the media service, schema "media"."""
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.org_directory import org_directory_table

metadata = MetaData(schema="media")

# An upload session: the presigned request issued, waiting for the browser and `complete`.
uploads = Table(
    "uploads", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("member_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("object_key", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),  # pending / verified / rejected
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("completed_at", DateTime(timezone=True)),
)

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
