"""org: the home organization of a 流入 member's outflow on the inflow projection, so the home
organization sees the meetings its member attended at the inflow organization (its 返回 report).
Inflows projected before this carry none until their next event (ended, or a newer version).

Revision ID: org_0012_inflow_home
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0012_inflow_home"
down_revision = "org_0011_merge"
S = "org"


def upgrade():
    op.add_column("inflows", sa.Column("home_org_id", sa.BigInteger), schema=S)


def downgrade():
    op.drop_column("inflows", "home_org_id", schema=S)
