"""The database side of backup and restore: one exported snapshot that the row counts, the
migration heads, the media keys and pg_dump all read; pg_restore into an empty database.

pg_dump and pg_restore (PostgreSQL client programs, at least the server's major version) must be
on PATH; the settings are PMIS_DATABASE_URL's (a password goes through PGPASSWORD, never argv)."""
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import Connection, make_url

from services.shared.config import database_url

# Every schema but PostgreSQL's own: the services' (org, member, …) and whatever their migrations create.
USER_SCHEMA = "n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
TABLES = sa.text(f"""
SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {USER_SCHEMA} ORDER BY 1, 2""")
# Anything restorable in a user schema; a fresh database has none (its empty `public` schema aside).
CONTENT = sa.text(f"""
SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f') AND {USER_SCHEMA}
UNION ALL SELECT n.nspname FROM pg_namespace n WHERE {USER_SCHEMA} AND n.nspname <> 'public'
LIMIT 5""")


class ToolFailed(RuntimeError):
    pass


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ToolFailed(f"找不到 {name}：请安装 PostgreSQL 客户端程序（Debian：postgresql-client，"
                         f"主版本不低于数据库服务器）")
    return found


def _libpq() -> tuple[str, dict]:
    """(conninfo without the password, environment with PGPASSWORD) for the PostgreSQL programs."""
    url = make_url(database_url())
    conninfo = make_conninfo(host=url.host or "", port=str(url.port or ""), user=url.username or "",
                             dbname=url.database or "", **{k: str(v) for k, v in url.query.items()})
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return conninfo, env


def _run(args: list[str]) -> str:
    conninfo, env = _libpq()
    result = subprocess.run([*args, "--dbname", conninfo], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolFailed(f"{Path(args[0]).name} 失败（代码 {result.returncode}）：{result.stderr.strip()[-2000:]}")
    return result.stdout


def engine() -> sa.Engine:
    return sa.create_engine(database_url(), poolclass=sa.pool.NullPool)


@contextmanager
def snapshot(eng: sa.Engine):
    """A read-only REPEATABLE READ transaction, its snapshot exported: yields (connection, snapshot id,
    the snapshot's time). Everything read here and by `dump(snapshot id)` sees one instant."""
    with eng.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True) as conn:
        with conn.begin():
            snapshot_id, at = conn.execute(sa.text("SELECT pg_export_snapshot(), now()")).one()
            yield conn, snapshot_id, at


def contents(conn: Connection) -> dict:
    """{schema: {"heads": [alembic revisions], "tables": {table: rows}}}. Counting takes each table's
    ACCESS SHARE lock, which a snapshot's pg_dump then needs: no DDL can slip in between."""
    found: dict = {}
    for schema, name in conn.execute(TABLES).all():
        entry = found.setdefault(schema, {"heads": [], "tables": {}})
        table = f'"{schema}"."{name}"'
        entry["tables"][name] = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
        if name == "alembic_version":
            entry["heads"] = sorted(conn.execute(sa.text(f"SELECT version_num FROM {table}")).scalars())
    return found


def dump(path: Path, snapshot_id: str) -> str:
    """pg_dump of the whole database (custom format) as of the exported snapshot; returns its version."""
    pg_dump = _tool("pg_dump")
    _run([pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={path}"])
    return subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout.strip()


def leftovers(eng: sa.Engine) -> list[str]:
    """A few of the tables, sequences, views or schemas already in the database (none: it is empty)."""
    with eng.connect() as conn:
        return list(conn.execute(CONTENT).scalars())


def restore(path: Path) -> None:
    """All or nothing (one transaction); objects belong to the restoring user, grants are not copied."""
    _run([_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
          str(path)])


def replay_recent(eng: sa.Engine, since) -> int:
    """Mark the outbox events sent since `since` unsent, in every schema with an outbox: the relays
    publish them again, and consumers drop what their inbox already holds. An event sent just before
    the snapshot may not have been consumed yet, and the copy's broker starts empty."""
    replayed = 0
    with eng.begin() as conn:
        schemas = conn.execute(sa.text(f"""SELECT n.nspname FROM pg_class c JOIN pg_namespace n
            ON n.oid = c.relnamespace WHERE c.relname = 'outbox' AND c.relkind = 'r' AND {USER_SCHEMA}""")).scalars()
        for schema in list(schemas):
            replayed += conn.execute(sa.text(f'UPDATE "{schema}".outbox SET sent_at = NULL WHERE sent_at >= :since'),
                                     {"since": since}).rowcount
    return replayed
