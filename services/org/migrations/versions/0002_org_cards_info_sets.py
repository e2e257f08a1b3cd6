"""org: card items (组织情况), units, rewards and punishments, history, batches, imports

Revision ID: 0002_org_cards
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002_org_cards"
down_revision = "org_0001"
S = "org"


def upgrade():
    for name, type_ in (("short_name", sa.Text), ("affiliation", sa.Text), ("established_on", sa.Date),
                        ("contact_person", sa.Text), ("contact_phone", sa.Text), ("address", sa.Text),
                        ("postcode", sa.Text), ("revoked_on", sa.Date), ("revoke_reason", sa.Text)):
        op.add_column("orgs", sa.Column(name, type_), schema=S)
    op.add_column("orgs", sa.Column("status", sa.Text, nullable=False, server_default="active"), schema=S)
    op.create_table(
        "units",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("party_setup", sa.Text, nullable=False),
        sa.Column("industry", sa.Text),
        sa.Column("credit_code", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "sanctions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, sa.ForeignKey("org.orgs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
        sa.Column("approver", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False, server_default="[]"),
        sa.Column("note", sa.Text),
        sa.Column("version", sa.Integer),
        sa.Column("batch_id", UUID(as_uuid=True)),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("history_org", "history", ["org_id", "id"], schema=S)
    op.create_table(
        "batches",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("scope_path", sa.Text, nullable=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("items", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="saved"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_table(
        "imports",
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
        "import_rows",
        sa.Column("import_id", UUID(as_uuid=True), sa.ForeignKey("org.imports.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True),
        sa.Column("data", JSONB, nullable=False),
        schema=S,
    )


def downgrade():
    for table in ("import_rows", "imports", "batches", "history", "sanctions", "units"):
        op.drop_table(table, schema=S)
    for name in ("short_name", "affiliation", "established_on", "contact_person", "contact_phone", "address",
                 "postcode", "status", "revoked_on", "revoke_reason"):
        op.drop_column("orgs", name, schema=S)
