"""批量添加 and its undo: one work post or 民主评议 grade to many members of a subtree.

A preview decides each member (accepted or refused, with the reason) and writes nothing; the
commit decides again under the members' locks and writes the accepted rows, each member's
version bumped with its member_updated event (the same path as a single row), and keeps the
batch so it can be undone whole — refused, with the members named, if any changed since.
"""
import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, validated
from services.shared.ids import uuid_or_not_found

from .commands import after_row_change, facts_of
from .domain.batch_add import Candidate, decide, parse_request
from .domain.history import readable, row_changes
from .domain.info_sets import INFO_SETS, MemberDates
from .models import batches, info_tables, members, outbox
from .store import record_history


def _candidates(session: Session, caller: Caller, org: dict, spec, member_ids: list[int], lock: bool) -> tuple:
    statement = select(members).where(members.c.id.in_(member_ids)).order_by(members.c.id)
    rows = session.execute(statement.with_for_update() if lock else statement).all()
    table = info_tables[spec.key]
    existing: dict[int, list] = {}
    for row in session.execute(select(table).where(table.c.member_id.in_(member_ids))):
        existing.setdefault(row.member_id, []).append(row._mapping)
    return {row.id: Candidate(row.id, row.name, row.org_path.startswith(org["path"]) and caller.covers(row.org_path),
                              row.status == "active", MemberDates(row.birth_date, row.joined_on),
                              tuple(existing.get(row.id, ()))) for row in rows}, {row.id: row for row in rows}


def _plain(values: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in values.items()}


def _log(session: Session, caller: Caller, org_path: str, batch_id, action: str, lines: list[dict]) -> None:
    """The batch's own 操作日志 entry (each member's added or removed row has its entry too)."""
    audit.record(session, outbox, caller, org_path=org_path, entity="member_batch_add", entity_id=str(batch_id),
                 action=action, lines=lines)


def _added_lines(spec, values: dict) -> list[dict]:
    return [{"field": change["label"], "before": None, "after": change["new_name"]}
            for change in readable(spec.key, row_changes(spec, None, values))]


def preview_batch_add(sessions: sessionmaker, caller: Caller, org: dict, raw) -> dict:
    caller.require(org["path"], "该党组织")
    spec, values, member_ids = validated(parse_request, raw, "批量添加")
    with sessions() as session:
        candidates, _ = _candidates(session, caller, org, spec, member_ids, lock=False)
    accepted, refused = decide(spec, values, member_ids, candidates)
    return {"info_set": spec.key, "values": _plain(values), "accepted": accepted, "refused": refused}


def commit_batch_add(sessions: sessionmaker, caller: Caller, org: dict, raw) -> dict:
    caller.require(org["path"], "该党组织")
    spec, values, member_ids = validated(parse_request, raw, "批量添加")
    batch_id = uuid.uuid4()
    with sessions.begin() as session:
        candidates, rows = _candidates(session, caller, org, spec, member_ids, lock=True)
        accepted, refused = decide(spec, values, member_ids, candidates)
        items = []
        for entry in accepted:
            member = rows[entry["member_id"]]
            before = facts_of(session, member)
            row_id = session.execute(info_tables[spec.key].insert().values(member_id=member.id, **values)
                                     .returning(info_tables[spec.key].c.id)).scalar_one()
            after = after_row_change(session, caller, member, before, card=False)
            record_history(session, caller, member.id, after["version"], "row_added",
                           row_changes(spec, None, values), spec.key)
            items.append({"member_id": member.id, "row_id": row_id, "version": after["version"]})
        if items:
            session.execute(batches.insert().values(id=batch_id, info_set=spec.key, values=_plain(values),
                                                    account=caller.user_id, scope_path=org["path"], items=items))
            _log(session, caller, org["path"], batch_id, "批量添加", [
                {"field": "信息集", "before": None, "after": spec.label}, *_added_lines(spec, values),
                {"field": "添加人数", "before": None, "after": str(len(items))},
                {"field": "未添加人数", "before": None, "after": str(len(refused))}])
    return {"id": str(batch_id) if items else None, "info_set": spec.key, "values": _plain(values),
            "accepted": accepted, "refused": refused}


def undo_batch_add(sessions: sessionmaker, caller: Caller, batch_id) -> dict:
    batch_id = uuid_or_not_found(batch_id, "批量添加记录不存在")
    with sessions.begin() as session:
        batch = session.execute(select(batches).where(batches.c.id == batch_id).with_for_update()).first()
        if batch is None:
            raise NotFound("批量添加记录不存在")
        caller.require(batch.scope_path, "该批量添加")
        if batch.undone_at is not None:
            raise Conflict("该批量添加已撤销，不能重复撤销")
        ids = [item["member_id"] for item in batch.items]
        rows = {row.id: row for row in session.execute(
            select(members).where(members.c.id.in_(ids)).order_by(members.c.id).with_for_update())}
        changed = [rows[item["member_id"]].name for item in batch.items
                   if rows[item["member_id"]].version != item["version"]]
        if changed:
            shown = "、".join(changed[:10]) + (f"等{len(changed)}人" if len(changed) > 10 else "")
            raise Conflict(f"批量添加后以下党员的信息又有变动，不能整批撤销：{shown}。"
                           "请在这些党员的信息卡中逐条删除，或先撤回其后的修改", {"batch": "党员信息已变动"})
        table = info_tables[batch.info_set]
        for item in batch.items:
            member = rows[item["member_id"]]
            before = facts_of(session, member)
            session.execute(table.delete().where(table.c.id == item["row_id"]))
            after_row_change(session, caller, member, before, card=False)
        session.execute(update(batches).where(batches.c.id == batch.id).values(
            undone_at=func.now(), undone_by=caller.username or caller.user_id))
        _log(session, caller, batch.scope_path, batch.id, "撤销批量添加", [
            {"field": "信息集", "before": None, "after": INFO_SETS[batch.info_set].label},
            {"field": "撤销人数", "before": None, "after": str(len(batch.items))}])
    return {"id": str(batch.id), "info_set": batch.info_set, "label": INFO_SETS[batch.info_set].label,
            "undone": len(batch.items)}
