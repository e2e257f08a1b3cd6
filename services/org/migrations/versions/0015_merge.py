"""org: join 民主评议情况 and the attendance counts (0013_evaluations, 0014_attendance_counts) and the
failed elections and term corrections (0013_failed_elections, 0014_term_corrections), which landed in
parallel, into one history again

Revision ID: org_0015_merge
"""
revision = "org_0015_merge"
down_revision = ("org_0014_attendance_counts", "org_0014_term_corrections")


def upgrade():
    pass


def downgrade():
    pass
