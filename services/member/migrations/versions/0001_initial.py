"""member: members, outbox, inbox

Revision ID: member_0001
"""
import sqlalchemy as sa
from alembic import op

from services.shared.migrations import create_outbox_and_inbox

revision = "member_0001"
down_revision = None
S = "member"


def upgrade():
    op.create_table(
        "members",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("id_number", sa.Text, nullable=False, unique=True),
        sa.Column("sex", sa.Text, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("ethnicity", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("members_org", "members", ["org_id", "name"], schema=S)
    op.create_index("members_org_path", "members", ["org_path"], schema=S,
                    postgresql_ops={"org_path": "text_pattern_ops"})
    create_outbox_and_inbox(S)


def downgrade():
    op.execute("DROP SCHEMA member CASCADE")
