"""stats: join counter generations per year (0010_year_generations) and 整建制 transfer facts
(0010_whole_org_transfers), which landed in parallel, into one history again

Revision ID: stats_0011_merge
"""
revision = "stats_0011_merge"
down_revision = ("stats_0010_year_generations", "stats_0010_whole_org_transfers")


def upgrade():
    pass


def downgrade():
    pass
