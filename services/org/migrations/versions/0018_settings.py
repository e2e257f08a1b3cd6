"""org: 系统设置 — settings set at an organization (inherited by its subtree) and the history of
every change (docs/SETTINGS.md)

Revision ID: org_0018_settings
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0018_settings"
down_revision = "org_0017_roles"
S = "org"


def upgrade():
    op.create_table(
        "settings",
        sa.Column("org_id", sa.BigInteger, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", JSONB, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "setting_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("old_value", JSONB),
        sa.Column("new_value", JSONB),
        sa.Column("account_id", sa.Text, nullable=False, server_default=""),
        sa.Column("username", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("setting_changes_org", "setting_changes", ["org_id", sa.text("at DESC"), sa.text("id DESC")],
                    schema=S)


def downgrade():
    op.drop_index("setting_changes_org", "setting_changes", schema=S)
    op.drop_table("setting_changes", schema=S)
    op.drop_table("settings", schema=S)
