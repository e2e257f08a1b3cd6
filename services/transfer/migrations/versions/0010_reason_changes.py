"""transfer: the history of the 转接原因 code table (代码表, docs/CODES.md): every entry added,
renamed, retired (停用), restored (启用) or deleted (an unused mistaken one), with the names before
and after, who and when. The list's revision is the number of these rows.

Revision ID: transfer_0010_reason_changes
"""
import sqlalchemy as sa
from alembic import op

revision = "transfer_0010_reason_changes"
down_revision = "transfer_0009_mobility_paths"


def upgrade():
    op.create_table(
        "reason_code_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        # No foreign key: the row of a deleted (never used) code stays in the history.
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("name_before", sa.Text),
        sa.Column("name_after", sa.Text),
        sa.Column("changed_by", sa.Text),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema="transfer",
    )
    op.create_index("reason_code_changes_code", "reason_code_changes", ["code", "id"], schema="transfer")


def downgrade():
    op.drop_table("reason_code_changes", schema="transfer")
