"""member: join the rolls hold and the 整建制 transit (0014_org_holds → 0015_whole_org_transit) and
the development steps (0014_development), which landed in parallel, into one history again

Revision ID: member_0016_merge
"""
revision = "member_0016_merge"
down_revision = ("member_0015_whole_org_transit", "member_0014_development")


def upgrade():
    pass


def downgrade():
    pass
