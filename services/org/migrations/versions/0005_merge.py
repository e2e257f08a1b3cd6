"""org: join the applicants' projection (0004_applicants) and the transfers-in-transit guard
(0004_transit_guard), which landed in parallel, into one history again

Revision ID: org_0005_merge
"""
revision = "org_0005_merge"
down_revision = ("org_0004_applicants", "org_0004_transit_guard")


def upgrade():
    pass


def downgrade():
    pass
