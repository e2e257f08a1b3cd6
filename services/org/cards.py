"""Use cases of the organization card: edit, units and rewards, 撤销 and its undoing, delete,
sort among siblings. Each locks the organization's row, checks scope, validates, checks the
version the client read (a stale one changes nothing), then writes the change with its event
and its history line in one transaction."""
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.messaging.outbox import record_event

from .domain.org_card import (
    CARD_FIELDS,
    SANCTION_FIELDS,
    UNIT_FIELDS,
    changes_list,
    check_type_change,
    read_version,
    validate_card_changes,
    validate_entry,
    validate_revoke,
)
from .events import ORG_DELETED, ORG_RESTORED, ORG_REVOKED, ORG_UPDATED, org_state
from .models import accounts, orgs, outbox, sanctions, setting_values, units
from .store import KEEPS_SESSIONS, load_org, log_change, require_active, require_version, save_org
from .terms import close_on_revocation
from .transit import refuse_if_in_transit


def _locked(session: Session, caller: Caller, org_id):
    row = load_org(session, org_id, lock=True)
    caller.require(row.path)
    return row


def has_children(session: Session, org_id: int, active_only: bool = False) -> bool:
    where = orgs.c.parent_id == org_id
    if active_only:
        where &= orgs.c.status == "active"
    return session.execute(select(exists().where(where))).scalar()


def _optional_version(raw) -> int | None:
    return validated(read_version, raw or {}, "党组织")


def update_org(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    """组织情况 items except the name (更名) and the parent (整建制转移)."""
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        read, changes = validated(lambda data: validate_card_changes(data, row._mapping), raw, "党组织")
        require_version(row, read)
        require_active(row, "修改")
        if "type" in changes:
            validated(lambda t: check_type_change(t, has_children(session, row.id)), changes["type"], "党组织")
        if changes:
            row = save_org(session, caller, row, changes, ORG_UPDATED, "updated",
                           changes_list(CARD_FIELDS, row._mapping, changes))
        return {"id": row.id, "version": row.version}


# --- 单位信息 and 组织奖惩: records of the card; each change is a change of the organization ----

ENTRY_SETS = {
    "unit": (units, UNIT_FIELDS, "单位信息", "unit"),
    "sanction": (sanctions, SANCTION_FIELDS, "组织奖惩", "sanction"),
}


def _entry_set(kind: str):
    if kind not in ENTRY_SETS:
        raise NotFound("信息集不存在")
    return ENTRY_SETS[kind]


def _entry(session: Session, table, org_id: int, entry_id):
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound("记录不存在") from None
    entry = session.execute(select(table).where(table.c.id == entry_id, table.c.org_id == org_id)).first()
    if entry is None:
        raise NotFound("记录不存在")
    return entry


def _entry_title(values) -> str:
    return str(values.get("name") or "")


def save_entry(sessions: sessionmaker, caller: Caller, org_id, kind: str, raw, entry_id=None) -> dict:
    """Add (entry_id None) or change one record of 单位信息 / 组织奖惩."""
    table, fields, what, action = _entry_set(kind)
    data = validated(lambda d: validate_entry(fields, d), raw, what)
    read = _optional_version(raw)
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        require_version(row, read)
        require_active(row, "修改")
        if entry_id is None:
            new_id, row = add_entry(session, caller, row, kind, data)
            return {"id": new_id, "org_id": row.id, "version": row.version}
        entry = _entry(session, table, row.id, entry_id)
        changes = changes_list(fields, entry._mapping, data)
        if changes:
            session.execute(update(table).where(table.c.id == entry.id).values(**data))
            row = save_org(session, caller, row, {}, ORG_UPDATED, f"{action}_updated", changes,
                           f"{what}：{_entry_title(data)}")
        return {"id": entry.id, "org_id": row.id, "version": row.version}


def add_entry(session: Session, caller: Caller, row, kind: str, data: dict):
    """A new record of 单位信息 / 组织奖惩 on the locked, active organization `row` (`data` validated): a
    change of the organization (history, 操作日志, org_updated with its facts). (id, the row after).
    Also the 组织奖惩采集表's writer (sanction_imports.py)."""
    table, fields, what, action = _entry_set(kind)
    new_id = session.execute(table.insert().values(org_id=row.id, **data).returning(table.c.id)).scalar_one()
    row = save_org(session, caller, row, {}, ORG_UPDATED, f"{action}_added", changes_list(fields, {}, data),
                   f"{what}：{_entry_title(data)}")
    return new_id, row


def remove_entry(sessions: sessionmaker, caller: Caller, org_id, kind: str, entry_id, raw=None) -> dict:
    table, fields, what, action = _entry_set(kind)
    read = _optional_version(raw)
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        require_version(row, read)
        require_active(row, "修改")
        entry = _entry(session, table, row.id, entry_id)
        session.execute(delete(table).where(table.c.id == entry.id))
        changes = [{**c, "old": c["new"], "new": None} for c in changes_list(fields, {}, entry._mapping)]
        row = save_org(session, caller, row, {}, ORG_UPDATED, f"{action}_removed", changes,
                       f"{what}：{_entry_title(entry._mapping)}")
        return {"org_id": row.id, "version": row.version}


# --- 撤销, its undoing, and delete ---------------------------------------------------------------
# The manual: only an organization without sub-organizations, members and applicants can be
# revoked or deleted. A revoked one keeps its history members and revoked sub-organizations;
# a deleted one must have none at all (deleted applicants included: they could be found again).
# The member service is asked last, while this row is locked (`hold_rolls(row)`): it counts the
# members and applicants and, when the counts allow it, holds the organization's rolls closed,
# so one created in the same instant is refused there rather than slipping into an organization
# revoked a moment later (services/member/org_holds.py).

def _refuse_if_occupied(session: Session, row, hold_rolls, doing: str, history_too: bool) -> None:
    refuse_if_in_transit(session, row, doing)  # first: its own members in transit are also on its rolls
    if has_children(session, row.id, active_only=not history_too):
        raise Conflict(f"党组织“{row.name}”有{'' if history_too else '在用的'}下级党组织，不能{doing}")
    counts = hold_rolls(row)
    if counts.get("active"):
        raise Conflict(f"党组织“{row.name}”有{counts['active']}名在册党员，不能{doing}")
    if history_too and counts.get("history"):
        raise Conflict(f"党组织“{row.name}”有{counts['history']}名历史党员，不能{doing}（可改为撤销）")
    if counts.get("applicants"):
        raise Conflict(f"党组织“{row.name}”有{counts['applicants']}名入党申请人，不能{doing}")
    if history_too and counts.get("deleted_applicants"):
        raise Conflict(f"党组织“{row.name}”有{counts['deleted_applicants']}名已删除的入党申请人（可找回），"
                       f"不能{doing}（可改为撤销）")


def _not_root(row, doing: str) -> None:
    if row.parent_id is None:
        raise Conflict(f"根党组织不能{doing}")


def revoke_org(sessions: sessionmaker, caller: Caller, org_id, raw, hold_rolls) -> dict:
    """撤销: the organization moves to the history organizations with its date and reason; its
    open term closes that day, its committee members 离任 (reason 组织撤销).
    `hold_rolls(row)` asks the member service: {"active", "history", "applicants",
    "deleted_applicants"} (and holds the rolls when they allow it); transfers in flight
    (a 整建制转移 that holds it included) come from this service's projection (transit.py)."""
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        change = validated(lambda data: validate_revoke(data, row.established_on), raw, "撤销")
        require_version(row, change["version"])
        _not_root(row, "撤销")
        if row.status == "revoked":
            raise Conflict(f"党组织“{row.name}”已于{row.revoked_on.isoformat()}撤销，不能重复撤销")
        close_on_revocation(session, caller, row, change["date"])  # its open term ends that day
        _refuse_if_occupied(session, row, hold_rolls, "撤销", history_too=False)
        row = save_org(session, caller, row, {"status": "revoked", "revoked_on": change["date"],
                                              "revoke_reason": change["reason"]}, ORG_REVOKED, "revoked",
                       [{"field": "status", "label": "状态", "old": "在用", "new": "已撤销"},
                        {"field": "revoked_on", "label": "撤销日期", "old": None, "new": change["date"].isoformat()}],
                       change["reason"])
        return {"id": row.id, "status": row.status, "version": row.version}


def restore_org(sessions: sessionmaker, caller: Caller, org_id, raw=None) -> dict:
    """A revoked organization back in use (a mistaken 撤销), under an active parent."""
    read = _optional_version(raw)
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        require_version(row, read)
        if row.status != "revoked":
            raise Conflict(f"党组织“{row.name}”未撤销，无需恢复")
        parent = load_org(session, row.parent_id, lock=True)
        if parent.status != "active":
            raise Conflict(f"上级党组织“{parent.name}”已撤销，请先恢复上级党组织")
        revoked_on = row.revoked_on.isoformat()
        row = save_org(session, caller, row, {"status": "active", "revoked_on": None, "revoke_reason": None},
                       ORG_RESTORED, "restored",
                       [{"field": "status", "label": "状态", "old": "已撤销", "new": "在用"},
                        {"field": "revoked_on", "label": "撤销日期", "old": revoked_on, "new": None}])
        return {"id": row.id, "status": row.status, "version": row.version}


def delete_org(sessions: sessionmaker, caller: Caller, org_id, raw, hold_rolls) -> dict:
    """删除: the organization and its units and rewards are gone; its history lines stay."""
    read = _optional_version(raw)
    with sessions.begin() as session:
        row = _locked(session, caller, org_id)
        require_version(row, read)
        _not_root(row, "删除")
        if session.execute(select(exists().where(accounts.c.org_id == row.id))).scalar():
            raise Conflict(f"党组织“{row.name}”绑定了管理账号，不能删除")
        _refuse_if_occupied(session, row, hold_rolls, "删除", history_too=True)
        state = {**org_state(row, status="deleted")}
        session.execute(delete(setting_values).where(setting_values.c.org_id == row.id))  # their history stays
        session.execute(delete(orgs).where(orgs.c.id == row.id))
        record_event(session, outbox, ORG_DELETED, row.id, row.version + 1, state, caller)
        log_change(session, caller, row.id, "deleted", [], f"{row.name}（{row.code}）", row.version + 1,
                   path=row.path)
        return {"id": row.id, "deleted": True}


# --- 排序 ------------------------------------------------------------------------------------

def _target_position(raw, current: int, count: int) -> int:
    """0-based place among the siblings: {"move": "up"|"down"} or {"position": n} (1-based)."""
    if not isinstance(raw, dict):
        raise ValidationFailed("排序参数有误", {"data": "应为键值对象"})
    move, position = raw.get("move"), raw.get("position")
    if move in ("up", "down"):
        return max(0, min(count - 1, current + (-1 if move == "up" else 1)))
    if move not in (None, ""):
        raise ValidationFailed("排序方向应为上移或下移", {"move": "应为 up 或 down"})
    if isinstance(position, str) and position.strip().isdigit():
        position = int(position.strip())
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= count:
        raise ValidationFailed(f"位置应为1到{count}之间的整数", {"position": f"应为1到{count}"})
    return position - 1


def sort_org(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    """Move an organization among its siblings (in use ones); the tree lists children in this order.
    The order is not part of the card's state: no version change, no event, a history line."""
    with sessions.begin() as session:
        row = load_org(session, org_id)
        caller.require(row.path)
        _not_root(row, "排序")
        require_active(row, "排序")
        # Sorting moves the siblings too, so it needs the parent's scope, not only the org's own.
        parent = load_org(session, row.parent_id, lock=True)  # siblings are sorted one at a time
        caller.require(parent.path, "上级党组织（排序会改变同级党组织的顺序）")
        siblings = list(session.execute(select(orgs.c.id).where(
            orgs.c.parent_id == row.parent_id, orgs.c.status == "active")
            .order_by(orgs.c.sort_order, orgs.c.id)).scalars())
        current = siblings.index(row.id)
        target = _target_position(raw, current, len(siblings))
        if target != current:
            siblings.insert(target, siblings.pop(current))
            for place, sibling_id in enumerate(siblings, start=1):
                session.execute(update(orgs).where(orgs.c.id == sibling_id).values(sort_order=place)
                                .execution_options(**KEEPS_SESSIONS))
            log_change(session, caller, row.id, "sorted",
                       [{"field": "sort_order", "label": "排序", "old": current + 1, "new": target + 1}],
                       None, row.version)
        return {"id": row.id, "position": target + 1, "siblings": len(siblings)}
