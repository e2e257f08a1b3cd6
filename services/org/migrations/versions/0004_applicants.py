"""org: a projection of the member service's 入党申请人 (which organization, deleted or not), so
an organization with applicants is not revoked or deleted

Revision ID: org_0004_applicants
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0004_applicants"
down_revision = "org_0003_sessions"
S = "org"


def upgrade():
    op.create_table(
        "applicants",
        sa.Column("applicant_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("applicants_org", "applicants", ["org_id"], schema=S)


def downgrade():
    op.drop_table("applicants", schema=S)
