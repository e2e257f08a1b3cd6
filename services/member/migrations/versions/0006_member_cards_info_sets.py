"""member: the member card — the rest of the basic set, the repeating info sets (学历学位, 工作岗位,
职务, 技术职务, 民主评议, 奖惩情况, 其他党团信息, 困难党员) and batch adds (批量添加)

Revision ID: member_0006_member_cards
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "member_0006_member_cards"
down_revision = "member_0005"
S = "member"

BASIC = (("former_name", sa.Text), ("native_place", sa.Text), ("education", sa.Text), ("occupation", sa.Text),
         ("full_on", sa.Date), ("branch_joined_on", sa.Date), ("phone", sa.Text), ("address", sa.Text))
T, D, N = sa.Text, sa.Date, sa.Integer
# (table, [(column, type, required)]) — frozen here as the models had them at this revision.
INFO_SETS = (
    ("educations", [("education", T, True), ("degree", T, False), ("school", T, False), ("major", T, False),
                    ("study_mode", T, False), ("started_on", D, False), ("graduated_on", D, False)]),
    ("work_posts", [("occupation", T, True), ("unit", T, False), ("post", T, False), ("started_on", D, True),
                    ("ended_on", D, False)]),
    ("positions", [("title", T, True), ("unit", T, False), ("started_on", D, True), ("ended_on", D, False)]),
    ("titles", [("title", T, True), ("level", T, False), ("obtained_on", D, False), ("appointed_on", D, False)]),
    ("evaluations", [("year", N, True), ("grade", T, True), ("note", T, False)]),
    ("rewards", [("kind", T, True), ("name", T, True), ("decided_on", D, True), ("authority", T, False),
                 ("reason", T, False)]),
    ("other_parties", [("party", T, True), ("joined_on", D, True), ("left_on", D, False), ("note", T, False)]),
    ("hardships", [("kind", T, True), ("recorded_on", D, True), ("description", T, False),
                   ("relieved_on", D, False)]),
)


def upgrade():
    for name, type_ in BASIC:
        op.add_column("members", sa.Column(name, type_), schema=S)
    for table, columns in INFO_SETS:
        extra = [sa.UniqueConstraint("member_id", "year", name="evaluations_one_per_year")] \
            if table == "evaluations" else []
        op.create_table(
            table,
            sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
            sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), nullable=False),
            *[sa.Column(name, type_, nullable=not required) for name, type_, required in columns],
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
            *extra,
            schema=S,
        )
        op.create_index(f"{table}_member", table, ["member_id", "id"], schema=S)
    op.create_table(
        "batches",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("info_set", sa.Text, nullable=False),
        sa.Column("values", JSONB, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("scope_path", sa.Text, nullable=False),
        sa.Column("items", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.Column("undone_by", sa.Text),
        schema=S,
    )


def downgrade():
    op.drop_table("batches", schema=S)
    for table, _ in reversed(INFO_SETS):
        op.drop_table(table, schema=S)
    for name, _ in reversed(BASIC):
        op.drop_column("members", name, schema=S)
