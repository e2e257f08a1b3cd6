"""media: join the organization directory (0002_org_directory) and uploads for any owner
(0002_owner_uploads), which landed in parallel, into one history again

Revision ID: media_0003
"""
revision = "media_0003"
down_revision = ("media_0002_org_directory", "media_0002_owner_uploads")


def upgrade():
    pass


def downgrade():
    pass
