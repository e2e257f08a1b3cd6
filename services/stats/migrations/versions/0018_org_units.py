"""stats: the units an organization is set up in (stats.orgs.units: [{category, party_setup}], from
the org events' state), for the annual report's 表5 乡镇/村 and 表6 街道/社区

Revision ID: stats_0018_org_units
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0018_org_units"
down_revision = "stats_0017_report_templates"
S = "stats"


def upgrade():
    op.add_column("orgs", sa.Column("units", JSONB, nullable=False, server_default="[]"), schema=S)


def downgrade():
    op.drop_column("orgs", "units", schema=S)
