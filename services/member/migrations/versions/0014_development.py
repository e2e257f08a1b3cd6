"""member: the development pipeline (发展党员) — each recorded step of an applicant with its fields,
who keyed it and its 回退; the applicant's stage through to 预备党员/正式党员, the member it became
and its next due date; and the probation decisions (转正, 延长预备期, 取消预备党员资格) of members

Revision ID: member_0014_development
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "member_0014_development"
down_revision = "member_0013_merge"
S = "member"
STAGES = "('applicant', 'activist', 'candidate', 'probationary', 'full', 'cancelled')"


def upgrade():
    op.drop_constraint("applicants_stage", "applicants", schema=S)
    op.create_check_constraint("applicants_stage", "applicants", f"stage IN {STAGES}", schema=S)
    op.add_column("applicants", sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id")), schema=S)
    op.add_column("applicants", sa.Column("due_on", sa.Date), schema=S)
    op.create_index("applicants_due", "applicants", ["org_path", "due_on"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"},
                    postgresql_where=sa.text("due_on IS NOT NULL AND deleted_at IS NULL"))
    op.create_index("applicants_member", "applicants", ["member_id"], schema=S,
                    postgresql_where=sa.text("member_id IS NOT NULL"))
    op.create_table(
        "development_steps",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("applicant_id", sa.BigInteger, sa.ForeignKey("member.applicants.id"), nullable=False),
        sa.Column("step", sa.Text, nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("fields", JSONB, nullable=False, server_default="{}"),
        sa.Column("batch_id", UUID(as_uuid=True)),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.Column("undone_by", sa.Text),
        sa.Column("undo_reason", sa.Text),
        schema=S,
    )
    op.create_index("development_steps_applicant", "development_steps", ["applicant_id", "id"], schema=S)
    op.add_column("members", sa.Column("probation_extended_months", sa.Integer, nullable=False, server_default="0"),
                  schema=S)
    op.add_column("members", sa.Column("probation_extended_on", sa.Date), schema=S)
    op.create_table(
        "probation_decisions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("meeting_on", sa.Date, nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
        sa.Column("months", sa.Integer),
        sa.Column("fields", JSONB, nullable=False, server_default="{}"),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("outcome IN ('confirm', 'extend', 'cancel')", name="probation_decisions_outcome"),
        schema=S,
    )
    op.create_index("probation_decisions_member", "probation_decisions", ["member_id", "id"], schema=S)


def downgrade():
    op.drop_table("probation_decisions", schema=S)
    op.drop_column("members", "probation_extended_on", schema=S)
    op.drop_column("members", "probation_extended_months", schema=S)
    op.drop_table("development_steps", schema=S)
    op.drop_index("applicants_member", "applicants", schema=S)
    op.drop_index("applicants_due", "applicants", schema=S)
    op.drop_column("applicants", "due_on", schema=S)
    op.drop_column("applicants", "member_id", schema=S)
    op.drop_constraint("applicants_stage", "applicants", schema=S)
    op.create_check_constraint("applicants_stage", "applicants", "stage IN ('applicant', 'activist', 'candidate')",
                               schema=S)
