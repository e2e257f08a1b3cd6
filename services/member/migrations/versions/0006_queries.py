"""member: 固定查询 (saved queries), 批量修改 (batch changes and their items), and the ID-number
key of the duplicate-ID supervision list

Revision ID: member_0006_queries
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "member_0006_queries"
down_revision = "member_0005"
S = "member"

# The person an ID number names: its first 17 characters, a 15-digit (1989-standard) number
# read as its 18-digit form (year 19YY). Same key = same person recorded twice.
ID_KEY = """
CREATE FUNCTION member.id_key(number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN length(btrim(number)) = 15
              THEN substr(btrim(number), 1, 6) || '19' || substr(btrim(number), 7, 9)
              ELSE upper(substr(btrim(number), 1, 17)) END
$$
"""

# A superset, in SQL, of the stored numbers domain/id_checks.id_number_problem rejects (Python
# then gives the reason): not 17 digits and a check character, a wrong check character, a birth
# date or sex the record contradicts, an address code starting with 0, a birth year before 1900.
# IMMUTABLE (to_char of a date with digits only does not depend on settings) so a partial index
# holds exactly the suspects: the list costs what it finds, not the subtree's size.
ID_SUSPECT = """
CREATE FUNCTION member.id_suspect(number text, birth date, sex text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN number ~ '^[0-9]{17}[0-9X]$' THEN NOT (
    substr('10X98765432', ((substr(number, 1, 1)::int * 7 + substr(number, 2, 1)::int * 9
      + substr(number, 3, 1)::int * 10 + substr(number, 4, 1)::int * 5 + substr(number, 5, 1)::int * 8
      + substr(number, 6, 1)::int * 4 + substr(number, 7, 1)::int * 2 + substr(number, 8, 1)::int * 1
      + substr(number, 9, 1)::int * 6 + substr(number, 10, 1)::int * 3 + substr(number, 11, 1)::int * 7
      + substr(number, 12, 1)::int * 9 + substr(number, 13, 1)::int * 10 + substr(number, 14, 1)::int * 5
      + substr(number, 15, 1)::int * 8 + substr(number, 16, 1)::int * 4 + substr(number, 17, 1)::int * 2)
      % 11) + 1, 1) = substr(number, 18, 1)
    AND substr(number, 7, 8) = to_char(birth, 'YYYYMMDD')
    AND (substr(number, 17, 1)::int % 2 = 1) = (sex = '1')
    AND substr(number, 1, 1) <> '0'
    AND birth >= DATE '1900-01-01')
  ELSE true END
$$
"""


def upgrade():
    op.create_table(
        "saved_queries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("query", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("account", "name", name="saved_queries_account_name"),
        schema=S,
    )
    op.create_table(
        "batch_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False, server_default=""),
        sa.Column("query", JSONB, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("skipped", JSONB, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_index("batch_changes_account", "batch_changes", ["account", "id"], schema=S)
    op.create_table(
        "batch_change_items",
        sa.Column("batch_id", sa.BigInteger, sa.ForeignKey("member.batch_changes.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("member.members.id"), primary_key=True),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("version_after", sa.Integer, nullable=False),
        schema=S,
    )
    op.execute(ID_KEY)
    op.execute("CREATE INDEX members_id_key ON member.members (member.id_key(id_number))")
    op.execute(ID_SUSPECT)
    op.execute("CREATE INDEX members_id_suspect ON member.members (org_path text_pattern_ops) "
               "WHERE member.id_suspect(id_number, birth_date, sex)")


def downgrade():
    op.execute("DROP INDEX member.members_id_suspect")
    op.execute("DROP FUNCTION member.id_suspect(text, date, text)")
    op.execute("DROP INDEX member.members_id_key")
    op.execute("DROP FUNCTION member.id_key(text)")
    op.drop_table("batch_change_items", schema=S)
    op.drop_table("batch_changes", schema=S)
    op.drop_table("saved_queries", schema=S)
