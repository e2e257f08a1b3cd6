"""transfer: the import of 流入党员 from outside this deployment (数据迁移: the 流入党员采集表's preview
tables, inflow_imports and inflow_import_rows; docs/MIGRATION.md)

Revision ID: transfer_0013_inflow_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "transfer_0013_inflow_imports"
down_revision = "transfer_0012_member_versions"
S = "transfer"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="inflow_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("inflow_import_rows", schema=S)
    op.drop_table("inflow_imports", schema=S)
