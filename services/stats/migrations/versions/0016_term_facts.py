"""stats: the last counted state of each term (stats.term_facts, from the org service's term
events), for the 换届 tables (terms completed, due, overdue; committee members in office) and
their recount

Revision ID: stats_0016_term_facts
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0016_term_facts"
down_revision = "stats_0015_member_placements"
S = "stats"


def upgrade():
    op.create_table(
        "term_facts",
        sa.Column("term_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("org_id", sa.BigInteger),
        sa.Column("path", sa.Text),
        sa.Column("facts", JSONB),
        schema=S,
    )
    op.create_index("term_facts_path", "term_facts", ["path"], schema=S, postgresql_ops={"path": "text_pattern_ops"})


def downgrade():
    op.drop_table("term_facts", schema=S)
