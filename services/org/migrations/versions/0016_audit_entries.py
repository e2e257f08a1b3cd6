"""org: 操作日志 — the append-only audit_entries every service's audit_recorded events land in, with a
trigger refusing UPDATE, DELETE and TRUNCATE (not even an administrator's SQL through the app can alter
an entry), and the indexes of its searches (one entity's log, one account's, a subtree's period)

Revision ID: org_0016_audit_entries
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "org_0016_audit_entries"
down_revision = "org_0015_merge"
S = "org"


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Text, nullable=False, server_default=""),
        sa.Column("username", sa.Text, nullable=False, server_default=""),
        sa.Column("ip", sa.Text, nullable=False, server_default=""),
        sa.Column("request_id", sa.Text, nullable=False, server_default=""),
        sa.Column("org_path", sa.Text, nullable=False),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False, server_default="[]"),
        schema=S)
    op.execute(f"CREATE INDEX audit_entries_entity ON {S}.audit_entries (entity, entity_id, at DESC, id DESC)")
    op.execute(f"CREATE INDEX audit_entries_account ON {S}.audit_entries (username, at DESC, id DESC)")
    op.execute(f"CREATE INDEX audit_entries_at ON {S}.audit_entries (at DESC, id DESC)")
    op.execute(f"CREATE INDEX audit_entries_path ON {S}.audit_entries (org_path text_pattern_ops, at DESC)")
    op.execute(f"""
        CREATE FUNCTION {S}.audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '操作日志不可修改或删除' USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute(f"""CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON {S}.audit_entries
                   FOR EACH ROW EXECUTE FUNCTION {S}.audit_entries_append_only()""")
    op.execute(f"""CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON {S}.audit_entries
                   FOR EACH STATEMENT EXECUTE FUNCTION {S}.audit_entries_append_only()""")


def downgrade():
    op.drop_table("audit_entries", schema=S)
    op.execute(f"DROP FUNCTION {S}.audit_entries_append_only()")
