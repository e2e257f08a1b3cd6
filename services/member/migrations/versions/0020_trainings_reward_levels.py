"""member: the 培训情况 info set (trainings, counted by the annual report's 表9 培训) and the 批准机关级别
of a 奖惩情况 row (rewards.level, counted by 表12 表彰; null on the rows recorded before: 未填写)

Revision ID: member_0020_trainings
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0020_trainings"
down_revision = "member_0019_history_imports"
S = "member"


def upgrade():
    # Frozen here as the model has it at this revision (models._info_set_table).
    op.create_table(
        "trainings",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("organizer", sa.Text),
        sa.Column("mode", sa.Text),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("hours", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("trainings_member", "trainings", ["member_id", "id"], schema=S)
    op.add_column("rewards", sa.Column("level", sa.Text), schema=S)


def downgrade():
    op.drop_column("rewards", "level", schema=S)
    op.drop_table("trainings", schema=S)
