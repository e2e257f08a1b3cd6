"""The organization directory: a projection of the org service's tree (id, parent, path, code,
name, type, status, version) that a service keeps in its own schema, fed by org events, so it
never asks org by RPC for a path (house rule 1; DESIGN.md: a value another service owns is a
projection, never a frozen copy).

Order-proof: a row takes an event only if the event is newer than the row; a path is derived
from the parent's projected path when the parent is known (an organization's parent changes
only by its own move, an ancestor's move reaches it through that ancestor), so a late event
from before a move cannot put an organization back under its old path. A move rewrites the
paths of the moved subtree. The lookup falls back to the org service (`fallback(org_id)`) for
an organization not projected yet (just created, event on its way).
"""
import sqlalchemy as sa
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from .context import Caller
from .errors import NotFound
from .messaging.inbox import claim

# The org events a directory follows (a service's events.py declares them in CONSUMES).
ORG_EVENTS = ("org_created", "org_renamed", "org_updated", "org_revoked", "org_restored", "org_deleted", "org_moved")
DELETED = "deleted"  # a tombstone: an older event cannot bring a deleted organization back


def org_directory_table(metadata: MetaData) -> Table:
    table = Table(
        "org_directory", metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=False),
        Column("parent_id", BigInteger),
        Column("path", Text, nullable=False),
        Column("code", Text),
        Column("name", Text, nullable=False, server_default=""),
        Column("type", Text, nullable=False, server_default=""),
        Column("status", Text, nullable=False),
        Column("version", Integer, nullable=False),
    )
    Index("org_directory_path", table.c.path, postgresql_ops={"path": "text_pattern_ops"})
    Index("org_directory_code", table.c.code)
    return table


def create_org_directory(op, schema: str) -> None:
    """For a service's migration: the table and its indexes."""
    op.create_table(
        "org_directory",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.BigInteger),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("code", sa.Text),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("type", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        schema=schema,
    )
    op.create_index("org_directory_path", "org_directory", ["path"], schema=schema,
                    postgresql_ops={"path": "text_pattern_ops"})
    op.create_index("org_directory_code", "org_directory", ["code"], schema=schema)


def moved_path(path: str, old_prefix: str, new_prefix: str) -> str:
    """A path under a moved organization, rewritten (pure; the SQL below does the same)."""
    return new_prefix + path[len(old_prefix):] if path.startswith(old_prefix) else path


def apply_event(session: Session, table: Table, inbox: Table, event: dict) -> bool:
    """Project one org event in the caller's transaction; False when it was seen before."""
    if not claim(session, inbox, [event]):
        return False
    state, version = event["payload"], int(event["aggregate_version"])
    parent_path = None
    if state.get("parent_id") is not None:
        parent_path = session.execute(select(table.c.path).where(table.c.id == state["parent_id"])).scalar()
    path = f"{parent_path}{state['id']}/" if parent_path else state["path"]
    status = DELETED if event["type"] == "org_deleted" else state.get("status") or "active"
    values = {"parent_id": state.get("parent_id"), "path": path, "code": state.get("code"),
              "name": state.get("name") or "", "type": state.get("type") or "", "status": status, "version": version}
    statement = insert(table).values(id=state["id"], **values)
    statement = statement.on_conflict_do_update(index_elements=[table.c.id], set_=values,
                                                where=table.c.version < statement.excluded.version)
    old = session.execute(select(table.c.path).where(table.c.id == state["id"]).with_for_update()).scalar()
    applied = session.execute(statement.returning(table.c.id)).first() is not None
    if applied and old and old != path:
        rehome(session, table, old, path)
    return True


def rehome(session: Session, table: Table, old_prefix: str, new_prefix: str) -> int:
    """Rewrite the paths under a moved organization (its own row already carries the new path)."""
    return rewrite_paths(session, table, "path", old_prefix, new_prefix, table.c.path != old_prefix)


def rewrite_paths(session: Session, table: Table, column: str, old_prefix: str, new_prefix: str, *where) -> int:
    """Move every row of `table` whose `column` path lies under `old_prefix` to `new_prefix`
    (a service's rows placed by organization path, e.g. members, photos)."""
    col = table.c[column]
    return session.execute(update(table).where(col.startswith(old_prefix, autoescape=True), *where)
                           .values({column: text(f":new || substr({column}, :cut)").bindparams(
                               new=new_prefix, cut=len(old_prefix) + 1)})).rowcount


def on_move(event: dict) -> tuple[str, str] | None:
    """(old path, new path) of an org_moved event; None for any other event."""
    if event["type"] != "org_moved":
        return None
    return event["payload"]["old_path"], event["payload"]["new_path"]


def view(row) -> dict:
    return {"id": row.id, "path": row.path, "type": row.type, "name": row.name, "status": row.status,
            "code": row.code, "parent_id": row.parent_id}


class OrgDirectory:
    """Lookups in a service's org directory, scope-checked like the org service's own: the
    same answers (NotFound 党组织不存在, Forbidden) as the RPC it replaces."""

    def __init__(self, sessions: sessionmaker, table: Table, fallback=None):
        self.sessions, self.table, self.fallback = sessions, table, fallback

    def find(self, org_id) -> dict | None:
        try:
            org_id = int(org_id)
        except (TypeError, ValueError):
            return None
        with self.sessions() as session:
            row = session.execute(select(self.table).where(self.table.c.id == org_id)).first()
        if row is not None:
            return None if row.status == DELETED else view(row)
        if not self.fallback:
            return None
        found = self.fallback(org_id)  # raises NotFound/Forbidden as the org service decides
        self._remember(found)
        return found

    def _remember(self, found: dict) -> None:
        """Keep what the fallback said (its events, when they come, are newer or the same)."""
        if found.get("version") is None:
            return
        values = {key: found.get(key) for key in ("parent_id", "path", "code", "name", "type", "status", "version")}
        statement = insert(self.table).values(id=found["id"], **values)
        with self.sessions.begin() as session:
            session.execute(statement.on_conflict_do_nothing(index_elements=[self.table.c.id]))

    def org(self, caller: Caller, org_id) -> dict:
        """The organization (id, path, type, name, status…) if the caller may act on it."""
        found = self.find(org_id)
        if found is None:
            raise NotFound("党组织不存在")
        caller.require(found["path"])
        return found

    def lookup(self, caller: Caller):
        """`org_lookup(org_id)` for the use cases, bound to the caller."""
        return lambda org_id: self.org(caller, org_id)

    def by_codes(self, caller: Caller, codes, fallback=None) -> dict:
        """{code: {"id", "path", "name", "in_scope", "type", "status"}} of the codes that exist."""
        wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
        with self.sessions() as session:
            rows = session.execute(select(self.table).where(self.table.c.code.in_(wanted),
                                                            self.table.c.status != DELETED)).all()
        found = {row.code: {"id": row.id, "path": row.path, "name": row.name, "in_scope": caller.covers(row.path),
                            "type": row.type, "status": row.status} for row in rows}
        missing = [code for code in wanted if code not in found]
        if missing and fallback:
            found.update(fallback(missing))
        return found
