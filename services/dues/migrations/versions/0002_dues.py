"""dues: the member projection, the org directory, branch settings, bases, payments, large dues,
exemptions and the summary counters (counted, totals)

Revision ID: dues_0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from services.shared.org_directory import create_org_directory

revision = "dues_0002"
down_revision = "dues_0001"
S = "dues"
MONEY = sa.Numeric(12, 2)


def _money(name: str, nullable: bool = False, default: bool = False):
    return sa.Column(name, MONEY, nullable=nullable, **({"server_default": "0"} if default else {}))


def upgrade():
    create_org_directory(op, S)
    op.create_table(
        "members",
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("category", sa.Text),
        sa.Column("joined_on", sa.Date),
        sa.Column("full_on", sa.Date),
        sa.Column("left_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("dues_members_org", "members", ["org_id", "member_id"], schema=S)
    op.create_index("dues_members_path", "members", ["org_path"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"})
    op.create_table(
        "branch_settings",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("registration_start", sa.Date, nullable=False),
        sa.Column("quarterly", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "bases",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        _money("amount", nullable=True),
        sa.Column("from_month", sa.Date, nullable=False),
        _money("monthly_due"),
        sa.Column("bracket", sa.Text, nullable=False),
        sa.Column("rule_version", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("dues_bases_member", "bases", ["member_id", "id"], schema=S)
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        _money("amount"),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("collector", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text),
        sa.Column("voided_by", sa.Text),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="dues_payments_positive"),
        schema=S,
    )
    op.create_index("dues_payments_one_active", "payments", ["member_id", "month"], unique=True, schema=S,
                    postgresql_where=sa.text("voided_at IS NULL"))
    op.create_table(
        "large_payments",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        _money("amount"),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("receipt_no", sa.Text, nullable=False, unique=True),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("dues_large_member", "large_payments", ["member_id"], schema=S)
    op.create_table(
        "exemptions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("from_month", sa.Date, nullable=False),
        sa.Column("to_month", sa.Date, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        _money("amount", nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="applied"),
        sa.Column("opinion", sa.Text),
        sa.Column("approver_org_id", sa.BigInteger),
        sa.Column("approver", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("applied_by", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("dues_exemptions_member", "exemptions", ["member_id"], schema=S)
    op.create_index("dues_exemptions_open", "exemptions", ["org_id"], schema=S,
                    postgresql_where=sa.text("state = 'applied'"))
    op.create_table(
        "counted",
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("contributions", JSONB, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("streak", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("streak_from", sa.Date),
        sa.Column("arrears_months", sa.SmallInteger, nullable=False, server_default="0"),
        _money("arrears_amount", default=True),
        sa.Column("paid_to", sa.Date),
        schema=S,
    )
    op.create_index("dues_counted_streak", "counted", ["org_path", "streak"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"}, postgresql_where=sa.text("streak > 0"))
    op.create_index("dues_counted_as_of", "counted", ["as_of"], schema=S)
    op.create_table(
        "totals",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("year", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("month", sa.SmallInteger, primary_key=True, autoincrement=False),
        _money("due", default=True), _money("paid", default=True), _money("late", default=True),
        _money("waived", default=True), _money("large", default=True),
        sa.Column("unpaid_members", sa.Integer, nullable=False, server_default="0"),
        sa.Column("exempt_members", sa.Integer, nullable=False, server_default="0"),
        schema=S,
    )


def downgrade():
    for table in ("totals", "counted", "exemptions", "large_payments", "payments", "bases", "branch_settings",
                  "members", "org_directory"):
        op.drop_table(table, schema=S)
