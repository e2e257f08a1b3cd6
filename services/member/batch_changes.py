"""批量修改: set one field to one value for every member a 综合查询 selects — preview (each
member's old → new value, and why a member cannot be changed), save (each change through the
member edit's own path, so each emits the same member_updated), and undo of the whole batch
while none of its members was changed since.

Only fields whose batch setting is safe are offered (BATCH_FIELDS): values a group shares or a
data correction sets for many (民族, 籍贯, 学历, 工作岗位 — the last two only for members whose
学历学位 or 工作岗位 rows do not decide them). Name, ID number, category (转正 has its own
procedure), dates, phone and address differ per person and stay single edits.
"""
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed

from .commands import change_member, member_changes
from .domain.conditions import describe, field_value
from .models import batch_change_items, batch_changes, members, outbox
from .query_catalog import FIELDS
from .store import check_query, scoped, selection

BATCH_FIELDS = ("ethnicity", "native_place", "education", "occupation")
MAX_BATCH = 2000
NAMES_SHOWN = 10


def batch_field_list() -> list[dict]:
    return [{"key": key, "label": FIELDS[key].label, "type": FIELDS[key].type,
             "codes": [{"code": c, "name": n} for c, n in FIELDS[key].codes.items()] if FIELDS[key].codes else None}
            for key in BATCH_FIELDS]


def _request(raw):
    """{"query", "field", "value"} checked: (query, field key, normalized value)."""
    if not isinstance(raw, dict):
        raise ValidationFailed("批量修改应为对象", {"data": "应为键值对象"})
    query = check_query(raw.get("query"))
    key = raw.get("field")
    if key not in BATCH_FIELDS:
        allowed = "、".join(FIELDS[k].label for k in BATCH_FIELDS)
        raise ValidationFailed(f"不能批量修改该信息项，可批量修改：{allowed}", {"field": "不能批量修改"})
    try:
        value = field_value(FIELDS[key], raw.get("value"))
    except ValueError as exc:
        raise ValidationFailed(f"{FIELDS[key].label}的修改值有误：{exc}", {"value": str(exc)}) from None
    return query, key, value


def _shown(key: str, value) -> str | None:
    f = FIELDS[key]
    if value is None:
        return None
    return f.codes.name(value) if f.codes and value in f.codes else str(value)


def _problem(session, row, key: str, value) -> str | None:
    """Why the member's record cannot take the change (a legacy ID number that fails its check,
    a 学历 decided by 学历学位 rows), by the member edit's own rules; None when it can."""
    try:
        _, changes = member_changes(session, row, {"version": row.version, key: value})
    except ValidationFailed as exc:
        return "须先在党员信息中更正：" + "；".join(
            f"{_label(field)}：{message}" for field, message in exc.fields.items())
    others = sorted(set(changes) - {key, "sex", "birth_date"})
    if others:  # e.g. a 15-digit ID number the edit would normalize: a batch changes one field only
        return "须先在党员信息中更正：" + "、".join(_label(field) for field in others) + "不是规范的形式"
    return None


def _label(field: str) -> str:
    return FIELDS[field].label if field in FIELDS else field


def _matched(session, query, org, lock=False):
    statement = select(members).where(selection(query, org)).order_by(members.c.id).limit(MAX_BATCH + 1)
    rows = session.execute(statement.with_for_update(of=members) if lock else statement).all()
    if len(rows) > MAX_BATCH:
        raise ValidationFailed(f"一次批量修改不能超过{MAX_BATCH}人，请缩小查询范围", {"query": "人数过多"})
    return rows


def _plan(session, rows, key, value) -> list[dict]:
    plan = []
    for row in rows:
        before = getattr(row, key)
        problem = None if before == value else _problem(session, row, key, value)
        plan.append({"id": row.id, "name": row.name, "org_id": row.org_id, "id_number": row.id_number,
                     "before": before, "before_name": _shown(key, before), "after": value,
                     "after_name": _shown(key, value), "unchanged": before == value, "problem": problem})
    return plan


def _summary(key, value, plan) -> dict:
    return {"field": key, "field_label": FIELDS[key].label, "value": value, "value_name": _shown(key, value),
            "total": len(plan), "changes": sum(1 for p in plan if not p["unchanged"] and not p["problem"]),
            "unchanged": sum(1 for p in plan if p["unchanged"]), "problems": sum(1 for p in plan if p["problem"])}


def preview_batch(sessions: sessionmaker, caller: Caller, org_lookup, raw) -> dict:
    query, key, value = _request(raw)
    org = scoped(caller, org_lookup, query)
    with sessions() as session:
        plan = _plan(session, _matched(session, query, org), key, value)
    return {**_summary(key, value, plan), "query": query.plain(), "items": plan}


def save_batch(sessions: sessionmaker, caller: Caller, org_lookup, raw) -> dict:
    """Applies the preview's changes in one transaction. With `expected` (the preview's number
    of changes), a selection that changed since the preview is refused."""
    query, key, value = _request(raw)
    expected = raw.get("expected")
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise ValidationFailed("expected 应为预览得到的修改人数", {"expected": "应为整数"})
    org = scoped(caller, org_lookup, query)
    with sessions.begin() as session:
        rows = _matched(session, query, org, lock=True)
        plan = _plan(session, rows, key, value)
        summary = _summary(key, value, plan)
        if expected is not None and expected != summary["changes"]:
            raise Conflict(f"预览后查询结果已有变化（预览时{expected}人，现在{summary['changes']}人），请重新预览",
                           {"expected": "已过期"})
        if not summary["changes"]:
            raise ValidationFailed("没有需要修改的党员", {"query": "无可修改的党员"})
        items, skipped = [], [{"member_id": p["id"], "name": p["name"], "reason": p["problem"]}
                              for p in plan if p["problem"]]
        for row, step in zip(rows, plan):
            if step["unchanged"] or step["problem"]:
                continue
            caller.require(row.org_path, "该党员")
            after = change_member(session, caller, row, {"version": row.version, key: value})
            items.append({"member_id": row.id, "before": step["before"], "after": value,
                          "version_after": after.version})
        batch_id = session.execute(batch_changes.insert().values(
            account=caller.user_id, actor_name=caller.username, query=query.plain(), field=key, value=value,
            changed=len(items), skipped=skipped).returning(batch_changes.c.id)).scalar_one()
        session.execute(batch_change_items.insert(), [{"batch_id": batch_id, **item} for item in items])
        _log(session, caller, org["path"], batch_id, "批量修改", [
            {"field": "查询条件", "before": None, "after": describe(query.where)},
            {"field": "修改项目", "before": None, "after": FIELDS[key].label},
            {"field": "修改为", "before": None, "after": _shown(key, value)},
            {"field": "修改人数", "before": None, "after": len(items)},
            {"field": "未修改人数（有问题）", "before": None, "after": len(skipped)}])
        return _batch_view(session, _own(session, caller, batch_id))


def _log(session, caller: Caller, org_path: str, batch_id: int, action: str, lines: list[dict]) -> None:
    """The batch's own 操作日志 entry (each member's change has its entry too, from change_member)."""
    audit.record(session, outbox, caller, org_path=org_path, entity="member_batch", entity_id=batch_id,
                 action=action, lines=lines)


def _own(session, caller: Caller, batch_id, for_update=False):
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        raise NotFound("批量修改记录不存在") from None
    statement = select(batch_changes).where(batch_changes.c.id == batch_id, batch_changes.c.account == caller.user_id)
    row = session.execute(statement.with_for_update() if for_update else statement).first()
    if row is None:
        raise NotFound("批量修改记录不存在")
    return row


def _batch_view(session, row, with_items=True) -> dict:
    view = {"id": row.id, "field": row.field, "field_label": FIELDS[row.field].label, "value": row.value,
            "value_name": _shown(row.field, row.value), "changed": row.changed, "skipped": row.skipped,
            "at": row.at.isoformat(), "actor_name": row.actor_name, "undone": row.undone_at is not None,
            "undone_at": row.undone_at.isoformat() if row.undone_at else None}
    if with_items:
        items = session.execute(
            select(batch_change_items, members.c.name, members.c.org_id)
            .join(members, members.c.id == batch_change_items.c.member_id)
            .where(batch_change_items.c.batch_id == row.id).order_by(batch_change_items.c.member_id)).all()
        view["items"] = [{"member_id": i.member_id, "name": i.name, "org_id": i.org_id, "before": i.before,
                          "before_name": _shown(row.field, i.before), "after": i.after,
                          "after_name": _shown(row.field, i.after)} for i in items]
    return view


def list_batches(sessions: sessionmaker, caller: Caller) -> list[dict]:
    with sessions() as session:
        rows = session.execute(select(batch_changes).where(batch_changes.c.account == caller.user_id)
                               .order_by(batch_changes.c.id.desc()).limit(50)).all()
        return [_batch_view(session, row, with_items=False) for row in rows]


def get_batch(sessions: sessionmaker, caller: Caller, batch_id) -> dict:
    with sessions() as session:
        return _batch_view(session, _own(session, caller, batch_id))


def undo_batch(sessions: sessionmaker, caller: Caller, batch_id) -> dict:
    """Puts every member's old value back, each through the member edit's path again; refused
    (nothing changed) when the batch was undone already or any of its members changed since."""
    with sessions.begin() as session:
        batch = _own(session, caller, batch_id, for_update=True)
        if batch.undone_at is not None:
            raise Conflict("该批量修改已撤销，不能重复撤销")
        items = session.execute(select(batch_change_items).where(batch_change_items.c.batch_id == batch.id)
                                .order_by(batch_change_items.c.member_id)).all()
        rows = {row.id: row for row in session.execute(
            select(members).where(members.c.id.in_([i.member_id for i in items])).order_by(members.c.id)
            .with_for_update()).all()}
        changed_since = [rows[i.member_id].name for i in items if rows[i.member_id].version != i.version_after]
        if changed_since:
            names = "、".join(changed_since[:NAMES_SHOWN]) + ("等" if len(changed_since) > NAMES_SHOWN else "")
            raise Conflict(f"批量修改后有{len(changed_since)}名党员的信息又被修改（{names}），不能撤销整批；"
                           "请逐人修改", {"batch": "党员信息已变动"})
        try:
            for item in items:
                row = rows[item.member_id]
                caller.require(row.org_path, "该党员")
                change_member(session, caller, row, {"version": row.version, batch.field: item.before})
        except (ValidationFailed, Conflict) as exc:
            raise Conflict(f"不能撤销该批量修改：{exc.message}") from None
        session.execute(update(batch_changes).where(batch_changes.c.id == batch.id).values(undone_at=func.now()))
        _log(session, caller, caller.scope_path, batch.id, "撤销批量修改", [
            {"field": "修改项目", "before": None, "after": FIELDS[batch.field].label},
            {"field": "恢复人数", "before": None, "after": len(items)}])
        return _batch_view(session, _own(session, caller, batch.id))
