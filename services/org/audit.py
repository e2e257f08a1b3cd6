"""操作日志 (docs/AUDIT.md): the org service keeps every service's audit_recorded events in the
append-only audit_entries, and searches them within the caller's subtree.

Storing is idempotent by the event's id (a redelivery or a replay stores nothing); there is no
update or delete here, and the table's trigger refuses them anyway. Entries are placed by the
org_path the entity had when it changed; the search shows an entry to a caller whose scope covers
that path.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.lockout import CHINA_TIME
from .models import audit_entries
from .store import account_by_name, load_org

PAGE = 50
MAX_PAGE = 500
ENTITY_NAMES = audit.ENTITY_NAMES


def _at(value) -> datetime:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValueError(f"audit event with a bad time: {value!r}")
    return at


def store(sessions: sessionmaker, event: dict) -> bool:
    """Keep one audit_recorded event; False when it was kept before."""
    body = event["payload"]
    who = body.get("account") or {}
    values = {
        "event_id": event["event_id"], "source": str(event.get("source") or body.get("source") or ""),
        "at": _at(body.get("at") or event["occurred_at"]), "account_id": str(who.get("user_id") or ""),
        "username": str(who.get("username") or ""), "ip": str(body.get("ip") or ""),
        "request_id": str(body.get("request_id") or event.get("request_id") or ""),
        "org_path": str(body.get("org_path") or "/"), "entity": str(body["entity"]),
        "entity_id": body.get("entity_id"), "action": str(body["action"]), "changes": body.get("changes") or [],
    }
    with sessions.begin() as session:
        stored = session.execute(insert(audit_entries).values(**values)
                                 .on_conflict_do_nothing(index_elements=[audit_entries.c.event_id])).rowcount
    return bool(stored)


# --- search ----------------------------------------------------------------------------------

def _day(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("日期格式应为YYYY-MM-DD", {name: "日期格式应为YYYY-MM-DD"}) from None


def _cursor(value) -> tuple[datetime, int] | None:
    if value in (None, ""):
        return None
    try:
        at, entry_id = str(value).rsplit("|", 1)
        return datetime.fromisoformat(at), int(entry_id)
    except ValueError:
        raise ValidationFailed("翻页标记无效", {"after": "翻页标记无效"}) from None


def _text(filters: dict, name: str) -> str | None:
    value = filters.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > 100 or "\x00" in str(value):
        raise ValidationFailed("查询条件有误", {name: "应为100字以内的文本"})
    return str(value).strip()


def _where(session, caller: Caller, filters: dict):
    path = caller.scope_path
    if (org_id := filters.get("org_id")) not in (None, ""):
        org = load_org(session, org_id)
        caller.require(org.path)
        path = org.path
    conditions = [audit_entries.c.org_path.startswith(path, autoescape=True)]
    if account := _text(filters, "account"):
        known = account_by_name(session, account)
        conditions.append(audit_entries.c.username == (known.username if known else account))
    if entity := _text(filters, "entity"):
        conditions.append(audit_entries.c.entity == entity)
    if entity_id := _text(filters, "entity_id"):
        conditions.append(audit_entries.c.entity_id == entity_id)
    if kind := _text(filters, "kind"):
        conditions.append(audit_entries.c.action.startswith(kind, autoescape=True))
    start, end = _day(filters.get("from"), "from"), _day(filters.get("to"), "to")
    if start and end and end < start:
        raise ValidationFailed("结束日期早于开始日期", {"to": "结束日期早于开始日期"})
    if start:
        conditions.append(audit_entries.c.at >= datetime.combine(start, datetime.min.time(), CHINA_TIME))
    if end:
        conditions.append(audit_entries.c.at < datetime.combine(end + timedelta(days=1), datetime.min.time(),
                                                                CHINA_TIME))
    return and_(*conditions)


def entry_view(row) -> dict:
    return {"id": row.id, "at": row.at.astimezone(CHINA_TIME).isoformat(),
            "account": {"user_id": row.account_id, "username": row.username}, "ip": row.ip,
            "request_id": row.request_id, "org_path": row.org_path, "entity": row.entity,
            "entity_name": ENTITY_NAMES.get(row.entity, row.entity), "entity_id": row.entity_id,
            "action": row.action, "changes": row.changes, "source": row.source}


def statement(session, caller: Caller, filters: dict, after, limit: int):
    """The search's SELECT (a page and one more row, to know whether there is a next page); the
    benchmark (bench/audit_scale.py) explains this very statement."""
    where = _where(session, caller, filters)
    if cursor := _cursor(after):
        at, entry_id = cursor
        where = and_(where, or_(audit_entries.c.at < at,
                                and_(audit_entries.c.at == at, audit_entries.c.id < entry_id)))
    return (select(audit_entries).where(where).order_by(audit_entries.c.at.desc(), audit_entries.c.id.desc())
            .limit(limit + 1))


def search(sessions: sessionmaker, caller: Caller, filters: dict | None = None, after=None, limit=PAGE) -> dict:
    """Entries of the caller's subtree matching `filters` (org_id, account, entity, entity_id, kind,
    from, to), newest first, `limit` a page; `next` continues after the last one (keyset on at, id)."""
    filters = filters if isinstance(filters, dict) else {}
    try:
        limit = max(1, min(int(limit), MAX_PAGE))
    except (TypeError, ValueError):
        limit = PAGE
    with sessions() as session:
        rows = session.execute(statement(session, caller, filters, after, limit)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return {"items": [entry_view(r) for r in rows],
            "next": f"{last.at.isoformat()}|{last.id}" if more and last else None}


def record_for_account(session, outbox, caller: Caller, account, org_path: str, action: str,
                       lines: list[dict] | None = None) -> None:
    """An entry about an account (its creation, 停用, a login …), by `caller` or, when nobody is
    logged in yet, by the account itself."""
    audit.record(session, outbox, caller, org_path=org_path, entity="account",
                 entity_id=account.id if account is not None else None, action=action, lines=lines,
                 account=None if caller.user_id not in ("", "system") else {
                     "user_id": str(account.id) if account is not None else "",
                     "username": account.username if account is not None else ""})
