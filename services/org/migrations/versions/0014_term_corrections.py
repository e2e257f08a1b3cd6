"""org: corrections of a term's facts (更正届次: election day, term length, 批复), each with its
reason, who made it and when

Revision ID: org_0014_term_corrections
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0014_term_corrections"
down_revision = "org_0013_failed_elections"
S = "org"


def upgrade():
    op.create_table(
        "term_corrections",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("term_id", sa.BigInteger, sa.ForeignKey("org.terms.id"), nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("term_corrections_term", "term_corrections", ["term_id", "id"], schema=S)


def downgrade():
    op.drop_table("term_corrections", schema=S)
