"""dues: join the bases' import (0003_base_imports) and the 流入 payments (0003_inflow), which landed in
parallel, into one history again

Revision ID: dues_0004_merge
"""
revision = "dues_0004_merge"
down_revision = ("dues_0003_base_imports", "dues_0003_inflow")


def upgrade():
    pass


def downgrade():
    pass
