"""stats: org projection, member facts, counters, outbox, inbox

Revision ID: stats_0001
"""
import sqlalchemy as sa
from alembic import op

from services.shared.migrations import create_outbox_and_inbox

revision = "stats_0001"
down_revision = None
S = "stats"


def upgrade():
    op.create_table(
        "orgs",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("parent_id", sa.BigInteger),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("stats_orgs_path", "orgs", ["path"], schema=S, postgresql_ops={"path": "text_pattern_ops"})
    op.create_table(
        "member_facts",
        sa.Column("member_id", sa.BigInteger, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("org_id", sa.BigInteger),
        sa.Column("status", sa.Text),
        sa.Column("sex", sa.Text),
        sa.Column("category", sa.Text),
        schema=S,
    )
    op.create_table(
        "counters",
        sa.Column("org_id", sa.BigInteger, primary_key=True),
        sa.Column("dimension", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
        schema=S,
    )
    create_outbox_and_inbox(S)


def downgrade():
    op.execute("DROP SCHEMA stats CASCADE")
