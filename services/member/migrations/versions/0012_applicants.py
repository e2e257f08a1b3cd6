"""member: 入党申请人 (applicants) and the previews of their collection sheet

Revision ID: member_0012_applicants
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "member_0012_applicants"
down_revision = "member_0011_transfers"
S = "member"


def upgrade():
    op.create_table(
        "applicants",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_initials", sa.Text, nullable=False, server_default=""),
        sa.Column("name_sort", sa.Text(collation="C"), nullable=False),
        sa.Column("id_number", sa.Text, nullable=False, unique=True),
        sa.Column("sex", sa.Text, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("ethnicity", sa.Text, nullable=False),
        sa.Column("education", sa.Text),
        sa.Column("occupation", sa.Text),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("stage", sa.Text, nullable=False, server_default="applicant"),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("stage IN ('applicant', 'activist', 'candidate')", name="applicants_stage"),
        schema=S,
    )
    op.create_index("applicants_org_path", "applicants", ["org_path", "name_sort", "id"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"})
    op.create_index("applicants_org", "applicants", ["org_id"], schema=S)
    for name, column in (("applicants_name_prefix", "name"), ("applicants_initials_prefix", "name_initials"),
                         ("applicants_id_number_prefix", "id_number")):
        op.create_index(name, "applicants", [column], schema=S, postgresql_ops={column: "text_pattern_ops"})
    op.create_table(
        "applicant_imports",
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
        "applicant_import_rows",
        sa.Column("import_id", UUID(as_uuid=True), sa.ForeignKey("member.applicant_imports.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True),
        sa.Column("data", JSONB, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("applicant_import_rows", schema=S)
    op.drop_table("applicant_imports", schema=S)
    op.drop_table("applicants", schema=S)
