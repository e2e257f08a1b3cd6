"""member: the import of the card's info-set rows before PMIS (数据迁移: the 党员信息集采集表's preview
tables, info_imports and info_import_rows; docs/MIGRATION.md)

Revision ID: member_0021_info_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "member_0021_info_imports"
down_revision = "member_0020_trainings"
S = "member"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="info_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("info_import_rows", schema=S)
    op.drop_table("info_imports", schema=S)
