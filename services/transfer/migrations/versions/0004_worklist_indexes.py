"""transfer: indexes for the work lists of a large subtree (bench/transfers_scale.py)

The province's 待办/未办结/即将办理 and their counts join every unfinished transfer with its steps.
Read from the table, each of those transfers costs a page of its own (the row carries the letter's
member snapshot and the history); `transfers_unfinished` holds their ids and states alone, so the
join reads ~100 index pages instead of ~1,800 heap pages for 20,000 transfers in flight.
`steps_org_state` gains the step's transfer and since (INCLUDE): a county's lists find their steps
through the subtree's organizations without visiting the steps' rows.

Revision ID: transfer_0004_worklist_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0004_worklist_indexes"
down_revision = "transfer_0003"

# queries.UNFINISHED (tests/unit/transfer/test_worklist_indexes.py keeps them equal).
UNFINISHED = "state IN ('approving', 'to_receive', 'receiving')"


def upgrade():
    op.create_index("transfers_unfinished", "transfers", ["id"], schema="transfer",
                    postgresql_include=["state"], postgresql_where=sa.text(UNFINISHED))
    op.drop_index("steps_org_state", "steps", schema="transfer")
    op.create_index("steps_org_state", "steps", ["org_id", "state"], schema="transfer",
                    postgresql_include=["transfer_id", "since"])


def downgrade():
    op.drop_index("steps_org_state", "steps", schema="transfer")
    op.create_index("steps_org_state", "steps", ["org_id", "state"], schema="transfer")
    op.drop_index("transfers_unfinished", "transfers", schema="transfer")
