"""member: the organization directory, a projection fed by org events (replaces asking org)

Revision ID: member_0008_org_directory
"""
from alembic import op

from services.shared.org_directory import create_org_directory

revision = "member_0008_org_directory"
down_revision = "member_0007"


def upgrade():
    create_org_directory(op, "member")


def downgrade():
    op.drop_table("org_directory", schema="member")
