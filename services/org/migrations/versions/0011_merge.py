"""org: join 换届选举 (0010_terms) and the 流入 attendees (0010_inflows), which landed in parallel, into
one history again

Revision ID: org_0011_merge
"""
revision = "org_0011_merge"
down_revision = ("org_0010_inflows", "org_0010_terms")


def upgrade():
    pass


def downgrade():
    pass
