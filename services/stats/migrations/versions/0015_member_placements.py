"""stats: the members a counted 整建制转移 moved (stats.member_placements), so that what they counted
before its 接收 date stays with the old parent's side and table 1 balances there in the move's year

Counters written before this revision placed a moved organization's past under the new parent: their
placements cannot be recovered from the counters (the members' paths then are not kept); moves
counted after it balance.

Revision ID: stats_0015_member_placements
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0015_member_placements"
down_revision = "stats_0014_transfer_facts_member"
S = "stats"


def upgrade():
    op.create_table(
        "member_placements",
        sa.Column("transfer_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("from_path", sa.Text, nullable=False),
        schema=S,
    )
    op.create_index("member_placements_member", "member_placements", ["member_id"], schema=S)
    op.create_index("member_placements_from", "member_placements", ["from_path"], schema=S,
                    postgresql_ops={"from_path": "text_pattern_ops"})


def downgrade():
    op.drop_table("member_placements", schema=S)
