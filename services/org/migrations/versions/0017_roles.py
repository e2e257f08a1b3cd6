"""org: roles with module rights (系统管理员, 业务管理员, 只读 and custom roles); each account gets a
role (existing accounts and the bootstrap admin: 系统管理员), a display name, a phone and its last
login

Revision ID: org_0017_roles
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "org_0017_roles"
down_revision = "org_0016_audit_entries"
S = "org"

# As in services/shared/rights.py BUILTIN_ROLES when this migration was written (frozen here).
_MODULES = ("daily", "transfer", "mobility", "dues", "orglife", "development", "terms", "stats", "system")
BUILTIN = {
    "系统管理员": {m: "approve" for m in _MODULES},
    "业务管理员": {m: "approve" for m in _MODULES if m != "system"},
    "只读": {m: "read" for m in _MODULES},
}


def upgrade():
    op.create_table(
        "roles",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("rights", JSONB, nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    roles = sa.table("roles", sa.column("name"), sa.column("rights", JSONB), sa.column("builtin"), schema=S)
    op.bulk_insert(roles, [{"name": n, "rights": r, "builtin": True} for n, r in BUILTIN.items()])
    op.add_column("accounts", sa.Column("role_id", sa.BigInteger, sa.ForeignKey("org.roles.id")), schema=S)
    op.add_column("accounts", sa.Column("name", sa.Text), schema=S)
    op.add_column("accounts", sa.Column("phone", sa.Text), schema=S)
    op.add_column("accounts", sa.Column("last_login_at", sa.DateTime(timezone=True)), schema=S)
    op.execute(sa.text("UPDATE org.accounts SET role_id = (SELECT id FROM org.roles WHERE name = :n)")
               .bindparams(n="系统管理员"))
    op.alter_column("accounts", "role_id", nullable=False, schema=S)
    op.create_index("accounts_role", "accounts", ["role_id"], schema=S)


def downgrade():
    op.drop_index("accounts_role", "accounts", schema=S)
    for column in ("last_login_at", "phone", "name", "role_id"):
        op.drop_column("accounts", column, schema=S)
    op.drop_table("roles", schema=S)
