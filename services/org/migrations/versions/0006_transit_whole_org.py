"""org: the transit projection keeps the organization a 整建制转移 moves (transfers_in_transit.org_id),
so 移动, 撤销 and 删除 of an organization it holds are refused from this service's own data,
not by asking the transfer service (an RPC back to it, which already asks this one)

Revision ID: org_0006_transit_whole_org
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0006_transit_whole_org"
down_revision = "org_0005_merge"
S = "org"


def upgrade():
    op.add_column("transfers_in_transit", sa.Column("org_id", sa.BigInteger), schema=S)
    op.create_index("transfers_in_transit_org", "transfers_in_transit", ["org_id"], schema=S,
                    postgresql_where=sa.text("in_flight AND org_id IS NOT NULL"))


def downgrade():
    op.drop_index("transfers_in_transit_org", table_name="transfers_in_transit", schema=S)
    op.drop_column("transfers_in_transit", "org_id", schema=S)
