"""member: the day a member keyed in by 线下转入 (非建库) came into this system (`arrived_on`): the
annual report counts them from that day on, by the 转入, not from their 入党日期 as a 发展

Revision ID: member_0012_inbound
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0012_inbound"
down_revision = "member_0011_transfers"


def upgrade():
    op.add_column("members", sa.Column("arrived_on", sa.Date), schema="member")


def downgrade():
    op.drop_column("members", "arrived_on", schema="member")
