"""stats: the report's cover (报表封面: 单位负责人, 统计负责人, 填报人, 联系电话, 报出日期)

Revision ID: stats_0007
"""
from alembic import op

revision = "stats_0007"
down_revision = "stats_0006"


def upgrade():
    op.execute("ALTER TABLE stats.reports ADD COLUMN cover jsonb NOT NULL DEFAULT '{}'::jsonb")


def downgrade():
    op.execute("ALTER TABLE stats.reports DROP COLUMN cover")
