"""org: the projection of the member service's 入党申请人 goes — a revoke or delete now asks the
member service, which counts members and applicants and holds the organization's rolls closed
(member_0014_org_holds), so a projection a moment behind no longer decides

Revision ID: org_0007_drop_applicants
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0007_drop_applicants"
down_revision = "org_0006_transit_whole_org"


def upgrade():
    op.drop_table("applicants", schema="org")


def downgrade():
    op.create_table(
        "applicants",
        sa.Column("applicant_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema="org",
    )
    op.create_index("applicants_org", "applicants", ["org_id"], schema="org")
