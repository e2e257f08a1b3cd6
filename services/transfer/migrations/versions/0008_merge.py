"""transfer: join the inflow's 活动记录 (0007_inflow_activities) and the work lists' live steps
(0007_live_steps), which landed in parallel, into one history again

Revision ID: transfer_0008_merge
"""
revision = "transfer_0008_merge"
down_revision = ("transfer_0007_inflow_activities", "transfer_0007_live_steps")


def upgrade():
    pass


def downgrade():
    pass
