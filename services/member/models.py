"""Tables of the member service, schema "member"."""
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.org_directory import org_directory_table
from services.shared.sheet_imports import import_tables

from .domain.info_sets import DATE, INFO_SETS, NUMBER, YEAR

metadata = MetaData(schema="member")

members = Table(
    "members", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    # Copy of the organization's path (owned by the org service) for scope checks and subtree lists.
    Column("org_path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_initials", Text, nullable=False, server_default=""),  # pinyin initials, for quick search
    # Pinyin sort key (domain/names.sort_key), compared byte by byte; NULL in rows written
    # before it (bench COPY), which sort last (migration member_0009_name_sort).
    Column("name_sort", Text(collation="C")),
    Column("id_number", Text, nullable=False, unique=True),  # unique in the province
    Column("sex", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("ethnicity", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("status", Text, nullable=False, server_default="active"),  # active (在册) / left (历史)
    # How and when a member in history left the active rolls (domain/status.py; LEAVE_KINDS codes).
    Column("leave_kind", Text),
    Column("left_on", Date),
    Column("leave_reason", Text),
    # The rest of the basic set (基本信息集); nullable: records older than the card lack them.
    # education and occupation are the counted facts: set here while the member has no
    # 学历学位 / 工作岗位 rows, derived from those rows once there are (domain/info_sets.py).
    Column("former_name", Text),
    Column("native_place", Text),
    Column("education", Text),
    Column("occupation", Text),
    Column("full_on", Date),  # 转正日期: full members only
    Column("branch_joined_on", Date),  # 进入支部日期
    # The day a member keyed in by 线下转入 came into this system (migration member_0012_inbound): the
    # report counts them from then on, by the 转入 (services/member/inbound.py); null for the others.
    Column("arrived_on", Date),
    Column("phone", Text),
    Column("address", Text),
    # 延长预备期 (migration member_0014_development; development.py): the months the probation was
    # extended by in total, and the approval date of the last extension (the 延长 the report counts).
    Column("probation_extended_months", Integer, nullable=False, server_default="0"),
    Column("probation_extended_on", Date),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("(status = 'active' AND leave_kind IS NULL AND left_on IS NULL AND leave_reason IS NULL)"
                    " OR (status = 'left' AND leave_kind IS NOT NULL AND left_on IS NOT NULL)",
                    name="members_status_facts"),
)
Index("members_org", members.c.org_id, members.c.name)
Index("members_org_sort", members.c.org_id, members.c.name_sort, members.c.id)
# Exports of a large subtree read it in pinyin order a keyset page at a time.
Index("members_name_sort", members.c.name_sort, members.c.id)
Index("members_org_path", members.c.org_path, postgresql_ops={"org_path": "text_pattern_ops"})
# Quick search: prefixes of the name, the pinyin initials and the ID number.
Index("members_name_prefix", members.c.name, postgresql_ops={"name": "text_pattern_ops"})
Index("members_initials_prefix", members.c.name_initials, postgresql_ops={"name_initials": "text_pattern_ops"})
Index("members_id_number_prefix", members.c.id_number, postgresql_ops={"id_number": "text_pattern_ops"})

# An import's preview: its checked rows' errors, and its valid rows until they are committed.
imports, import_rows = import_tables(metadata)
# The same for the 入党申请人采集表 (migration member_0012_applicants).
applicant_imports, applicant_import_rows = import_tables(metadata, prefix="applicant_")
# The same for the 发展纪实采集表 (steps taken on paper; migration member_0018_development_plans).
development_imports, development_import_rows = import_tables(metadata, prefix="development_")
# The same for the 党籍变动历史表 (数据迁移: 入党, 转正, 转入/转出, 减少 before PMIS; migration
# member_0019_history_imports).
history_imports, history_import_rows = import_tables(metadata, prefix="history_")
# The same for the 党员信息集采集表 (数据迁移: the card's info-set rows before PMIS; migration
# member_0021_info_imports).
info_imports, info_import_rows = import_tables(metadata, prefix="info_")

# 入党申请人 (migration member_0012_applicants; domain/applicants.py): the person's basic facts
# (sex and birth date derived from the ID number, as for members), 申请入党日期, the branch
# (org_id, with a copy of its path for scope checks and subtree lists, rewritten by org moves
# like the members'), the development stage — `applicant` when added; the pipeline (development.py,
# migration member_0014_development) moves it on to 积极分子, 发展对象 and, on 党委审批, 预备党员
# (`member_id`: the member created) and then 正式党员 or 取消 —, `due_on` (the earliest time limit
# of the steps due, for the reminders) and `deleted_at` (删除 keeps the row, so it can be found
# again: 找回).
applicants = Table(
    "applicants", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_initials", Text, nullable=False, server_default=""),
    Column("name_sort", Text(collation="C"), nullable=False),
    Column("id_number", Text, nullable=False, unique=True),  # one record per person, deleted ones included
    Column("sex", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("ethnicity", Text, nullable=False),
    Column("education", Text),
    Column("occupation", Text),
    Column("applied_on", Date, nullable=False),
    Column("stage", Text, nullable=False, server_default="applicant"),
    Column("member_id", BigInteger, ForeignKey("member.members.id")),
    Column("due_on", Date),
    # When the pipeline's steps put the person in a stage (domain/development: the dates of the steps
    # 确定为入党积极分子 and 列为发展对象, and the accepting 支部大会), for the counts by effective date.
    Column("activist_on", Date),
    Column("candidate_on", Date),
    Column("joined_on", Date),
    Column("deleted_at", DateTime(timezone=True)),
    Column("deleted_reason", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("stage IN ('applicant', 'activist', 'candidate', 'probationary', 'full', 'cancelled')",
                    name="applicants_stage"),
)
Index("applicants_org_path", applicants.c.org_path, applicants.c.name_sort, applicants.c.id,
      postgresql_ops={"org_path": "text_pattern_ops"})
Index("applicants_org", applicants.c.org_id)
Index("applicants_name_prefix", applicants.c.name, postgresql_ops={"name": "text_pattern_ops"})
Index("applicants_initials_prefix", applicants.c.name_initials,
      postgresql_ops={"name_initials": "text_pattern_ops"})
Index("applicants_id_number_prefix", applicants.c.id_number, postgresql_ops={"id_number": "text_pattern_ops"})
Index("applicants_due", applicants.c.org_path, applicants.c.due_on, postgresql_ops={"org_path": "text_pattern_ops"},
      postgresql_where=text("due_on IS NOT NULL AND deleted_at IS NULL"))
Index("applicants_member", applicants.c.member_id, postgresql_where=text("member_id IS NOT NULL"))

# 发展党员: every step recorded for an applicant (domain/development; development.py), oldest first:
# its English name, date and fields (actors, votes, introducers…), who keyed it and when, and the
# batch it came in. 回退 marks the last one undone (`undo_reason`, who, when); nothing is deleted.
development_steps = Table(
    "development_steps", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("applicant_id", BigInteger, ForeignKey("member.applicants.id"), nullable=False),
    Column("step", Text, nullable=False),
    Column("on", Date, nullable=False),
    Column("fields", JSONB, nullable=False, server_default="{}"),
    Column("batch_id", UUID(as_uuid=True)),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("undone_at", DateTime(timezone=True)),
    Column("undone_by", Text),
    Column("undo_reason", Text),
    Column("import_id", UUID(as_uuid=True)),  # imported from a 发展纪实采集表 (migration member_0018_development_plans)
)
Index("development_steps_applicant", development_steps.c.applicant_id, development_steps.c.id)

# An organization's annual development plan (发展计划; development_plans.py): the planned numbers of
# 发展党员, 确定入党积极分子 and 确定发展对象 for a year, and the applicants named in it (ids).
development_plans = Table(
    "development_plans", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("org_path", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("members", Integer, nullable=False),
    Column("activists", Integer, nullable=False),
    Column("candidates", Integer, nullable=False),
    Column("named", JSONB, nullable=False, server_default="[]"),
    Column("note", Text, nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_by", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("org_id", "year", name="development_plans_org_year"),
)
Index("development_plans_path", development_plans.c.org_path, development_plans.c.year,
      postgresql_ops={"org_path": "text_pattern_ops"})

# A probationary member's 转正, 延长预备期 or 取消预备党员资格 (POST /members/{id}/probation): the
# 支部大会 and approval dates, the months of an extension, the other fields (votes), who keyed it.
probation_decisions = Table(
    "probation_decisions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, ForeignKey("member.members.id"), nullable=False),
    Column("outcome", Text, nullable=False),
    Column("meeting_on", Date, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("months", Integer),
    Column("fields", JSONB, nullable=False, server_default="{}"),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("outcome IN ('confirm', 'extend', 'cancel')", name="probation_decisions_outcome"),
)
Index("probation_decisions_member", probation_decisions.c.member_id, probation_decisions.c.id)

# Every status change (leave, 找回) with who recorded it; 回退 marks the last one undone and puts
# back `prior`, the member's status fields before it.
status_changes = Table(
    "status_changes", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, ForeignKey("member.members.id"), nullable=False),
    Column("from_status", Text, nullable=False),
    Column("to_status", Text, nullable=False),
    Column("kind", Text),  # the leave kind left by, or (for 找回) restored from
    Column("changed_on", Date, nullable=False),
    Column("reason", Text),
    Column("prior", JSONB, nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("undone_at", DateTime(timezone=True)),
    Column("undone_by", Text),
)
Index("status_changes_member", status_changes.c.member_id, status_changes.c.id)

# What a person can read of every change of a member's card (migration member_0008_basic_history):
# basic information and info-set rows, each field before → after (codes; names when read), who
# and when — written in the same transaction as the change. Status changes have their own table.
history = Table(
    "history", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, ForeignKey("member.members.id"), nullable=False),
    Column("action", Text, nullable=False),  # updated / row_added / row_updated / row_removed
    Column("info_set", Text),  # the row's set, for row changes
    Column("changes", JSONB, nullable=False),  # [{field, label, old, new}]
    Column("version", Integer, nullable=False),  # the member's version after the change
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("history_member", history.c.member_id, history.c.id)


# The transfers (组织关系转接) this member service follows by the transfer service's events
# (migration member_0011_transfers; services/member/transfers.py): `state` in_transit (转出中),
# ended (撤销/退回/超期/办结) or moved (the member was moved by it: never again); `version` is
# the transfer's, so a late event of an older version changes nothing. A 整建制转移 has no member
# but the organization it moves (`org_id`, migration member_0015_whole_org_transit): every member
# under it is in transit while it is.
transfers = Table(
    "transfers", metadata,
    Column("transfer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger),
    Column("org_id", BigInteger),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("to_org_id", BigInteger),
    Column("effective_on", Date),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("transfers_in_transit", transfers.c.member_id, postgresql_where=text("state = 'in_transit'"))
Index("transfers_whole_org_in_transit", transfers.c.org_id,
      postgresql_where=text("state = 'in_transit' AND org_id IS NOT NULL"))


# Organizations whose rolls are closed while the org service revokes or deletes them (migration
# member_0014_org_holds; org_holds.py): the org service asks for the counts and, when they allow
# it, the hold refuses new members and applicants there until `until`, so one created in the
# same instant cannot slip in while the org_revoked event is on its way. `org_version` is the
# organization's version when held: a newer org event that shows it in use again ends the hold.
org_holds = Table(
    "org_holds", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("doing", Text, nullable=False),
    Column("org_version", Integer, nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
)

def _info_set_table(spec) -> Table:
    """One table per repeating info set, a column per field (migration member_0006_member_cards)."""
    kinds = {DATE: Date, YEAR: Integer, NUMBER: Integer}
    extra = [UniqueConstraint("member_id", "year", name="evaluations_one_per_year")] if spec.key == "evaluations" \
        else []
    table = Table(
        spec.key, metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("member_id", BigInteger, ForeignKey("member.members.id"), nullable=False),
        *[Column(f.key, kinds.get(f.kind, Text), nullable=not f.required) for f in spec.fields],
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        *extra,
    )
    Index(f"{spec.key}_member", table.c.member_id, table.c.id)
    return table


info_tables: dict[str, Table] = {key: _info_set_table(spec) for key, spec in INFO_SETS.items()}

# A batch add (批量添加) of one work post or 民主评议 grade to many members, kept so the whole
# batch can be undone: `items` = [{"member_id", "row_id", "version"}], the version each member
# had right after the batch (an undo is refused when a member changed since).
batches = Table(
    "batches", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("info_set", Text, nullable=False),
    Column("values", JSONB, nullable=False),
    Column("account", Text, nullable=False),
    Column("scope_path", Text, nullable=False),
    Column("items", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("undone_at", DateTime(timezone=True)),
    Column("undone_by", Text),
)

# 固定查询: an account's named 综合查询 (the checked query as plain JSON), names unique per account.
saved_queries = Table(
    "saved_queries", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("query", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("account", "name", name="saved_queries_account_name"),
)

# 批量修改: one field set to one value for the members a query selected; each item keeps the old
# and new value and the member's version after the change, so the batch can be undone while no
# member was changed since.
batch_changes = Table(
    "batch_changes", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("query", JSONB, nullable=False),
    Column("field", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("skipped", JSONB, nullable=False),  # [{member_id, name, reason}]
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("undone_at", DateTime(timezone=True)),
)
Index("batch_changes_account", batch_changes.c.account, batch_changes.c.id)

batch_change_items = Table(
    "batch_change_items", metadata,
    Column("batch_id", BigInteger, ForeignKey("member.batch_changes.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", BigInteger, ForeignKey("member.members.id"), primary_key=True),
    Column("before", Text),
    Column("after", Text),
    Column("version_after", Integer, nullable=False),
)

# 身份证号重复督查: the same person's numbers share member.id_key (the 17-digit body; a 15-digit
# number is read as its 18-digit form); created by migration member_0006_queries.
Index("members_id_key", func.member.id_key(members.c.id_number))
# 身份证号有误督查: the suspects of member.id_suspect, by subtree (migration member_0006_queries).
Index("members_id_suspect", members.c.org_path, postgresql_ops={"org_path": "text_pattern_ops"},
      postgresql_where=func.member.id_suspect(members.c.id_number, members.c.birth_date, members.c.sex))

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
org_directory = org_directory_table(metadata)  # projection of org's tree (org events)
