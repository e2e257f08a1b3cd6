"""transfer: 转接原因 as an editable code table (seeded with PMIS's codes), and the contacts of
organizations (联系人, 联系电话 of the org card) projected from org events for the route

Revision ID: transfer_0004_reason_codes
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0004_reason_codes"
down_revision = "transfer_0003"

SEED = [("01", "调动工作"), ("02", "升学/毕业"), ("03", "参军/退伍"), ("04", "外出务工经商"), ("05", "户籍迁移"),
        ("06", "离退休"), ("99", "其他")]


def upgrade():
    table = op.create_table(
        "reason_codes",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema="transfer",
    )
    op.create_index("reason_codes_name", "reason_codes", ["name"], unique=True, schema="transfer")
    op.bulk_insert(table, [{"code": code, "name": name, "sort_order": index}
                           for index, (code, name) in enumerate(SEED, start=1)])
    op.create_index("transfers_reason", "transfers", ["reason"], schema="transfer")
    # A used code can never be deleted, whatever races (disable it instead).
    op.create_foreign_key("transfers_reason_code", "transfers", "reason_codes", ["reason"], ["code"],
                          source_schema="transfer", referent_schema="transfer")
    op.create_table(
        "org_contacts",
        sa.Column("org_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("contact_person", sa.Text),
        sa.Column("contact_phone", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        schema="transfer",
    )


def downgrade():
    op.drop_table("org_contacts", schema="transfer")
    op.drop_constraint("transfers_reason_code", "transfers", schema="transfer")
    op.drop_index("transfers_reason", "transfers", schema="transfer")
    op.drop_table("reason_codes", schema="transfer")
