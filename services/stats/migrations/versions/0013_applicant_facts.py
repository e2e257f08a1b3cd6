"""stats: the last counted state of each 入党申请人 (stats.applicant_facts, from the member service's
applicant events), for the development tables (申请人/积极分子/发展对象 on hand) and their recount

Revision ID: stats_0013_applicant_facts
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "stats_0013_applicant_facts"
down_revision = "stats_0012_mobility_facts"
S = "stats"


def upgrade():
    op.create_table(
        "applicant_facts",
        sa.Column("applicant_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("org_id", sa.BigInteger),
        sa.Column("path", sa.Text),
        sa.Column("facts", JSONB),
        schema=S,
    )
    op.create_index("applicant_facts_path", "applicant_facts", ["path"], schema=S,
                    postgresql_ops={"path": "text_pattern_ops"})


def downgrade():
    op.drop_table("applicant_facts", schema=S)
