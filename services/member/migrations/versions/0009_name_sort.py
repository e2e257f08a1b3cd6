"""member: a pinyin sort key of each name, so lists, queries and exports sort as a Chinese reader
expects (by pinyin; polyphonic surnames read as surnames) instead of by code point

Revision ID: member_0009_name_sort
"""
import sqlalchemy as sa
from alembic import op

from services.member.domain.names import sort_key

revision = "member_0009_name_sort"
down_revision = "member_0008_basic_history"
S = "member"
BATCH = 5000


def upgrade():
    op.add_column("members", sa.Column("name_sort", sa.Text(collation="C")), schema=S)
    connection = op.get_bind()
    last = 0
    while True:  # backfill in batches: pinyin is computed in Python
        rows = connection.execute(sa.text("SELECT id, name FROM member.members WHERE id > :last ORDER BY id "
                                          "LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        connection.execute(sa.text("UPDATE member.members SET name_sort = :key WHERE id = :id"),
                           [{"id": row.id, "key": sort_key(row.name)} for row in rows])
        last = rows[-1].id
    op.create_index("members_org_sort", "members", ["org_id", "name_sort", "id"], schema=S)
    op.create_index("members_name_sort", "members", ["name_sort", "id"], schema=S)


def downgrade():
    op.drop_index("members_name_sort", table_name="members", schema=S)
    op.drop_index("members_org_sort", table_name="members", schema=S)
    op.drop_column("members", "name_sort", schema=S)
