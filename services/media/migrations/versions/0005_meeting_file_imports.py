"""media: the import of meetings' files (数据迁移: the 组织生活附件清单's preview tables,
meeting_file_imports and meeting_file_import_rows; docs/MIGRATION.md)

Revision ID: media_0005_meeting_file_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "media_0005_meeting_file_imports"
down_revision = "media_0004_attachments"
S = "media"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="meeting_file_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("meeting_file_import_rows", schema=S)
    op.drop_table("meeting_file_imports", schema=S)
