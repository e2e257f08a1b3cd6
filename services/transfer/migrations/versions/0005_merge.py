"""transfer: join 线下转入 (0004_inbound), the 转接原因 code table (0004_reason_codes) and 整建制转移
(0004_whole_org), 流动党员 (0004_mobility) and the work lists' indexes (0004_worklist_indexes),
which landed in parallel, into one history again

Revision ID: transfer_0005_merge
"""
revision = "transfer_0005_merge"
down_revision = ("transfer_0004_inbound", "transfer_0004_mobility", "transfer_0004_reason_codes",
                 "transfer_0004_whole_org", "transfer_0004_worklist_indexes")


def upgrade():
    pass


def downgrade():
    pass
