"""Tables of the member service, schema "member"."""
from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, MetaData, Table, Text, func

from services.shared.outbox import inbox_table, outbox_table

metadata = MetaData(schema="member")

members = Table(
    "members", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    # Copy of the organization's path (owned by the org service) for scope checks and subtree lists.
    Column("org_path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("id_number", Text, nullable=False, unique=True),  # unique in the province
    Column("sex", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("ethnicity", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("status", Text, nullable=False, server_default="active"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("members_org", members.c.org_id, members.c.name)
Index("members_org_path", members.c.org_path, postgresql_ops={"org_path": "text_pattern_ops"})

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
