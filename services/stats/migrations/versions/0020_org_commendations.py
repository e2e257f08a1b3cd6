"""stats: the 奖励 of an organization's 组织奖惩 (stats.orgs.commendations: [[批准日期, 批准机关级别], …],
from the org events' state), for the annual report's 表12 表彰 (受表彰党组织)

Revision ID: stats_0020_org_commendations
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0020_org_commendations"
down_revision = "stats_0019_fold_increments"
S = "stats"


def upgrade():
    op.add_column("orgs", sa.Column("commendations", JSONB, nullable=False, server_default="[]"), schema=S)


def downgrade():
    op.drop_column("orgs", "commendations", schema=S)
