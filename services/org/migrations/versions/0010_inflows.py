"""org: 流入 members at meetings — the projection of the transfer service's inflows (who may attend
an organization's meetings besides its rolls, from when until when) and the 流入 members who
attended a meeting, kept apart from the members' attendance

Revision ID: org_0010_inflows
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0010_inflows"
down_revision = "org_0009_orglife_plans"
S = "org"


def upgrade():
    op.create_table(
        "inflows",
        sa.Column("inflow_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("org_id", sa.BigInteger, nullable=False),
        sa.Column("member_id", sa.BigInteger),
        sa.Column("outflow_id", sa.BigInteger),
        sa.Column("member_name", sa.Text, nullable=False, server_default=""),
        sa.Column("certificate_no", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("inflows_org", "inflows", ["org_id", "from_date"], schema=S)
    op.create_table(
        "meeting_inflow_people",
        sa.Column("meeting_id", sa.BigInteger, sa.ForeignKey("org.meetings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("inflow_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("member_id", sa.BigInteger),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("certificate_no", sa.Text),
        schema=S,
    )
    op.create_index("meeting_inflow_people_inflow", "meeting_inflow_people", ["inflow_id"], schema=S)


def downgrade():
    op.drop_table("meeting_inflow_people", schema=S)
    op.drop_table("inflows", schema=S)
