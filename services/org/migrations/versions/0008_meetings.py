"""org: 组织生活 — meeting records, who attended or was absent, their history, and the meetings held
per organization, year and kind (kept with each record, summed over a subtree for the summary)

Revision ID: org_0008_meetings
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0008_meetings"
down_revision = "org_0007_drop_applicants"
S = "org"


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("recorder", sa.Text, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("lecture_title", sa.Text),
        sa.Column("content", sa.Text),
        sa.Column("decisions", sa.Text),
        sa.Column("nonvoting", JSONB, nullable=False, server_default="[]"),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("host_signed_by", sa.Text),
        sa.Column("host_signed_at", sa.DateTime(timezone=True)),
        sa.Column("recorder_signed_by", sa.Text),
        sa.Column("recorder_signed_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_by_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("org_id", "kind", "held_at", name="meetings_one_per_time"),
        sa.CheckConstraint("status IN ('draft', 'locked')", name="meetings_status"),
        schema=S,
    )
    op.create_index("meetings_org_year", "meetings", ["org_id", "year", sa.text("held_at DESC")], schema=S)
    op.create_table(
        "meeting_people",
        sa.Column("meeting_id", sa.BigInteger, sa.ForeignKey("org.meetings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("attended", sa.Boolean, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        schema=S,
    )
    op.create_index("meeting_people_member", "meeting_people", ["member_id"], schema=S)
    op.create_table(
        "meeting_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.BigInteger, sa.ForeignKey("org.meetings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False, server_default="[]"),
        sa.Column("reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("meeting_history_meeting", "meeting_history", ["meeting_id", "id"], schema=S)
    op.create_table(
        "meeting_counts",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("held", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("meeting_counts_year", "meeting_counts", ["year", "org_id"], schema=S)


def downgrade():
    for table in ("meeting_counts", "meeting_history", "meeting_people", "meetings"):
        op.drop_table(table, schema=S)
