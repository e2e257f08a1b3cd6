"""transfer: the import of 流出党员 (数据迁移: the 流出党员采集表's preview tables, outflow_imports and
outflow_import_rows; docs/MIGRATION.md)

Revision ID: transfer_0011_outflow_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "transfer_0011_outflow_imports"
down_revision = "transfer_0010_reason_changes"
S = "transfer"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="outflow_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("outflow_import_rows", schema=S)
    op.drop_table("outflow_imports", schema=S)
