"""org: the import of meetings before PMIS (数据迁移: the 组织生活采集表's preview tables,
meeting_imports and meeting_import_rows; docs/MIGRATION.md)

Revision ID: org_0020_meeting_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "org_0020_meeting_imports"
down_revision = "org_0019_term_imports"
S = "org"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="meeting_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("meeting_import_rows", schema=S)
    op.drop_table("meeting_imports", schema=S)
