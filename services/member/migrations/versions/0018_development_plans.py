"""member: a branch's (or a 党委's) annual development plan (发展计划: planned numbers and, optionally,
the applicants named in it), and the import of development histories kept on paper (the
发展纪实采集表's preview tables; `development_steps.import_id` marks the imported steps)

Revision ID: member_0018_development_plans
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.shared.sheet_imports import import_tables

revision = "member_0018_development_plans"
down_revision = "member_0017_stage_dates"
S = "member"


def upgrade():
    op.create_table(
        "development_plans",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("activists", sa.Integer, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("named", JSONB, nullable=False, server_default="[]"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("org_id", "year", name="development_plans_org_year"),
        schema=S,
    )
    op.create_index("development_plans_path", "development_plans", ["org_path", "year"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"})
    op.add_column("development_steps", sa.Column("import_id", UUID(as_uuid=True)), schema=S)
    for table in import_tables(sa.MetaData(schema=S), prefix="development_"):
        table.create(op.get_bind())


def downgrade():
    op.drop_table("development_import_rows", schema=S)
    op.drop_table("development_imports", schema=S)
    op.drop_column("development_steps", "import_id", schema=S)
    op.drop_table("development_plans", schema=S)
