"""member: organizations held while the org service revokes or deletes them (org_holds.py): new
members and applicants are refused there until the hold ends

Revision ID: member_0014_org_holds
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0014_org_holds"
down_revision = "member_0013_merge"


def upgrade():
    op.create_table(
        "org_holds",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("doing", sa.Text, nullable=False),
        sa.Column("org_version", sa.Integer, nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        schema="member",
    )


def downgrade():
    op.drop_table("org_holds", schema="member")
