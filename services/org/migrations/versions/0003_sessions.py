"""org: server-side sessions, login lockout, disabled accounts, case-insensitive usernames

Revision ID: org_0003_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0003_sessions"
down_revision = "0002_org_cards"
S = "org"


def upgrade():
    op.add_column("accounts", sa.Column("failed_count", sa.Integer, nullable=False, server_default="0"), schema=S)
    op.add_column("accounts", sa.Column("locked_until", sa.DateTime(timezone=True)), schema=S)
    op.add_column("accounts", sa.Column("disabled_at", sa.DateTime(timezone=True)), schema=S)
    # `ADMIN` next to `admin` is refused: uniqueness moves from the text to its lower case.
    op.drop_constraint("accounts_username_key", "accounts", schema=S, type_="unique")
    op.create_index("accounts_username_lower", "accounts", [sa.text("lower(username)")], unique=True, schema=S)
    op.create_table(
        "sessions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        # Only the SHA-256 of the token is kept: a copy of the table opens no session.
        sa.Column("token_hash", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("org.accounts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("user_agent", sa.Text),
        sa.Column("ip", sa.Text),
        schema=S,
    )
    op.create_index("sessions_live_by_account", "sessions", ["account_id"], schema=S,
                    postgresql_where=sa.text("ended_at IS NULL"))


def downgrade():
    op.drop_table("sessions", schema=S)
    op.drop_index("accounts_username_lower", "accounts", schema=S)
    op.create_unique_constraint("accounts_username_key", "accounts", ["username"], schema=S)
    for name in ("disabled_at", "locked_until", "failed_count"):
        op.drop_column("accounts", name, schema=S)
