"""member: join the applicants (0012_applicants) and 线下转入 (0012_inbound), which landed in
parallel, into one history again

Revision ID: member_0013_merge
"""
revision = "member_0013_merge"
down_revision = ("member_0012_applicants", "member_0012_inbound")


def upgrade():
    pass


def downgrade():
    pass
