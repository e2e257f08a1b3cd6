"""批量修改: organizations found by conditions within a subtree get one item set; a preview
first, then the save (one org_updated each), and an undo while none of them changed since."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed, validated
from services.shared.ids import uuid_or_not_found

from .domain.batch_changes import MAX_ORGS, BatchSpec, Condition, preview, validate_batch
from .domain.org_card import CARD_FIELDS, FIELDS, changes_list
from .events import ORG_UPDATED
from .models import batches, orgs
from .store import load_org, save_org


def _sql(condition: Condition):
    column = orgs.c[condition.field]
    text_item = FIELDS[condition.field].kind != "date"
    if condition.op == "empty":
        return or_(column.is_(None), column == "") if text_item else column.is_(None)
    if condition.op == "not_empty":
        return and_(column.isnot(None), column != "") if text_item else column.isnot(None)
    if condition.op == "contains":
        return column.contains(condition.value, autoescape=True)
    if condition.op == "ne":
        return or_(column.is_(None), column != condition.value)
    return column == condition.value


def _matched(session: Session, top, spec: BatchSpec, lock: bool = False) -> list[dict]:
    child = aliased(orgs)
    has_children = exists().where(child.c.parent_id == orgs.c.id, child.c.status == "active")
    query = (select(orgs, has_children.label("has_children"))
             .where(orgs.c.path.startswith(top.path, autoescape=True), orgs.c.status == "active",
                    *[_sql(c) for c in spec.conditions])
             .order_by(orgs.c.path).limit(MAX_ORGS + 1))
    rows = session.execute(query.with_for_update(of=orgs) if lock else query).all()
    if len(rows) > MAX_ORGS:
        raise ValidationFailed(f"符合条件的党组织超过{MAX_ORGS}个，请增加查询条件", {"conditions": "范围过大"})
    return [dict(row._mapping) for row in rows]


def _top(session: Session, caller: Caller, org_id):
    top = load_org(session, org_id)
    caller.require(top.path)
    return top


def preview_batch_change(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    spec = validated(validate_batch, raw, "批量修改")
    with sessions() as session:
        top = _top(session, caller, org_id)
        matched = _matched(session, top, spec)
    result = preview(matched, spec)
    return {"org_id": top.id, "field": spec.field, "field_label": FIELDS[spec.field].label,
            "matched": len(matched), **result}


def save_batch_change(sessions: sessionmaker, caller: Caller, org_id, raw) -> dict:
    """Apply the batch as previewed. `org_ids` (from the preview), when given, must still be the
    organizations that change, or nothing is written."""
    spec = validated(validate_batch, raw, "批量修改")
    expected = raw.get("org_ids") if isinstance(raw, dict) else None
    with sessions.begin() as session:
        top = _top(session, caller, org_id)
        result = preview(_matched(session, top, spec, lock=True), spec)
        if result["problems"]:
            names = "、".join(p["name"] for p in result["problems"][:5])
            raise ValidationFailed(f"有{len(result['problems'])}个党组织不能修改（{names}），请调整条件",
                                   {"value": "部分党组织不能取该值"})
        if expected is not None and sorted(map(str, expected)) != sorted(str(c["id"]) for c in result["changes"]):
            raise Conflict("预览后符合条件的党组织已有变化，请重新预览", {"org_ids": "与当前结果不一致"})
        if not result["changes"]:
            raise ValidationFailed("没有需要修改的党组织", {"conditions": "无可修改的党组织"})
        batch_id = uuid.uuid4()
        items = []
        for change in result["changes"]:
            before = load_org(session, change["id"])
            row = save_org(session, caller, before, {spec.field: spec.value}, ORG_UPDATED, "batch",
                           changes_list(CARD_FIELDS, before._mapping, {spec.field: spec.value}), None, batch_id)
            items.append({"id": row.id, "name": row.name, "old": change["old"], "new": change["new"],
                          "version": row.version})
        session.execute(batches.insert().values(id=batch_id, account=caller.user_id, scope_path=caller.scope_path,
                                                org_id=top.id, field=spec.field, items=items))
    return {"id": str(batch_id), "field": spec.field, "changed": len(items), "items": items}


def _batch(session: Session, caller: Caller, batch_id):
    batch_id = uuid_or_not_found(batch_id, "批量修改记录不存在")
    record = session.execute(select(batches).where(batches.c.id == batch_id).with_for_update()).first()
    if record is None:
        raise NotFound("批量修改记录不存在")
    caller.require(record.scope_path, "该批量修改")
    return record


def _batch_view(record) -> dict:
    return {"id": str(record.id), "org_id": record.org_id, "field": record.field,
            "field_label": FIELDS[record.field].label, "status": record.status, "items": record.items,
            "changed": len(record.items), "created_at": record.created_at.isoformat(),
            "undone_at": record.undone_at.isoformat() if record.undone_at else None}


def get_batch_change(sessions: sessionmaker, caller: Caller, batch_id) -> dict:
    with sessions() as session:
        return _batch_view(_batch(session, caller, batch_id))


def list_batch_changes(sessions: sessionmaker, caller: Caller, org_id, limit: int = 10) -> list[dict]:
    with sessions() as session:
        top = _top(session, caller, org_id)
        rows = session.execute(select(batches).where(batches.c.org_id == top.id)
                               .order_by(batches.c.created_at.desc()).limit(limit)).all()
    return [_batch_view(row) for row in rows if caller.covers(row.scope_path)]


def undo_batch_change(sessions: sessionmaker, caller: Caller, batch_id) -> dict:
    """Put back the old values — only when none of the organizations changed since the batch."""
    with sessions.begin() as session:
        record = _batch(session, caller, batch_id)
        if record.status == "undone":
            raise Conflict("该批量修改已撤销，不能重复撤销")
        field = FIELDS[record.field]
        rows, stale = [], []
        for item in record.items:
            row = session.execute(select(orgs).where(orgs.c.id == item["id"]).with_for_update()).first()
            if row is None or row.version != item["version"]:
                stale.append(item["name"])
            else:
                rows.append((row, item))
        if stale:
            raise Conflict(f"以下党组织在批量修改后又被修改或删除，不能撤销本次批量修改：{'、'.join(stale[:10])}"
                           + (f"等{len(stale)}个" if len(stale) > 10 else ""), {"batch": "已有后续修改"})
        for row, item in rows:
            old = field.check(item["old"])
            save_org(session, caller, row, {record.field: old},
                     ORG_UPDATED, "batch_undone", changes_list(CARD_FIELDS, row._mapping, {record.field: old}),
                     None, record.id)
        session.execute(update(batches).where(batches.c.id == record.id).values(
            status="undone", undone_at=datetime.now(timezone.utc)))
        record = _batch(session, caller, batch_id)
        return _batch_view(record)
