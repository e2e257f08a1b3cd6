"""移动党组织: an organization and its whole subtree go under another parent. Members and
every projection follow by the `org_moved` event (old path, new path, date); the stats
service re-homes the subtree's counters from it. The move is not 整建制转移 (a later feature)
and counts no 转入/转出 in the annual report: the counts simply sit under the new parent."""
from datetime import datetime, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, validated
from services.shared.messaging.outbox import record_event

from .domain.move import new_path, target_problem, validate_move
from .events import ORG_MOVED, org_state
from .models import orgs, outbox
from .store import load_org, log_change, require_active, require_version


def move_org(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    with sessions.begin() as session:
        row = load_org(session, org_id, lock=True)
        caller.require(row.path)
        change = validated(lambda data: validate_move(data, row.established_on), raw, "移动")
        require_version(row, change["version"])
        if row.parent_id is None:
            raise Conflict("根党组织不能移动")
        if row.path == caller.scope_path:
            raise Forbidden("不能移动本账号所管理的党组织本身，请由上级党组织的账号操作")
        require_active(row, "移动")
        try:
            # Locked: a revoke of the target, which checks for active children, waits for this.
            target = load_org(session, change["parent_id"], lock=True)
        except NotFound:
            raise ValidationFailed("新的上级党组织不存在", {"parent_id": "上级党组织不存在"}) from None
        caller.require(target.path, "新的上级党组织")
        problem = target_problem(row.path, row.parent_id, target)
        if problem:
            raise ValidationFailed(problem, {"parent_id": problem})
        old_parent = load_org(session, row.parent_id)
        old, new = row.path, new_path(target.path, row.id)
        # The subtree first (paths only: their own state did not change), then the organization.
        session.execute(update(orgs).where(orgs.c.path.startswith(old, autoescape=True), orgs.c.id != row.id)
                        .values(path=text(":new || substr(path, :cut)").bindparams(new=new, cut=len(old) + 1)))
        last = session.execute(select(func.coalesce(func.max(orgs.c.sort_order), 0))
                               .where(orgs.c.parent_id == target.id)).scalar_one()
        session.execute(update(orgs).where(orgs.c.id == row.id).values(
            parent_id=target.id, path=new, sort_order=last + 1, version=orgs.c.version + 1,
            updated_at=datetime.now(timezone.utc)))
        row = load_org(session, row.id)
        record_event(session, outbox, ORG_MOVED, row.id, row.version,
                     {**org_state(row), "old_path": old, "new_path": new, "old_parent_id": old_parent.id,
                      "moved_on": change["date"].isoformat(), "reason": change["reason"]}, caller)
        log_change(session, caller, row.id, "moved",
                   [{"field": "parent_id", "label": "上级党组织", "old": old_parent.name, "new": target.name},
                    {"field": "moved_on", "label": "移动日期", "old": None, "new": change["date"].isoformat()}],
                   change["reason"], row.version)
        return {"id": row.id, "parent_id": row.parent_id, "path": row.path, "version": row.version}
