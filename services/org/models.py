"""Tables of the org service, schema "org"."""
from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        DateTime,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        Sequence,
                        Table,
                        Text,
                        func,
)

from services.shared.outbox import inbox_table, outbox_table

metadata = MetaData(schema="org")

org_id_seq = Sequence("orgs_id_seq", metadata=metadata)

orgs = Table(
    "orgs", metadata,
    Column("id", BigInteger, org_id_seq, primary_key=True),
    Column("parent_id", BigInteger, ForeignKey("org.orgs.id")),
    # Materialized path of ids, "/1/5/23/": a subtree is one prefix range on a btree index.
    Column("path", Text, nullable=False, unique=True),
    Column("code", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("orgs_path_prefix", orgs.c.path, postgresql_ops={"path": "text_pattern_ops"})
Index("orgs_parent", orgs.c.parent_id, orgs.c.sort_order)

accounts = Table(
    "accounts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), nullable=False),
    Column("must_change_password", Boolean, nullable=False, server_default="true"),
    Column("password_changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
