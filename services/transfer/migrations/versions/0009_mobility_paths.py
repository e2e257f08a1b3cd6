"""transfer: 流动党员 rows carry their organizations' paths (bench/mobility_scale.py)

At the province's root the lists of 50,000 outflows and their counts joined every row with the org
directory to test the subtree (~30 ms a count, five counts on the page): an outflow now keeps its
home organization's path (`home_path`) and its receiving one's (`to_path`, this deployment's), an
inflow its organization's (`org_path`), rewritten with the directory on a move (org_events.PLACED),
and a subtree's lists and counts are range scans of these indexes.

Revision ID: transfer_0009_mobility_paths
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0009_mobility_paths"
down_revision = "transfer_0008_merge"
S = "transfer"
OPS = "text_pattern_ops"


def upgrade():
    op.add_column("outflows", sa.Column("home_path", sa.Text), schema=S)
    op.add_column("outflows", sa.Column("to_path", sa.Text), schema=S)
    op.add_column("inflows", sa.Column("org_path", sa.Text), schema=S)
    op.execute("UPDATE transfer.outflows o SET home_path = d.path FROM transfer.org_directory d "
               "WHERE d.id = o.home_org_id")
    op.execute("UPDATE transfer.outflows o SET to_path = d.path FROM transfer.org_directory d WHERE d.id = o.to_org_id")
    op.execute("UPDATE transfer.inflows i SET org_path = d.path FROM transfer.org_directory d WHERE d.id = i.org_id")
    op.create_index("outflows_home_path", "outflows", ["home_path", "state"], schema=S,
                    postgresql_ops={"home_path": OPS})
    op.create_index("outflows_open_path", "outflows", ["home_path", "state", "expected_return"], schema=S,
                    postgresql_ops={"home_path": OPS}, postgresql_where=sa.text("state IN ('out', 'lost')"))
    op.create_index("outflows_to_path", "outflows", ["to_path"], schema=S, postgresql_ops={"to_path": OPS},
                    postgresql_where=sa.text("state = 'out' AND to_path IS NOT NULL"))
    op.create_index("inflows_path", "inflows", ["org_path", "state"], schema=S, postgresql_ops={"org_path": OPS})


def downgrade():
    for index, table in (("inflows_path", "inflows"), ("outflows_to_path", "outflows"),
                         ("outflows_open_path", "outflows"), ("outflows_home_path", "outflows")):
        op.drop_index(index, table, schema=S)
    op.drop_column("inflows", "org_path", schema=S)
    op.drop_column("outflows", "to_path", schema=S)
    op.drop_column("outflows", "home_path", schema=S)
