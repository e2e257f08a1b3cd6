"""Tables of the org service, schema "org"."""
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
                        LargeBinary,
                        MetaData,
                        Sequence,
                        Table,
                        Text,
                        func,
                        text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table
from services.shared.sheet_imports import import_tables

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
    # 组织情况 items of the card (domain/org_card.py); codes of services/shared/codes.py.
    Column("short_name", Text),
    Column("affiliation", Text),
    Column("established_on", Date),
    Column("contact_person", Text),
    Column("contact_phone", Text),
    Column("address", Text),
    Column("postcode", Text),
    # active, or revoked (撤销: kept in the history organizations with its date and reason).
    Column("status", Text, nullable=False, server_default="active"),
    Column("revoked_on", Date),
    Column("revoke_reason", Text),
)
Index("orgs_path_prefix", orgs.c.path, postgresql_ops={"path": "text_pattern_ops"})
Index("orgs_parent", orgs.c.parent_id, orgs.c.sort_order)

# Roles: module rights (services/shared/rights.py); 系统管理员, 业务管理员 and 只读 are built in.
roles = Table(
    "roles", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("rights", JSONB, nullable=False),  # {module: "read" | "write" | "approve"}
    Column("builtin", Boolean, nullable=False, server_default="false"),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

accounts = Table(
    "accounts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("username", Text, nullable=False),  # unique by lower(username), below
    Column("password_hash", Text, nullable=False),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), nullable=False),
    Column("must_change_password", Boolean, nullable=False, server_default="true"),
    Column("password_changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Consecutive failed logins; at LOCK_AFTER_FAILURES the account is locked until locked_until.
    Column("failed_count", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("disabled_at", DateTime(timezone=True)),  # 已停用: no login, no session
    Column("role_id", BigInteger, ForeignKey("org.roles.id"), nullable=False),
    Column("name", Text),  # 姓名 (display)
    Column("phone", Text),  # 联系电话
    Column("last_login_at", DateTime(timezone=True)),
)
Index("accounts_username_lower", func.lower(accounts.c.username), unique=True)
Index("accounts_role", accounts.c.role_id)

# Server-side sessions: a token is valid only while its row is live (logout, a password change
# or disabling the account end it at once). Only the token's SHA-256 is stored.
login_sessions = Table(
    "sessions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("account_id", BigInteger, ForeignKey("org.accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("user_agent", Text),
    Column("ip", Text),
)
Index("sessions_live_by_account", login_sessions.c.account_id, postgresql_where=login_sessions.c.ended_at.is_(None))

# 单位信息: the units (work units, villages, communities…) an organization is set up in.
units = Table(
    "units", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("party_setup", Text, nullable=False),
    Column("industry", Text),
    Column("credit_code", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# 组织奖惩: rewards and punishments of the organization.
sanctions = Table(
    "sanctions", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("approver", Text, nullable=False),
    Column("level", Text),  # 批准机关级别 (body_level); a 奖励's counts in 表12 表彰 by it (none: 未填写)
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Every change of an organization, who made it and when. No foreign key: the record of a
# deleted organization outlives it.
history = Table(
    "history", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("action", Text, nullable=False),
    Column("changes", JSONB, nullable=False, server_default="[]"),  # [{field, label, old, new}]
    Column("note", Text),
    Column("version", Integer),  # the organization's version after the change
    Column("batch_id", UUID(as_uuid=True)),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("history_org", history.c.org_id, history.c.id)

# 批量修改: what a saved batch changed, so it can be undone while nobody changed those cards since.
batches = Table(
    "batches", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("account", Text, nullable=False),
    Column("scope_path", Text, nullable=False),
    Column("org_id", BigInteger, nullable=False),  # the subtree searched
    Column("field", Text, nullable=False),
    Column("items", JSONB, nullable=False),  # [{id, name, old, new, version}] version = after the batch
    Column("status", Text, nullable=False, server_default="saved"),  # saved / undone
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("undone_at", DateTime(timezone=True)),
)

# 党组织采集表 imports: the preview's errors, and its valid rows until they are committed.
imports, import_rows = import_tables(metadata)
# The 换届采集表's previews (数据迁移: terms before PMIS; migration org_0019_term_imports; term_imports.py).
term_imports, term_import_rows = import_tables(metadata, prefix="term_")
# The 组织生活采集表's (meetings before PMIS; migration org_0020_meeting_imports; meeting_imports.py).
meeting_imports, meeting_import_rows = import_tables(metadata, prefix="meeting_")
# The 组织奖惩采集表's (the organizations' 奖惩 before PMIS; migration org_0023_sanction_imports; sanction_imports.py).
sanction_imports, sanction_import_rows = import_tables(metadata, prefix="sanction_")

# Transfers in flight (组织关系转接), a projection of the transfer service's events (transit.py):
# an organization that members are leaving or coming to cannot be revoked or deleted.
transfers_in_transit = Table(
    "transfers_in_transit", metadata,
    Column("transfer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger),
    Column("from_org_id", BigInteger),
    Column("to_org_id", BigInteger),
    Column("org_id", BigInteger),  # 整建制转移: the organization moved with its subtree (else null)
    Column("in_flight", Boolean, nullable=False),
    Column("version", Integer, nullable=False),  # the transfer's aggregate_version: the newest event wins
)
Index("transfers_in_transit_from", transfers_in_transit.c.from_org_id, postgresql_where=text("in_flight"))
Index("transfers_in_transit_to", transfers_in_transit.c.to_org_id, postgresql_where=text("in_flight"))
Index("transfers_in_transit_org", transfers_in_transit.c.org_id,
      postgresql_where=text("in_flight AND org_id IS NOT NULL"))

# 组织生活 (meetings.py, domain/meetings.py; migration org_0008_meetings): one record per meeting of an
# organization, by kind and local date-time as the minutes say (one per organization, kind and
# minute: the same meeting keyed twice is refused). `status` draft → locked once host and recorder
# have signed; a locked record changes only with a reason (meeting_history).
meetings = Table(
    "meetings", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("held_at", DateTime(timezone=False), nullable=False),
    Column("year", Integer, nullable=False),
    Column("place", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("recorder", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("speaker", Text),
    Column("lecture_title", Text),
    Column("content", Text),
    Column("decisions", Text),
    Column("nonvoting", JSONB, nullable=False, server_default="[]"),  # 列席: names
    Column("status", Text, nullable=False, server_default="draft"),
    Column("host_signed_by", Text),
    Column("host_signed_at", DateTime(timezone=True)),
    Column("recorder_signed_by", Text),
    Column("recorder_signed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by", Text, nullable=False),
    Column("created_by_name", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # 作废: kept with its reason and history, no longer counted; its minute may be recorded again.
    Column("voided_at", DateTime(timezone=True)),
    Column("void_reason", Text),
    Column("voided_by_name", Text),
    CheckConstraint("status IN ('draft', 'locked')", name="meetings_status"),
)
Index("meetings_one_per_time", meetings.c.org_id, meetings.c.kind, meetings.c.held_at, unique=True,
      postgresql_where=meetings.c.voided_at.is_(None))
Index("meetings_org_year", meetings.c.org_id, meetings.c.year, meetings.c.held_at.desc())

# Who was there: attendees (attended) and absentees with their reason, by member id, with the name
# the member service gave when the record was written (the minutes' names).
meeting_people = Table(
    "meeting_people", metadata,
    Column("meeting_id", BigInteger, ForeignKey("org.meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("attended", Boolean, nullable=False),
    Column("name", Text, nullable=False),
    Column("reason", Text),
)
Index("meeting_people_member", meeting_people.c.member_id)

# Every change of a record: recorded, changed (with the reason once locked), signed.
meeting_history = Table(
    "meeting_history", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("meeting_id", BigInteger, ForeignKey("org.meetings.id", ondelete="CASCADE"), nullable=False),
    Column("action", Text, nullable=False),
    Column("changes", JSONB, nullable=False, server_default="[]"),
    Column("reason", Text),
    Column("version", Integer, nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("meeting_history_meeting", meeting_history.c.meeting_id, meeting_history.c.id)

# Meetings held per organization, year and kind, kept in the transaction of each record and change;
# a subtree's summary sums them over the organizations under its path.
meeting_counts = Table(
    "meeting_counts", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("kind", Text, primary_key=True),
    Column("held", Integer, nullable=False),
    # members present and members on the records (attendees + absentees; migration org_0014_attendance_counts)
    Column("attended", Integer, nullable=False, server_default="0"),
    Column("listed", Integer, nullable=False, server_default="0"),
)
Index("meeting_counts_year", meeting_counts.c.year, meeting_counts.c.org_id)

# Meetings held per organization, year, period of the kind's frequency ("M03", "Q1", "Y") and
# kind, for the organizations the frequency rules apply to; orglife_done rolls up, to every
# organization on the path, the branches that held the kind in the period (services/org/orglife_counts).
meeting_period_counts = Table(
    "meeting_period_counts", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("period", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("held", Integer, nullable=False),
)
orglife_done = Table(
    "orglife_done", metadata,
    Column("org_id", BigInteger, primary_key=True, autoincrement=False),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("period", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("branches", Integer, nullable=False),
)

# An organization's yearly plan of 组织生活 (计划): items [{kind, month, planned_on, topic}], versioned.
meeting_plans = Table(
    "meeting_plans", metadata,
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), primary_key=True, autoincrement=False),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("items", JSONB, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_by_name", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# 民主评议党员 (evaluations.py, domain/evaluations.py; migration org_0013_evaluations): a branch's record of
# a year — its dates and a note; the counts come from the members' grades (member service).
evaluation_records = Table(
    "evaluation_records", metadata,
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), primary_key=True, autoincrement=False),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("note", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_by_name", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# 换届选举 (terms.py, domain/terms.py; migration org_0010_terms): an organization's 届次, one open
# (closed_on null) at a time. `method` 党员大会选举 / 代表大会选举 / 上级指派; `expires_on` null for an
# appointed leadership without 换届 (临时党支部…); `postponed_to` a 延期换届 the higher level approved;
# `election` the figures {entitled, present, seats, candidates: [{member_id, name, votes, post, elected}]}.
terms = Table(
    "terms", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("method", Text, nullable=False),
    Column("elected_on", Date, nullable=False),
    Column("term_years", Integer),
    Column("expires_on", Date),
    Column("postponed_to", Date),
    Column("approved_on", Date),
    Column("approval_no", Text),
    Column("election", JSONB),
    Column("warnings", JSONB, nullable=False, server_default="[]"),
    Column("closed_on", Date),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_by_name", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("terms_org_number", terms.c.org_id, terms.c.number, unique=True)
Index("terms_one_open", terms.c.org_id, unique=True, postgresql_where=terms.c.closed_on.is_(None))
Index("terms_open_due", func.coalesce(terms.c.postponed_to, terms.c.expires_on),
      postgresql_where=terms.c.closed_on.is_(None) & terms.c.expires_on.isnot(None))

# 班子成员: a member (by id, with the name the member service gave) in a post of a term, how they
# came (选举/补选/指派), 任职 and 离任. One open row per member and term; one open 书记 per term.
committee_members = Table(
    "committee_members", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("term_id", BigInteger, ForeignKey("org.terms.id"), nullable=False),
    Column("org_id", BigInteger, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("member_name", Text, nullable=False),
    Column("post", Text, nullable=False),
    Column("how", Text, nullable=False),
    Column("since", Date, nullable=False),
    Column("left_on", Date),
    Column("leave_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("committee_members_term", committee_members.c.term_id, committee_members.c.id)
Index("committee_members_open_member", committee_members.c.term_id, committee_members.c.member_id, unique=True,
      postgresql_where=committee_members.c.left_on.is_(None))
Index("committee_members_one_secretary", committee_members.c.term_id, unique=True,
      postgresql_where=committee_members.c.left_on.is_(None) & (committee_members.c.post == "01"))
Index("committee_members_member", committee_members.c.member_id, postgresql_where=committee_members.c.left_on.is_(None))

# An election that failed the rules, recorded for the record (换届 with record_failed, migration
# org_0013_failed_elections): the day, the method, the figures (as a term's `election`, no one
# elected) and every reason it failed. No term is opened or closed; no event (nothing to count).
failed_elections = Table(
    "failed_elections", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, ForeignKey("org.orgs.id"), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("method", Text, nullable=False),
    Column("election", JSONB, nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("created_by_name", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("failed_elections_org", failed_elections.c.org_id, failed_elections.c.held_on)

# 更正届次 (terms.correct_term, migration org_0014_term_corrections): each correction of a term's
# facts with its reason — [{field, label, old, new}] — who made it and when, oldest first.
term_corrections = Table(
    "term_corrections", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("term_id", BigInteger, ForeignKey("org.terms.id"), nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("reason", Text, nullable=False),
    Column("version", Integer, nullable=False),  # the term's version after it
    Column("actor_name", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("term_corrections_term", term_corrections.c.term_id, term_corrections.c.id)

# The newest member_updated / member_transferred version applied per member (terms.on_member_event):
# an older event, however late, changes nothing.
member_versions = Table(
    "member_versions", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)

# 流入 members (the transfer service's inflows), projected from inflow_opened / inflow_ended
# (inflows.py; newest aggregate version wins): who may attend an organization's meetings besides
# its rolls, and from when until when. `member_id` null: a member from outside this deployment,
# known by name and 活动证 number.
inflows = Table(
    "inflows", metadata,
    Column("inflow_id", BigInteger, primary_key=True, autoincrement=False),
    Column("org_id", BigInteger, nullable=False),
    Column("member_id", BigInteger),
    Column("outflow_id", BigInteger),
    Column("home_org_id", BigInteger),  # the outflow's home organization (null: from outside)
    Column("member_name", Text, nullable=False, server_default=""),
    Column("certificate_no", Text),
    Column("state", Text, nullable=False),  # in 流入中 | ended 已离开
    Column("from_date", Date, nullable=False),
    Column("ended_on", Date),
    Column("version", Integer, nullable=False),
)
Index("inflows_org", inflows.c.org_id, inflows.c.from_date)

# 流入 members who attended a meeting, kept apart from meeting_people: they are not on the
# organization's rolls and count in none of its members' attendance rates.
meeting_inflow_people = Table(
    "meeting_inflow_people", metadata,
    Column("meeting_id", BigInteger, ForeignKey("org.meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("inflow_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger),
    Column("name", Text, nullable=False),
    Column("certificate_no", Text),
)
Index("meeting_inflow_people_inflow", meeting_inflow_people.c.inflow_id)

# 操作日志: one row per audit_recorded event of any service (services/shared/audit.py, docs/AUDIT.md).
# Append-only: no code path updates or deletes it, and a trigger (migration org_0016) refuses
# UPDATE, DELETE and TRUNCATE for everyone who reaches it through SQL.
audit_entries = Table(
    "audit_entries", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),  # a redelivery stores nothing
    Column("source", Text, nullable=False),  # the service that made the change
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account_id", Text, nullable=False, server_default=""),
    Column("username", Text, nullable=False, server_default=""),
    Column("ip", Text, nullable=False, server_default=""),
    Column("request_id", Text, nullable=False, server_default=""),
    Column("org_path", Text, nullable=False),  # the subtree the entity belonged to when it changed
    Column("entity", Text, nullable=False),
    Column("entity_id", Text),
    Column("action", Text, nullable=False),
    Column("changes", JSONB, nullable=False, server_default="[]"),  # [{field, before, after}] as read
)
Index("audit_entries_entity", audit_entries.c.entity, audit_entries.c.entity_id, audit_entries.c.at.desc(),
      audit_entries.c.id.desc())
Index("audit_entries_account", audit_entries.c.username, audit_entries.c.at.desc(), audit_entries.c.id.desc())
# A period, and a subtree's period: the path is an index condition within the period's range (org_0021).
Index("audit_entries_at_path", audit_entries.c.at.desc(), audit_entries.c.id.desc(), audit_entries.c.org_path,
      postgresql_ops={"org_path": "text_pattern_ops"})

# 系统设置 (services/org/settings.py, docs/SETTINGS.md): the values set at an organization (its
# subtree inherits them unless a lower organization sets its own), and every change to them.
setting_values = Table(
    "settings", metadata,
    Column("org_id", BigInteger, primary_key=True),  # no foreign key: 删除 of an organization drops its
    Column("key", Text, primary_key=True),  # values (cards.delete_org), keeps their history
    Column("value", JSONB, nullable=False),
    Column("updated_by", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

setting_changes = Table(
    "setting_changes", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("org_id", BigInteger, nullable=False),
    Column("key", Text, nullable=False),
    Column("old_value", JSONB),  # null: not set here (inherited or the default)
    Column("new_value", JSONB),  # null: unset here (恢复继承)
    Column("account_id", Text, nullable=False, server_default=""),
    Column("username", Text, nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("setting_changes_org", setting_changes.c.org_id, setting_changes.c.at.desc(), setting_changes.c.id.desc())

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
