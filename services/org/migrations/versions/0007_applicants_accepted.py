"""org: an applicant who became a member (accepted as 预备党员) no longer holds its organization as
an applicant (its member does, as a member)

Revision ID: org_0007_applicants_accepted
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0007_applicants_accepted"
down_revision = "org_0006_transit_whole_org"
S = "org"


def upgrade():
    op.add_column("applicants", sa.Column("accepted", sa.Boolean, nullable=False, server_default=sa.false()),
                  schema=S)


def downgrade():
    op.drop_column("applicants", "accepted", schema=S)
