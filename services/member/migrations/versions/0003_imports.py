"""member: import previews and their valid rows

Revision ID: member_0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "member_0003"
down_revision = "member_0001"
S = "member"


def upgrade():
    op.create_table(
        "imports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("scope_path", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="previewed"),
        sa.Column("total_rows", sa.Integer, nullable=False),
        sa.Column("valid_rows", sa.Integer, nullable=False),
        sa.Column("written", sa.Integer),
        sa.Column("errors", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("committed_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_table(
        "import_rows",
        sa.Column("import_id", UUID(as_uuid=True), sa.ForeignKey("member.imports.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True),
        sa.Column("data", JSONB, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("import_rows", schema=S)
    op.drop_table("imports", schema=S)
