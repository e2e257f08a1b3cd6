"""member: join the status (0002) and import/search (0003–0004) lines of work, which landed
in parallel, into one history again

Revision ID: member_0005
"""
revision = "member_0005"
down_revision = ("member_0002", "member_0004")


def upgrade():
    pass


def downgrade():
    pass
