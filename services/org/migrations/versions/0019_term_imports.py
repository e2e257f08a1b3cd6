"""org: the import of terms before PMIS (数据迁移: the 换届采集表's preview tables, term_imports and
term_import_rows; docs/MIGRATION.md)

Revision ID: org_0019_term_imports
"""
import sqlalchemy as sa
from alembic import op

from services.shared.sheet_imports import import_tables

revision = "org_0019_term_imports"
down_revision = "org_0018_settings"
S = "org"


def upgrade():
    for table in import_tables(sa.MetaData(schema=S), prefix="term_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("term_import_rows", schema=S)
    op.drop_table("term_imports", schema=S)
