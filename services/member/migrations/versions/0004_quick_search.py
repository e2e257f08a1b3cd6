"""member: pinyin initials and prefix indexes for quick search

Revision ID: member_0004
"""
import sqlalchemy as sa
from alembic import op

from services.member.domain.names import initials

revision = "member_0004"
down_revision = "member_0003"
S = "member"
BATCH = 5000


def upgrade():
    op.add_column("members", sa.Column("name_initials", sa.Text, nullable=False, server_default=""), schema=S)
    connection = op.get_bind()
    last = 0
    while True:  # backfill in batches: pinyin is computed in Python
        rows = connection.execute(sa.text("SELECT id, name FROM member.members WHERE id > :last ORDER BY id "
                                          "LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        connection.execute(sa.text("UPDATE member.members SET name_initials = :initials WHERE id = :id"),
                           [{"id": row.id, "initials": initials(row.name)} for row in rows])
        last = rows[-1].id
    op.create_index("members_name_prefix", "members", ["name"], schema=S, postgresql_ops={"name": "text_pattern_ops"})
    op.create_index("members_initials_prefix", "members", ["name_initials"], schema=S,
                    postgresql_ops={"name_initials": "text_pattern_ops"})
    op.create_index("members_id_number_prefix", "members", ["id_number"], schema=S,
                    postgresql_ops={"id_number": "text_pattern_ops"})


def downgrade():
    for index in ("members_id_number_prefix", "members_initials_prefix", "members_name_prefix"):
        op.drop_index(index, table_name="members", schema=S)
    op.drop_column("members", "name_initials", schema=S)
