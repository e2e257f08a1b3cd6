"""media: the organization directory, a projection fed by org events

Revision ID: media_0002_org_directory
"""
from alembic import op

from services.shared.org_directory import create_org_directory

revision = "media_0002_org_directory"
down_revision = "media_0001"


def upgrade():
    create_org_directory(op, "media")


def downgrade():
    op.drop_table("org_directory", schema="media")
