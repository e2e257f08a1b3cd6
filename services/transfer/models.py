"""Tables of the transfer service, schema "transfer" (docs/TRANSFERS.md)."""
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.org_directory import org_directory_table

metadata = MetaData(schema="transfer")

# One transfer of one member. `member` is the letter's snapshot of the member taken at 发起 (name,
# sex, birth date, ethnicity, category, ID number: a letter is a document of its day); organizations
# are ids, their names and paths read from the org directory. `history`: [{at, action, actor,
# actor_name, org_id, note}], oldest first.
transfers = Table(
    "transfers", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("member_name", Text, nullable=False),
    Column("member", JSONB, nullable=False),
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("from_org_id", BigInteger, nullable=False),
    Column("to_org_id", BigInteger),
    Column("to_outside", JSONB),
    Column("reason", Text, nullable=False),
    Column("dues_paid_to", Text),
    Column("valid_days", Integer),
    Column("applied_on", Date, nullable=False),
    Column("valid_until", Date),
    Column("phone", Text),
    Column("address", Text),
    Column("postcode", Text),
    Column("sender_phone", Text),  # the sending 基层党委's telephone and fax, on the letter
    Column("sender_fax", Text),
    Column("letter_no", Text, unique=True),
    Column("receipt", JSONB),
    Column("history", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# At most one unfinished transfer per member, whatever races (the 409 of a second 发起).
Index("transfers_one_open", transfers.c.member_id, unique=True,
      postgresql_where=text("state IN ('approving', 'to_receive', 'receiving', 'returned', 'expired')"))
Index("transfers_from", transfers.c.from_org_id, transfers.c.id)
Index("transfers_to", transfers.c.to_org_id, transfers.c.id)
Index("transfers_due", transfers.c.valid_until, postgresql_where=text("state IN ('approving', 'to_receive')"))
# The work lists' unfinished transfers without their wide rows (migration 0004_worklist_indexes).
Index("transfers_unfinished", transfers.c.id, postgresql_include=["state"],
      postgresql_where=text("state IN ('approving', 'to_receive', 'receiving')"))

# The route, one row per step (work lists find a subtree's steps through the org directory).
steps = Table(
    "steps", metadata,
    Column("transfer_id", BigInteger, ForeignKey("transfer.transfers.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("org_id", BigInteger, nullable=False),
    Column("action", Text, nullable=False),
    Column("side", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("handler", Text),
    Column("handler_name", Text),
    Column("opinion", Text),
    Column("acted_at", DateTime(timezone=True)),
    Column("since", DateTime(timezone=True)),  # when it became current (overdue steps)
)
Index("steps_org_state", steps.c.org_id, steps.c.state, postgresql_include=["transfer_id", "since"])

# Approval rights are data: a row overrides the default (every 党委/党工委/地方委员会 has them).
approval_rights = Table(
    "approval_rights", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("can_approve", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The last letter serial of each year.
letter_serials = Table(
    "letter_serials", metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)
