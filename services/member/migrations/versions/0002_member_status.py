"""member: status facts (how and when a member left the active rolls) and status changes

Revision ID: member_0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "member_0002"
down_revision = "member_0001"
S = "member"


def upgrade():
    op.add_column("members", sa.Column("leave_kind", sa.Text), schema=S)
    op.add_column("members", sa.Column("left_on", sa.Date), schema=S)
    op.add_column("members", sa.Column("leave_reason", sa.Text), schema=S)
    op.create_check_constraint(
        "members_status_facts", "members",
        "(status = 'active' AND leave_kind IS NULL AND left_on IS NULL AND leave_reason IS NULL)"
        " OR (status = 'left' AND leave_kind IS NOT NULL AND left_on IS NOT NULL)",
        schema=S)
    op.create_table(
        "status_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), nullable=False),
        sa.Column("from_status", sa.Text, nullable=False),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("kind", sa.Text),
        sa.Column("changed_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("prior", JSONB, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.Column("undone_by", sa.Text),
        schema=S,
    )
    op.create_index("status_changes_member", "status_changes", ["member_id", "id"], schema=S)


def downgrade():
    op.drop_table("status_changes", schema=S)
    op.drop_constraint("members_status_facts", "members", schema=S, type_="check")
    for column in ("leave_reason", "left_on", "leave_kind"):
        op.drop_column("members", column, schema=S)
