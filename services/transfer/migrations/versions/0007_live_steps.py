"""transfer: live steps for the work lists of a large subtree (bench/transfers_scale.py)

At the province every transfer in flight is in scope: the lists and their counts joined all their
steps with the org directory (the subtree) and the transfers (unfinished?), ~0.5 s of hash joins for
20,000 transfers, and more with every year of finished transfers' steps. A step now carries its
organization's path (rewritten with the directory on a move) and its transfer's state (written with
it), and `steps_live` holds the unfinished transfers' steps alone, by path: a subtree's lists and
counts are one range scan of that index.

Revision ID: transfer_0007_live_steps
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0007_live_steps"
down_revision = "transfer_0006_certificate_checks"
S = "transfer"
# queries.UNFINISHED (tests/unit/transfer/test_worklist_indexes.py keeps them equal).
UNFINISHED = "transfer_state IN ('approving', 'to_receive', 'receiving')"


def upgrade():
    op.add_column("steps", sa.Column("path", sa.Text), schema=S)
    op.add_column("steps", sa.Column("transfer_state", sa.Text), schema=S)
    op.execute("UPDATE transfer.steps s SET transfer_state = t.state FROM transfer.transfers t "
               "WHERE t.id = s.transfer_id")
    op.execute("UPDATE transfer.steps s SET path = d.path FROM transfer.org_directory d WHERE d.id = s.org_id")
    op.create_index("steps_live", "steps", ["path"], schema=S, postgresql_ops={"path": "text_pattern_ops"},
                    postgresql_include=["state", "transfer_id", "transfer_state", "since"],
                    postgresql_where=sa.text(UNFINISHED))


def downgrade():
    op.drop_index("steps_live", "steps", schema=S)
    op.drop_column("steps", "transfer_state", schema=S)
    op.drop_column("steps", "path", schema=S)
