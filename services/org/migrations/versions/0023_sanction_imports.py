"""org: the import of the organizations' 组织奖惩 before PMIS (数据迁移: the 组织奖惩采集表's preview tables,
sanction_imports and sanction_import_rows; docs/MIGRATION.md)

Revision ID: org_0023_sanction_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "org_0023_sanction_imports"
down_revision = "org_0022_audit_period_index"
S = "org"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="sanction_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("sanction_import_rows", schema=S)
    op.drop_table("sanction_imports", schema=S)
