"""org: organizations, accounts, outbox, inbox

Revision ID: org_0001
"""
import sqlalchemy as sa
from alembic import op

from services.shared.migrations import create_outbox_and_inbox

revision = "org_0001"
down_revision = None
S = "org"


def upgrade():
    op.execute(sa.schema.CreateSequence(sa.Sequence("orgs_id_seq", schema=S)))
    op.create_table(
        "orgs",
        sa.Column("id", sa.BigInteger, sa.Sequence("orgs_id_seq", schema=S), primary_key=True),
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("org.orgs.id")),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("code", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("orgs_path_prefix", "orgs", ["path"], schema=S, postgresql_ops={"path": "text_pattern_ops"})
    op.create_index("orgs_parent", "orgs", ["parent_id", "sort_order"], schema=S)
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("username", sa.Text, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id"), nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    create_outbox_and_inbox(S)


def downgrade():
    op.execute("DROP SCHEMA org CASCADE")
