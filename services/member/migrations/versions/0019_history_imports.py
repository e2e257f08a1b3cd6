"""member: the import of 党籍变动 before PMIS (数据迁移: the 党籍变动历史表's preview tables,
history_imports and history_import_rows; docs/MIGRATION.md)

Revision ID: member_0019_history_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "member_0019_history_imports"
down_revision = "member_0018_development_plans"
S = "member"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="history_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("history_import_rows", schema=S)
    op.drop_table("history_imports", schema=S)
