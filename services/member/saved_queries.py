"""固定查询: an account's saved combined queries (save, list, open, rename, delete). Its own
feature module: it writes its table, and only the account's own queries exist for it."""
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.field_rules import text

from .domain.conditions import describe
from .models import outbox, saved_queries
from .store import check_query, scoped

NAME_MAX = 50

def _name(raw) -> str:
    try:
        return text(raw, NAME_MAX)
    except ValueError as exc:
        raise ValidationFailed(f"固定查询名称有误：{exc}", {"name": str(exc)}) from None


def _saved_view(row) -> dict:
    try:
        description = describe(check_query(row.query).where)
    except ValidationFailed as exc:  # a field since removed from the catalog
        description = f"（查询条件已失效：{exc.message}）"
    return {"id": row.id, "name": row.name, "query": row.query, "description": description,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


def _log(session, caller: Caller, row, action: str, before_name: str | None = None, name: str | None = None,
         query=None) -> None:
    """The 操作日志 entry of the account's own saved query, under the account's organization."""
    lines = [{"field": "名称", "before": before_name, "after": name}]
    if query is not None:
        lines.append({"field": "查询条件", "before": None, "after": _saved_view(row)["description"]})
    audit.record(session, outbox, caller, org_path=caller.scope_path, entity="saved_query", entity_id=row.id,
                 action=action, lines=lines)


def _name_taken(name: str) -> Conflict:
    return Conflict(f"已有名为“{name}”的固定查询，请换一个名称", {"name": "名称已存在"})


def save_query(sessions: sessionmaker, caller: Caller, org_lookup, name, raw) -> dict:
    name = _name(name)
    query = check_query(raw)
    scoped(caller, org_lookup, query)
    with sessions.begin() as session:
        try:
            with session.begin_nested():
                row = session.execute(saved_queries.insert().values(
                    account=caller.user_id, name=name, query=query.plain()).returning(saved_queries)).one()
        except IntegrityError:
            raise _name_taken(name) from None
        _log(session, caller, row, "保存固定查询", name=row.name, query=row.query)
        return _saved_view(row)


def list_saved_queries(sessions: sessionmaker, caller: Caller) -> list[dict]:
    with sessions() as session:
        rows = session.execute(select(saved_queries).where(saved_queries.c.account == caller.user_id)
                               .order_by(saved_queries.c.name)).all()
    return [_saved_view(row) for row in rows]


def _own(session, caller: Caller, saved_id, for_update=False):
    try:
        saved_id = int(saved_id)
    except (TypeError, ValueError):
        raise NotFound("固定查询不存在") from None
    statement = select(saved_queries).where(saved_queries.c.id == saved_id,
                                            saved_queries.c.account == caller.user_id)
    row = session.execute(statement.with_for_update() if for_update else statement).first()
    if row is None:  # another account's saved query is not shown to exist
        raise NotFound("固定查询不存在")
    return row


def get_saved_query(sessions: sessionmaker, caller: Caller, saved_id) -> dict:
    with sessions() as session:
        return _saved_view(_own(session, caller, saved_id))


def rename_saved_query(sessions: sessionmaker, caller: Caller, saved_id, name) -> dict:
    name = _name(name)
    with sessions.begin() as session:
        before = _own(session, caller, saved_id, for_update=True)
        try:
            with session.begin_nested():
                row = session.execute(update(saved_queries).where(saved_queries.c.id == before.id)
                                      .values(name=name, updated_at=func.now()).returning(saved_queries)).one()
        except IntegrityError:
            raise _name_taken(name) from None
        _log(session, caller, row, "重命名固定查询", before.name, row.name)
        return _saved_view(row)


def delete_saved_query(sessions: sessionmaker, caller: Caller, saved_id) -> None:
    with sessions.begin() as session:
        row = _own(session, caller, saved_id, for_update=True)
        session.execute(delete(saved_queries).where(saved_queries.c.id == row.id))
        _log(session, caller, row, "删除固定查询", before_name=row.name)
