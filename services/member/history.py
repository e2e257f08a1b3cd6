"""A member's readable history: the lines each change of the card wrote with it (store.record_history),
read newest first with code names, who and when."""
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.history import ACTION_NAMES, readable
from .domain.info_sets import INFO_SETS
from .models import history
from .store import load_member

HISTORY_PAGE = 100


def _action_name(action: str, info_set: str | None) -> str:
    name = ACTION_NAMES.get(action, action)
    return f"{name}{INFO_SETS[info_set].label}" if info_set in INFO_SETS else name


def member_history(sessions: sessionmaker, caller: Caller, member_id, page=1) -> dict:
    """Every recorded change of the member's card, newest first, a page at a time."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        raise ValidationFailed("页码应为正整数", {"page": "应为正整数"}) from None
    with sessions() as session:
        row = load_member(session, member_id)
        caller.require(row.org_path, "该党员")
        where = history.c.member_id == row.id
        total = session.execute(select(func.count()).select_from(history).where(where)).scalar_one()
        lines = session.execute(select(history).where(where).order_by(history.c.id.desc())
                                .limit(HISTORY_PAGE).offset((page - 1) * HISTORY_PAGE)).all()
    return {"member_id": row.id, "total": total, "page": page, "size": HISTORY_PAGE, "items": [
        {"id": line.id, "action": line.action, "action_name": _action_name(line.action, line.info_set),
         "info_set": line.info_set, "changes": readable(line.info_set, line.changes), "version": line.version,
         "actor": line.actor, "actor_name": line.actor_name or line.actor, "at": line.at.isoformat()}
        for line in lines]}
