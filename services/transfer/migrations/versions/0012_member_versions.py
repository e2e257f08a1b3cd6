"""transfer: member_versions, the newest member_updated version that left the rolls or took a
leave back (回退) applied per member, so an older one arriving late changes no outflow
(mobility_commands.on_member_updated; docs/MOBILITY.md)

Revision ID: transfer_0012_member_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0012_member_versions"
down_revision = "transfer_0011_outflow_imports"
S = "transfer"


def upgrade():
    op.create_table(
        "member_versions",
        sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("member_versions", schema=S)
