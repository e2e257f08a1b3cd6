"""org: 组织奖惩 gains 批准机关级别 (org.sanctions.level, the `body_level` codes, optional: rows recorded
before stay valid and count as 未填写 in 表12 表彰; docs/REPORT_TABLES.md)

Revision ID: org_0021_sanction_level
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0021_sanction_level"
down_revision = "org_0020_meeting_imports"
S = "org"


def upgrade():
    op.add_column("sanctions", sa.Column("level", sa.Text), schema=S)


def downgrade():
    op.drop_column("sanctions", "level", schema=S)
