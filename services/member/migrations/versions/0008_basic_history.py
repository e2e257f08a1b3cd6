"""member: a readable history of each member's card — basic information and info-set rows,
each field before → after, who and when

Revision ID: member_0008_basic_history
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "member_0008_basic_history"
down_revision = "member_0007"
S = "member"


def upgrade():
    op.create_table(
        "history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("info_set", sa.Text),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("history_member", "history", ["member_id", "id"], schema=S)


def downgrade():
    op.drop_table("history", schema=S)
