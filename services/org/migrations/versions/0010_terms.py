"""org: 换届选举 — terms (届次) of an organization with their election's figures, 届满 and the higher
level's 批复; committee members (班子成员) by member id with post, how they came, 任职 and 离任; the
newest member event applied per member (members leaving the rolls or transferred leave the committee)

Revision ID: org_0010_terms
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0010_terms"
down_revision = "org_0009_orglife_plans"
S = "org"


def upgrade():
    op.create_table(
        "terms",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("elected_on", sa.Date, nullable=False),
        sa.Column("term_years", sa.Integer),
        sa.Column("expires_on", sa.Date),
        sa.Column("postponed_to", sa.Date),
        sa.Column("approved_on", sa.Date),
        sa.Column("approval_no", sa.Text),
        sa.Column("election", JSONB),
        sa.Column("warnings", JSONB, nullable=False, server_default="[]"),
        sa.Column("closed_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("terms_org_number", "terms", ["org_id", "number"], unique=True, schema=S)
    op.create_index("terms_one_open", "terms", ["org_id"], unique=True, schema=S,
                    postgresql_where=sa.text("closed_on IS NULL"))
    op.create_index("terms_open_due", "terms", [sa.text("coalesce(postponed_to, expires_on)")], schema=S,
                    postgresql_where=sa.text("closed_on IS NULL AND expires_on IS NOT NULL"))
    op.create_table(
        "committee_members",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("term_id", sa.BigInteger, sa.ForeignKey("org.terms.id"), nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("post", sa.Text, nullable=False),
        sa.Column("how", sa.Text, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.Column("leave_reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("committee_members_term", "committee_members", ["term_id", "id"], schema=S)
    op.create_index("committee_members_open_member", "committee_members", ["term_id", "member_id"], unique=True,
                    schema=S, postgresql_where=sa.text("left_on IS NULL"))
    op.create_index("committee_members_one_secretary", "committee_members", ["term_id"], unique=True, schema=S,
                    postgresql_where=sa.text("left_on IS NULL AND post = '01'"))
    op.create_index("committee_members_member", "committee_members", ["member_id"], schema=S,
                    postgresql_where=sa.text("left_on IS NULL"))
    op.create_table(
        "member_versions",
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("member_versions", schema=S)
    op.drop_table("committee_members", schema=S)
    op.drop_table("terms", schema=S)
