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
from services.shared.sheet_imports import import_tables

metadata = MetaData(schema="transfer")

# One transfer of one member. `member` is the letter's snapshot of the member taken at 发起 (name,
# sex, birth date, ethnicity, category, ID number: a letter is a document of its day); organizations
# are ids, their names and paths read from the org directory. `history`: [{at, action, actor,
# actor_name, org_id, note}], oldest first.
transfers = Table(
    "transfers", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    # null: a 线下转入 until the member service created the member; 整建制转移 (whole_org) moves `org_id`
    Column("member_id", BigInteger),
    Column("member_name", Text, nullable=False),  # 整建制: the organization's name
    Column("org_id", BigInteger),  # 整建制: the organization moved with its subtree
    Column("member", JSONB, nullable=False),
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("from_org_id", BigInteger, nullable=False),
    Column("to_org_id", BigInteger),
    Column("to_outside", JSONB),
    Column("reason", Text, ForeignKey("transfer.reason_codes.code", name="transfers_reason_code"), nullable=False),
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
    # 线下转入: the paper letter it came with {letter_no, from_kind, from_text} (migration transfer_0004_inbound).
    Column("source", JSONB),
    Column("history", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# At most one unfinished transfer per member, whatever races (the 409 of a second 发起).
Index("transfers_one_open", transfers.c.member_id, unique=True,
      postgresql_where=text("state IN ('approving', 'to_receive', 'receiving', 'returned', 'expired')"))
# At most one unfinished 线下转入 per ID number.
Index("transfers_one_open_inbound", text("(member->>'id_number')"), unique=True,
      postgresql_where=text("kind = 'inbound' AND state IN ('approving', 'to_receive', 'receiving', 'returned', "
                            "'expired')"))
# At most one 整建制转移 of an organization in flight (its members count as in transit meanwhile).
Index("transfers_org_in_flight", transfers.c.org_id, unique=True,
      postgresql_where=text("state IN ('approving', 'to_receive', 'receiving')"))
Index("transfers_from", transfers.c.from_org_id, transfers.c.id)
Index("transfers_to", transfers.c.to_org_id, transfers.c.id)
Index("transfers_due", transfers.c.valid_until, postgresql_where=text("state IN ('approving', 'to_receive')"))
# The work lists' unfinished transfers without their wide rows (migration 0004_worklist_indexes).
Index("transfers_unfinished", transfers.c.id, postgresql_include=["state"],
      postgresql_where=text("state IN ('approving', 'to_receive', 'receiving')"))

# The route, one row per step. `path` (the step's organization's path, rewritten with the org
# directory on a move) and `transfer_state` (the transfer's state, written with it: store.save and
# store.save_steps) let the work lists of a large subtree read the live steps alone, from one
# partial index, without joining the directory or the transfers (migration 0007_live_steps).
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
    Column("path", Text),
    Column("transfer_state", Text),
)
Index("steps_org_state", steps.c.org_id, steps.c.state, postgresql_include=["transfer_id", "since"])
# queries.UNFINISHED (tests/unit/transfer/test_worklist_indexes.py keeps them equal).
Index("steps_live", steps.c.path, postgresql_ops={"path": "text_pattern_ops"},
      postgresql_include=["state", "transfer_id", "transfer_state", "since"],
      postgresql_where=text("transfer_state IN ('approving', 'to_receive', 'receiving')"))

# 整建制转移: the members of the organization's subtree when it was applied (the letter's attached
# list, 名单), in the roster's order.
moved_members = Table(
    "moved_members", metadata,
    Column("transfer_id", BigInteger, ForeignKey("transfer.transfers.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, nullable=False),
    Column("name", Text, nullable=False),
    Column("org_id", BigInteger, nullable=False),
)

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

# 转接原因 (an editable code table; docs/TRANSFERS.md "Reasons"): a used code is never deleted, only
# disabled (no longer offered) or renamed (histories read the current name).
reason_codes = Table(
    "reason_codes", metadata,
    Column("code", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_by", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("reason_codes_name", reason_codes.c.name, unique=True)
# The 转接原因 list's history (代码表, docs/CODES.md): added, renamed, retired, restored, deleted.
reason_code_changes = Table(
    "reason_code_changes", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("code", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("name_before", Text),
    Column("name_after", Text),
    Column("changed_by", Text),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("reason_code_changes_code", reason_code_changes.c.code, reason_code_changes.c.id)
Index("transfers_reason", transfers.c.reason)

# 联系人 and 联系电话 of each organization's card, projected from org events (the route shows each
# step's contact); newest event wins by the organization's version.
org_contacts = Table(
    "org_contacts", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("contact_person", Text),
    Column("contact_phone", Text),
    Column("version", Integer, nullable=False),
)

# The newest member_updated version that left the rolls or took a leave back (回退) applied per
# member (mobility_commands.on_member_updated): an older one arriving late changes nothing, and
# the row's lock orders a leave and its 回退 handled at once.
member_versions = Table(
    "member_versions", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)

# --- 流动党员 (docs/MOBILITY.md) ---------------------------------------------------------------
# One outflow of one member from the home organization (`home_org_id`, where the member's
# relationship stays). `member`: the member as registered (name, sex, birth date, ID number…) for
# the lists and the 活动证. `destination`: {code, text, abroad}; the receiving organization is an
# id of this deployment (`to_org_id`) or typed (`to_org_text`). `lost`: {since, reason, note} while
# or after 失联. `history`: [{at, action, actor, actor_name, org_id, note}], oldest first.
outflows = Table(
    "outflows", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("member_name", Text, nullable=False),
    Column("member", JSONB, nullable=False),
    Column("home_org_id", BigInteger, nullable=False),
    Column("home_path", Text),  # the home organization's path, rewritten with the directory on a move
    Column("state", Text, nullable=False),
    Column("from_date", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("destination", JSONB, nullable=False),
    Column("destination_kind", Text, nullable=False),
    Column("to_org_id", BigInteger),
    Column("to_path", Text),  # the receiving organization's path (this deployment's), likewise
    Column("to_org_text", Text),
    Column("expected_return", Date),
    Column("phone", Text),
    Column("certificate_no", Text),
    Column("lost", JSONB),
    Column("returned_on", Date),
    Column("return_report", Text),
    Column("closed_on", Date),
    Column("history", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# One open outflow per member, whatever races (the 409 of a second 流出登记).
Index("outflows_one_open", outflows.c.member_id, unique=True, postgresql_where=text("state IN ('out', 'lost')"))
Index("outflows_home", outflows.c.home_org_id, outflows.c.id)
Index("outflows_to", outflows.c.to_org_id, postgresql_where=text("to_org_id IS NOT NULL"))
# A subtree's lists and counts read the rows by path prefix (no join with the directory: at the
# province's root that join was most of a list's time).
Index("outflows_home_path", outflows.c.home_path, outflows.c.state, postgresql_ops={"home_path": "text_pattern_ops"})
Index("outflows_open_path", outflows.c.home_path, outflows.c.state, outflows.c.expected_return,
      postgresql_ops={"home_path": "text_pattern_ops"}, postgresql_where=text("state IN ('out', 'lost')"))
Index("outflows_to_path", outflows.c.to_path, postgresql_ops={"to_path": "text_pattern_ops"},
      postgresql_where=text("state = 'out' AND to_path IS NOT NULL"))

# A member taking part in organizational life at `org_id`: an outflow of this deployment
# confirmed there, or a member from outside keyed in (`external`: {name, id_number,
# home_org_text, certificate_no}).
inflows = Table(
    "inflows", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("org_path", Text),  # the inflow organization's path, rewritten with the directory on a move
    Column("outflow_id", BigInteger, ForeignKey("transfer.outflows.id")),
    Column("external", JSONB),
    Column("member_name", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("from_date", Date, nullable=False),
    Column("ended_on", Date),
    Column("history", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("inflows_one_per_outflow", inflows.c.outflow_id, unique=True, postgresql_where=text("state = 'in'"))
Index("inflows_org", inflows.c.org_id, inflows.c.id)
Index("inflows_path", inflows.c.org_path, inflows.c.state, postgresql_ops={"org_path": "text_pattern_ops"})
# A member from outside is in one organization's inflows once at a time (two clerks at once: one).
Index("inflows_one_external", inflows.c.org_id, text("(external ->> 'id_number')"), unique=True,
      postgresql_where=text("state = 'in' AND external IS NOT NULL"))

# 活动记录: what a 流入 member took part in at the inflow organization (its own log; meetings
# attendance is the org service's).
inflow_activities = Table(
    "inflow_activities", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("inflow_id", BigInteger, ForeignKey("transfer.inflows.id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("what", Text, nullable=False),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("inflow_activities_inflow", inflow_activities.c.inflow_id, inflow_activities.c.on_date)

# 流动党员活动证: numbered per county-level organization (`county_org_id`); a reissued card voids
# the old number (`voided_on`), which is never given again.
certificates = Table(
    "certificates", metadata,
    Column("number", Text, primary_key=True),
    Column("outflow_id", BigInteger, ForeignKey("transfer.outflows.id"), nullable=False),
    Column("county_org_id", BigInteger, nullable=False),
    Column("issuer_org_id", BigInteger, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("voided_on", Date),
    Column("void_reason", Text),
)
Index("certificates_outflow", certificates.c.outflow_id)

# The yearly 查验 (年审) of a card (MANUALS.md §2.3): one per card and year.
certificate_checks = Table(
    "certificate_checks", metadata,
    Column("number", Text, ForeignKey("transfer.certificates.number"), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("checked_on", Date, nullable=False),
    Column("org_text", Text, nullable=False),
    Column("note", Text),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

certificate_serials = Table(
    "certificate_serials", metadata,
    Column("county_org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

# 数据迁移: the 流出党员采集表's previews and their valid rows (migration transfer_0011_outflow_imports;
# outflow_imports.py): services/shared/sheet_imports.py's pair, like every collection sheet's.
outflow_imports, outflow_import_rows = import_tables(metadata, prefix="outflow_")

# 数据迁移: the 流入党员采集表's previews and their valid rows (migration transfer_0013_inflow_imports;
# inflow_imports.py).
inflow_imports, inflow_import_rows = import_tables(metadata, prefix="inflow_")
