"""org: 组织生活, second slice — a record can be voided (作废: kept with its reason, no longer
counted, its minute free again); meetings held per organization, year, period of the kind's
frequency and kind (what is due); branches that held each kind in each period rolled up to every
organization above them (the 工作督查 and home-page counts without a subtree scan); the yearly
plan (计划) of an organization

Revision ID: org_0009_orglife_plans
"""
import sqlalchemy as sa
from alembic import op

from services.org.orglife_counts import rebuild

revision = "org_0009_orglife_plans"
down_revision = "org_0008_meetings"
S = "org"


def upgrade():
    op.add_column("meetings", sa.Column("voided_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("meetings", sa.Column("void_reason", sa.Text), schema=S)
    op.add_column("meetings", sa.Column("voided_by_name", sa.Text), schema=S)
    op.drop_constraint("meetings_one_per_time", "meetings", schema=S)
    op.create_index("meetings_one_per_time", "meetings", ["org_id", "kind", "held_at"], unique=True, schema=S,
                    postgresql_where=sa.text("voided_at IS NULL"))
    op.create_table(
        "meeting_period_counts",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("held", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "orglife_done",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("branches", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "meeting_plans",
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("items", sa.dialects.postgresql.JSONB, nullable=False, server_default="[]"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by_name", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    # The records kept so far counted by period and rolled up (none is voided yet).
    rebuild(op.get_bind())

def downgrade():
    for table in ("meeting_plans", "orglife_done", "meeting_period_counts"):
        op.drop_table(table, schema=S)
    op.drop_index("meetings_one_per_time", "meetings", schema=S)
    op.execute("DELETE FROM org.meetings WHERE voided_at IS NOT NULL")
    op.create_unique_constraint("meetings_one_per_time", "meetings", ["org_id", "kind", "held_at"], schema=S)
    for column in ("voided_by_name", "void_reason", "voided_at"):
        op.drop_column("meetings", column, schema=S)
