"""Tables of the member service, schema "member"."""
from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.shared.outbox import inbox_table, outbox_table

metadata = MetaData(schema="member")

members = Table(
    "members", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    # Copy of the organization's path (owned by the org service) for scope checks and subtree lists.
    Column("org_path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_initials", Text, nullable=False, server_default=""),  # pinyin initials, for quick search
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
# Quick search: prefixes of the name, the pinyin initials and the ID number.
Index("members_name_prefix", members.c.name, postgresql_ops={"name": "text_pattern_ops"})
Index("members_initials_prefix", members.c.name_initials, postgresql_ops={"name_initials": "text_pattern_ops"})
Index("members_id_number_prefix", members.c.id_number, postgresql_ops={"id_number": "text_pattern_ops"})

# An import's preview: its checked rows' errors, and its valid rows until they are committed.
imports = Table(
    "imports", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("account", Text, nullable=False),
    Column("scope_path", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="previewed"),  # previewed / committed
    Column("total_rows", Integer, nullable=False),
    Column("valid_rows", Integer, nullable=False),
    Column("written", Integer),
    Column("errors", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("committed_at", DateTime(timezone=True)),
)

import_rows = Table(
    "import_rows", metadata,
    Column("import_id", UUID(as_uuid=True), ForeignKey("member.imports.id", ondelete="CASCADE"), primary_key=True),
    Column("row_no", Integer, primary_key=True),
    Column("data", JSONB, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
