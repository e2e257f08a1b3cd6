"""transfer: 流动党员 — outflows, inflows, 活动证 and their serials per county

Revision ID: transfer_0004_mobility
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "transfer_0004_mobility"
down_revision = "transfer_0003"

S = "transfer"


def upgrade():
    op.create_table(
        "outflows",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("member", JSONB, nullable=False),
        sa.Column("home_org_id", sa.BigInteger, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("destination", JSONB, nullable=False),
        sa.Column("destination_kind", sa.Text, nullable=False),
        sa.Column("to_org_id", sa.BigInteger),
        sa.Column("to_org_text", sa.Text),
        sa.Column("expected_return", sa.Date),
        sa.Column("phone", sa.Text),
        sa.Column("certificate_no", sa.Text),
        sa.Column("lost", JSONB),
        sa.Column("returned_on", sa.Date),
        sa.Column("return_report", sa.Text),
        sa.Column("closed_on", sa.Date),
        sa.Column("history", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("outflows_one_open", "outflows", ["member_id"], unique=True, schema=S,
                    postgresql_where=sa.text("state IN ('out', 'lost')"))
    op.create_index("outflows_home", "outflows", ["home_org_id", "id"], schema=S)
    op.create_index("outflows_to", "outflows", ["to_org_id"], schema=S,
                    postgresql_where=sa.text("to_org_id IS NOT NULL"))
    op.create_table(
        "inflows",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("outflow_id", sa.BigInteger, sa.ForeignKey("transfer.outflows.id")),
        sa.Column("external", JSONB),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("history", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("inflows_one_per_outflow", "inflows", ["outflow_id"], unique=True, schema=S,
                    postgresql_where=sa.text("state = 'in'"))
    op.create_index("inflows_org", "inflows", ["org_id", "id"], schema=S)
    op.create_index("inflows_one_external", "inflows", ["org_id", sa.text("(external ->> 'id_number')")],
                    unique=True, schema=S, postgresql_where=sa.text("state = 'in' AND external IS NOT NULL"))
    op.create_table(
        "certificates",
        sa.Column("number", sa.Text, primary_key=True),
        sa.Column("outflow_id", sa.BigInteger, sa.ForeignKey("transfer.outflows.id"), nullable=False),
        sa.Column("county_org_id", sa.BigInteger, nullable=False),
        sa.Column("issuer_org_id", sa.BigInteger, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("voided_on", sa.Date),
        sa.Column("void_reason", sa.Text),
        schema=S,
    )
    op.create_index("certificates_outflow", "certificates", ["outflow_id"], schema=S)
    op.create_table(
        "certificate_serials",
        sa.Column("county_org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
        schema=S,
    )


def downgrade():
    for table in ("certificate_serials", "certificates", "inflows", "outflows"):
        op.drop_table(table, schema=S)
