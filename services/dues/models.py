"""Tables of the dues service, schema "dues" (docs/DUES.md, "The wiring").

- `members`: the service's own projection of the member service's members, fed by
  member_created / member_updated (version-guarded: an older event changes nothing); the path
  follows the organization directory (org_moved rewrites it).
- `branch_settings`: a branch's 系统设置 (党费登记开始月份, quarterly payment).
- `bases`, `payments`, `large_payments`, `exemptions`: what clerks record; nothing is deleted
  (a base is superseded by a later one, a payment voided with its reason).
- `counted` and `totals`: the summary counters kept incrementally. `counted` holds, per member,
  the contributions last added (month → [due, paid, late, waived, large, unpaid]) and the
  arrears as of the month counted; `totals` the sums rolled up to every organization on the
  member's path, keyed (org_id, year, month; month 0 = the year's member counts), changed in the
  transaction of the change, so a summary reads a dozen rows and an arrears list an index range.
- `remittances`: 上缴, an organization's remittance of collected dues to its higher organization.
- `large_remittances`, `large_remittance_items`: 大额党费 上缴, an organization handing the 大额党费 it holds
  up in full (each payment once per forwarding organization).
- `base_imports`, `base_import_rows`: a 党费基数表's preview (its refused rows, the organization it
  is for) and its valid rows with the member matched and the monthly due computed, until the commit.
- `payment_imports`, `payment_import_rows`: the same for a 党费交纳记录表 (months paid before PMIS).
"""
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
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

metadata = MetaData(schema="dues")
MONEY = Numeric(12, 2)

members = Table(
    "members", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("org_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("category", Text),
    Column("joined_on", Date),
    Column("full_on", Date),
    Column("left_on", Date),
    Column("version", Integer, nullable=False),
)
Index("dues_members_org", members.c.org_id, members.c.member_id)
Index("dues_members_path", members.c.org_path, postgresql_ops={"org_path": "text_pattern_ops"})

branch_settings = Table(
    "branch_settings", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("registration_start", Date, nullable=False),  # the first day of the month
    Column("quarterly", Boolean, nullable=False, server_default="false"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_by", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

bases = Table(
    "bases", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("amount", MONEY),
    Column("from_month", Date, nullable=False),
    Column("monthly_due", MONEY, nullable=False),
    Column("bracket", Text, nullable=False),
    Column("rule_version", Text, nullable=False),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("dues_bases_member", bases.c.member_id, bases.c.id)

payments = Table(
    "payments", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("org_id", BigInteger, nullable=False),  # the branch that recorded it
    Column("month", Date, nullable=False),  # the month paid for (its first day)
    Column("amount", MONEY, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("method", Text, nullable=False),  # self 本人 | proxy 代交
    Column("collector", Text),  # 收缴人
    Column("kind", Text, nullable=False),  # monthly 按月 | late 补交 | early 预交
    Column("collected_by_org_id", BigInteger),  # the inflow organization that collected it (流入地交纳)
    Column("inflow_id", BigInteger),  # the inflow it was collected during
    Column("voided_at", DateTime(timezone=True)),
    Column("void_reason", Text),
    Column("voided_by", Text),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount > 0", name="dues_payments_positive"),
)
# One active payment per member and month: two clerks at once record one (the second is refused).
Index("dues_payments_one_active", payments.c.member_id, payments.c.month, unique=True,
      postgresql_where=text("voided_at IS NULL"))

Index("dues_payments_inflow", payments.c.inflow_id, postgresql_where=text("inflow_id IS NOT NULL"))

# The transfer service's inflows (流入), projected from inflow_opened / inflow_ended (newest version
# wins): who may pay at which organization and from when. `member_id` null: a member from outside
# this deployment, whose dues go to `inflow_payments` (docs/DUES.md, "流入党员").
inflows = Table(
    "inflows", metadata,
    Column("inflow_id", BigInteger, primary_key=True, autoincrement=False),
    Column("org_id", BigInteger, nullable=False),
    Column("member_id", BigInteger),
    Column("outflow_id", BigInteger),
    Column("member_name", Text, nullable=False, server_default=""),
    Column("certificate_no", Text),
    Column("state", Text, nullable=False),  # in 流入中 | ended 已离开
    Column("from_date", Date, nullable=False),
    Column("ended_on", Date),
    Column("version", Integer, nullable=False),
)
Index("dues_inflows_org", inflows.c.org_id, inflows.c.state)
Index("dues_inflows_member", inflows.c.member_id)

# The dues a member from outside this deployment paid at the inflow organization (no member record,
# no base: the amount is what the member paid against their 活动证), one active payment per month.
inflow_payments = Table(
    "inflow_payments", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("inflow_id", BigInteger, nullable=False),
    Column("org_id", BigInteger, nullable=False),
    Column("month", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("method", Text, nullable=False),
    Column("collector", Text),
    Column("certificate_no", Text),
    Column("voided_at", DateTime(timezone=True)),
    Column("void_reason", Text),
    Column("voided_by", Text),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount > 0", name="dues_inflow_payments_positive"),
)
Index("dues_inflow_payments_one_active", inflow_payments.c.inflow_id, inflow_payments.c.month, unique=True,
      postgresql_where=text("voided_at IS NULL"))

large_payments = Table(
    "large_payments", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("org_id", BigInteger, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("receipt_no", Text, nullable=False, unique=True),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("dues_large_member", large_payments.c.member_id)

exemptions = Table(
    "exemptions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("org_id", BigInteger, nullable=False),  # the applying branch
    Column("from_month", Date, nullable=False),
    Column("to_month", Date, nullable=False),
    Column("kind", Text, nullable=False),  # reduce 少交 | exempt 免交
    Column("amount", MONEY),
    Column("reason", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="applied"),  # applied | approved | refused
    Column("opinion", Text),
    Column("approver_org_id", BigInteger),
    Column("approver", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("applied_by", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("dues_exemptions_member", exemptions.c.member_id)
Index("dues_exemptions_open", exemptions.c.org_id, postgresql_where=text("state = 'applied'"))

# 上缴 (docs/DUES.md, "上缴"): what an organization remitted of the dues its subtree collected to its
# higher organization (`to_org_id`, the parent when recorded) for a month, quarter, half-year or year
# (from_month..to_month); `recorded` until the receiving organization confirms it (`confirmed`). A void
# keeps the row with its reason; a correction voids it and records the new one (`replaces_id`). One
# active remittance per organization and period (the index); overlapping periods are refused under a
# per-organization lock.
remittances = Table(
    "remittances", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("to_org_id", BigInteger, nullable=False),
    Column("from_month", Date, nullable=False),
    Column("to_month", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("remitted_on", Date, nullable=False),
    Column("receipt_no", Text),
    Column("note", Text),
    # recorded 待确认 | confirmed 已确认 | returned 已退回 (the receiver's 退回: voided too, the period free)
    Column("state", Text, nullable=False, server_default="recorded"),
    Column("opinion", Text),
    Column("confirmer_org_id", BigInteger),
    Column("confirmed_by", Text),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("replaces_id", BigInteger),
    Column("voided_at", DateTime(timezone=True)),
    Column("void_reason", Text),
    Column("voided_by", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount > 0", name="dues_remittances_positive"),
    CheckConstraint("to_month >= from_month", name="dues_remittances_period"),
)
Index("dues_remittances_one_active", remittances.c.org_id, remittances.c.from_month, remittances.c.to_month,
      unique=True, postgresql_where=text("voided_at IS NULL"))
Index("dues_remittances_org", remittances.c.org_id, remittances.c.from_month)
Index("dues_remittances_to", remittances.c.to_org_id, remittances.c.from_month)

# 大额党费 上缴 (dues_0006): one record per forwarding by an organization, its payments in the items; a
# payment is forwarded once by each level (the partial unique index), voided records free their items.
large_remittances = Table(
    "large_remittances", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("to_org_id", BigInteger),  # the parent when recorded; null: the root hands up to the Centre
    Column("remitted_on", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("voucher_no", Text, nullable=False),
    Column("note", Text),
    # recorded 待确认 | confirmed 已确认 | returned 已退回 (by the receiver; a 退回 is voided too) — dues_0007
    Column("state", Text, nullable=False, server_default="recorded"),
    Column("opinion", Text),  # the receiver's: 确认意见 or 退回原因
    Column("confirmer_org_id", BigInteger),  # the organization that answered (confirmed or returned)
    Column("confirmed_by", Text),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("voided_at", DateTime(timezone=True)),
    Column("void_reason", Text),
    Column("voided_by", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount > 0", name="dues_large_remittances_positive"),
)
Index("dues_large_remittances_org", large_remittances.c.org_id, large_remittances.c.remitted_on)
Index("dues_large_remittances_to", large_remittances.c.to_org_id, large_remittances.c.remitted_on,
      postgresql_where=text("state = 'recorded' AND voided_at IS NULL"))

large_remittance_items = Table(
    "large_remittance_items", metadata,
    Column("remittance_id", BigInteger, ForeignKey("dues.large_remittances.id"), primary_key=True),
    Column("payment_id", BigInteger, ForeignKey("dues.large_payments.id"), primary_key=True),
    Column("org_id", BigInteger, nullable=False),  # the forwarding organization (for the unique index)
    Column("voided", Boolean, nullable=False, server_default="false"),
)
Index("dues_large_remittance_items_once", large_remittance_items.c.org_id, large_remittance_items.c.payment_id,
      unique=True, postgresql_where=text("NOT voided"))
Index("dues_large_remittance_items_payment", large_remittance_items.c.payment_id)

counted = Table(
    "counted", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("org_path", Text, nullable=False),
    Column("contributions", JSONB, nullable=False),
    Column("as_of", Date, nullable=False),  # the month the arrears were judged at
    Column("streak", SmallInteger, nullable=False, server_default="0"),
    Column("streak_from", Date),
    Column("arrears_months", SmallInteger, nullable=False, server_default="0"),
    Column("arrears_amount", MONEY, nullable=False, server_default="0"),
    Column("paid_to", Date),
)
Index("dues_counted_streak", counted.c.org_path, counted.c.streak,
      postgresql_ops={"org_path": "text_pattern_ops"}, postgresql_where=text("streak > 0"))
Index("dues_counted_as_of", counted.c.as_of)

totals = Table(
    "totals", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("year", SmallInteger, primary_key=True, autoincrement=False),
    Column("month", SmallInteger, primary_key=True, autoincrement=False),  # 0: the year's member counts
    Column("due", MONEY, nullable=False, server_default="0"),
    Column("paid", MONEY, nullable=False, server_default="0"),
    Column("late", MONEY, nullable=False, server_default="0"),
    Column("waived", MONEY, nullable=False, server_default="0"),
    Column("large", MONEY, nullable=False, server_default="0"),
    Column("unpaid_members", Integer, nullable=False, server_default="0"),
    Column("exempt_members", Integer, nullable=False, server_default="0"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)
base_imports, base_import_rows = import_tables(metadata, "base_", Column("org_id", BigInteger, nullable=False))
# The 党费交纳记录表 (数据迁移: months paid before PMIS; migration dues_0008_payment_imports).
payment_imports, payment_import_rows = import_tables(metadata, "payment_",
                                                     Column("org_id", BigInteger, nullable=False))
