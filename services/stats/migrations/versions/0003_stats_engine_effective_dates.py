"""stats: counters keyed by effective year and rolled up to every ancestor; member facts as the
contract's JSON; organization status and dates

The old counters (direct, current state only) cannot be converted: they and the member facts
start empty, and `python -m services.stats.rebuild` recounts them from the member and org
services (run it once after upgrading a database that has data).

Revision ID: stats_0003_stats_engine
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0003_stats_engine"
down_revision = "stats_0002"
S = "stats"


def upgrade():
    op.drop_table("counter_deltas", schema=S)
    op.drop_table("counters", schema=S)
    op.create_table(
        "counters",
        sa.Column("org_id", sa.BigInteger, primary_key=True),
        sa.Column("dimension", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
        schema=S,
    )
    op.create_table(
        "counter_deltas",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("dimension", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        schema=S,
    )
    op.create_index("counter_deltas_org", "counter_deltas", ["org_id", "dimension"], schema=S)
    op.execute("TRUNCATE stats.member_facts")
    for column in ("org_id", "status", "sex", "category"):
        op.drop_column("member_facts", column, schema=S)
    op.add_column("member_facts", sa.Column("org_path", sa.Text), schema=S)
    op.add_column("member_facts", sa.Column("facts", JSONB), schema=S)
    op.add_column("orgs", sa.Column("status", sa.Text, nullable=False, server_default="active"), schema=S)
    op.add_column("orgs", sa.Column("established_on", sa.Date), schema=S)
    op.add_column("orgs", sa.Column("revoked_on", sa.Date), schema=S)
    op.create_index("stats_orgs_parent", "orgs", ["parent_id"], schema=S)
    # Organizations counted before this revision are counted again by the next event or rebuild.
    op.execute("UPDATE stats.orgs SET version = 0")


def downgrade():
    raise NotImplementedError("stats_0003 cannot be undone; restore a backup")
