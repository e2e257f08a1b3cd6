"""Read paths of the organization card: its info-set records, its history, and search over the
organizations in use or in history (校核 is checks.py)."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.org_card import CARD_FIELDS, INFO_SETS, LEVEL_NAMES, SANCTION_FIELDS, UNIT_FIELDS, display
from .models import history, orgs
from .store import load_org, org_view

ACTION_NAMES = {
    "created": "新建", "imported": "导入", "updated": "修改组织情况", "renamed": "更名", "moved": "移动",
    "whole_org_transferred": "整建制转移",
    "revoked": "撤销",
    "restored": "恢复", "deleted": "删除", "sorted": "排序", "unit_added": "新增单位信息",
    "unit_updated": "修改单位信息", "unit_removed": "删除单位信息", "sanction_added": "新增组织奖惩",
    "sanction_updated": "修改组织奖惩", "sanction_removed": "删除组织奖惩", "batch": "批量修改",
    "batch_undone": "撤销批量修改", "evaluation": "民主评议情况",
}


def card_fields() -> dict:
    """Each info set's items: key, label, level (system = 系统必填项, norm = 必填项), kind and the
    code table's options — what forms mark and offer."""
    return {name: [{"key": f.key, "label": f.label, "level": f.level, "level_name": LEVEL_NAMES[f.level],
                    "required": f.required, "kind": f.kind,
                    "options": f.table.items() if f.table is not None else None} for f in fields]
            for name, fields in INFO_SETS.items()}


HISTORY_PAGE = 100


def readable_changes(action: str, changes) -> list[dict]:
    """Each change with `old_name` / `new_name` as a person reads them: 党组织类别 党支部, not 31;
    行业 制造业, not C. The line keeps the codes."""
    fields = UNIT_FIELDS if action.startswith("unit_") else SANCTION_FIELDS if action.startswith("sanction_") \
        else CARD_FIELDS
    return [{**c, "old_name": display(fields, c.get("field"), c.get("old")),
             "new_name": display(fields, c.get("field"), c.get("new"))} for c in changes or ()]


def org_history(sessions: sessionmaker, caller: Caller, org_id, page=1) -> dict:
    """Every change of the organization, newest first."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        raise ValidationFailed("页码应为正整数", {"page": "应为正整数"}) from None
    with sessions() as session:
        row = load_org(session, org_id)
        caller.require(row.path)
        where = history.c.org_id == row.id
        total = session.execute(select(func.count()).select_from(history).where(where)).scalar_one()
        lines = session.execute(select(history).where(where).order_by(history.c.id.desc())
                                .limit(HISTORY_PAGE).offset((page - 1) * HISTORY_PAGE)).all()
    return {"org_id": row.id, "total": total, "page": page, "size": HISTORY_PAGE, "items": [
        {"id": line.id, "action": line.action, "action_name": ACTION_NAMES.get(line.action, line.action),
         "changes": readable_changes(line.action, line.changes), "note": line.note, "version": line.version,
         "batch_id": str(line.batch_id) if line.batch_id else None, "actor": line.actor,
         "actor_name": line.actor_name or line.actor, "at": line.at.isoformat()} for line in lines]}


SEARCH_MAX = 50
SEARCH_SIZE = 50


def search_orgs(sessions: sessionmaker, caller: Caller, q="", history=False, under=None, page=1) -> dict:
    """Organizations in the caller's scope (below `under` if given) whose name contains `q` or
    whose code begins with it; in use, or with `history` the revoked ones (历史)."""
    if not isinstance(q, str) or len(q.strip()) > SEARCH_MAX:
        raise ValidationFailed(f"查询内容应为不超过{SEARCH_MAX}个字符的文本", {"q": "过长"})
    if not isinstance(history, bool):
        raise ValidationFailed("history 应为 true 或 false", {"history": "应为布尔值"})
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        raise ValidationFailed("页码应为正整数", {"page": "应为正整数"}) from None
    q = q.strip()
    with sessions() as session:
        scope = caller.scope_path
        if under not in (None, ""):
            top = load_org(session, under)
            caller.require(top.path)
            scope = top.path
        where = orgs.c.path.startswith(scope, autoescape=True) & (orgs.c.status == ("revoked" if history else "active"))
        if q:
            where &= or_(orgs.c.name.contains(q, autoescape=True), orgs.c.code.startswith(q, autoescape=True))
        total = session.execute(select(func.count()).select_from(orgs).where(where)).scalar_one()
        rows = session.execute(select(orgs).where(where).order_by(orgs.c.path)
                               .limit(SEARCH_SIZE).offset((page - 1) * SEARCH_SIZE)).all()
    return {"q": q, "history": history, "total": total, "page": page, "size": SEARCH_SIZE,
            "items": [org_view(row) for row in rows]}
