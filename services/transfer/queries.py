"""Transfer read paths: one transfer, the work lists of an organization's subtree and their
counts, the letter's fields, the preview before 发起, a member's unfinished transfer."""
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, ValidationFailed, validated
from services.shared.paging import page_bounds

from . import store
from .domain.codes import (
    APPROVE,
    CURRENT,
    DONE,
    INBOUND,
    KINDS,
    LETTER_KINDS,
    MOVING,
    OPEN,
    PAPER_KINDS,
    RECEIVE_SIDE,
    STEP_RETURNED,
    TO_RECEIVE,
    WAITING,
    WHOLE_ORG,
    WORK_BOXES,
)
from .domain.letter import letter_fields
from .domain.states import RECEIPT_DAYS
from .domain.validation import validate_list_filters
from .models import moved_members, org_directory, steps, transfers
from .planning import Members, draw_org, org_preview_view, plan, preview_view

BOXES = WORK_BOXES
PAGE_SIZE = 20
# 未办结: the organization's step is done, the member is not received yet.
UNFINISHED = (*MOVING, "receiving")


def get(sessions: sessionmaker, caller: Caller, transfer_id) -> dict:
    with sessions() as session:
        return store.load_view(session, caller, transfer_id)


def _under(path: str):
    return org_directory.c.path.startswith(path, autoescape=True)


def _step_in_subtree(path: str, *where):
    return exists(select(steps.c.seq).select_from(steps.join(org_directory, org_directory.c.id == steps.c.org_id))
                  .where(steps.c.transfer_id == transfers.c.id, _under(path), *where))


def _org_in_subtree(column, path: str):
    return exists(select(org_directory.c.id).where(org_directory.c.id == column, _under(path)))


def _live_steps(path: str, *where):
    """The subtree's steps of unfinished transfers, from the `steps_live` index alone."""
    return (steps.c.transfer_state.in_(UNFINISHED), steps.c.path.startswith(path, autoescape=True), *where)


# The boxes of the live steps: (the step's state, the transfer's states).
LIVE_BOXES = {"todo": (CURRENT, MOVING), "open": (DONE, UNFINISHED), "upcoming": (WAITING, MOVING)}


def live_ids(box: str, path: str):
    """The ids of the transfers in a live box of the subtree (a subtree's steps of one transfer are
    one id)."""
    step_state, transfer_states = LIVE_BOXES[box]
    return (select(steps.c.transfer_id).distinct()
            .where(*_live_steps(path, steps.c.state == step_state, steps.c.transfer_state.in_(transfer_states))))


def box_filter(box: str, path: str):
    if box in LIVE_BOXES:
        return transfers.c.id.in_(live_ids(box, path))
    if box == "out":
        return _org_in_subtree(transfers.c.from_org_id, path)
    if box == "in":
        return _org_in_subtree(transfers.c.to_org_id, path)
    if box == "acted":  # 审批记录: the subtree approved, received or returned a step of it
        return _step_in_subtree(path, steps.c.state.in_((DONE, STEP_RETURNED)), steps.c.acted_at.isnot(None))
    if box == "no_receipt":  # 督查: paper letters whose 回执 is a month late (states.receipt_missing)
        return and_(transfers.c.kind.in_(PAPER_KINDS), transfers.c.state == TO_RECEIVE,
                    transfers.c.valid_until < date.today() - timedelta(days=RECEIPT_DAYS),
                    _org_in_subtree(transfers.c.from_org_id, path))
    raise ValidationFailed(f"未知的工作列表：{box}（可选：{'、'.join(BOXES)}）", {"box": "未知的列表"})


def _summaries(session, rows) -> list[dict]:
    ids = [row.id for row in rows]
    current = {}
    if ids:
        for step in session.execute(select(steps).where(steps.c.transfer_id.in_(ids), steps.c.state == CURRENT)):
            current[step.transfer_id] = {"seq": step.seq, "org_id": step.org_id, "action": step.action,
                                         "state": step.state, "since": step.since.isoformat() if step.since else None}
    orgs = store.org_rows(session, [*(r.from_org_id for r in rows), *(r.to_org_id for r in rows),
                                    *(r.org_id for r in rows), *(c["org_id"] for c in current.values())])
    reason_names = store.reason_names(session, [row.reason for row in rows])
    items = []
    for row in rows:
        item = store.summary(row, orgs, reason_names)
        step = current.get(row.id)
        item["current_step"] = store.step_view(step, orgs) if step else None
        items.append(item)
    return items


def filtered(where, filters: dict):
    conditions = [where]
    if "kind" in filters:
        conditions.append(transfers.c.kind == filters["kind"])
    if "state" in filters:
        conditions.append(transfers.c.state == filters["state"])
    if "applied_from" in filters:
        conditions.append(transfers.c.applied_on >= filters["applied_from"])
    if "applied_to" in filters:
        conditions.append(transfers.c.applied_on <= filters["applied_to"])
    return and_(*conditions)


def work_list(sessions: sessionmaker, caller: Caller, org: dict, box, page=1, size=PAGE_SIZE, filters=None) -> dict:
    """`org`: the directory's row, scope-checked by the caller's OrgDirectory. `filters` (for the
    histories): kind, state, applied_from, applied_to."""
    caller.require(org["path"])
    page, size = page_bounds(page, size)
    wanted = validated(validate_list_filters, filters, "筛选条件")
    where = filtered(box_filter(box, org["path"]), wanted)
    with sessions() as session:
        if box in LIVE_BOXES and not wanted:
            # The live boxes unfiltered (the work lists) never touch the transfers until the page.
            ids = live_ids(box, org["path"]).subquery()
            total = session.execute(select(func.count()).select_from(ids)).scalar_one()
            page_ids = (select(ids.c.transfer_id).order_by(ids.c.transfer_id.desc())
                        .limit(size).offset((page - 1) * size))
        else:
            total = session.execute(select(func.count()).select_from(transfers).where(where)).scalar_one()
            # The page's ids first, then those rows: read with the rows, a county's 未办结 walked
            # ~4,000 wide rows of the province to keep 20.
            page_ids = (select(transfers.c.id).where(where).order_by(transfers.c.id.desc())
                        .limit(size).offset((page - 1) * size))
        rows = session.execute(select(transfers).where(transfers.c.id.in_(page_ids.scalar_subquery()))
                               .order_by(transfers.c.id.desc())).all()
        return {"box": box, "box_name": BOXES[box], "total": total, "page": page, "size": size, "filters": {
                    key: value.isoformat() if isinstance(value, date) else value for key, value in wanted.items()},
                "items": _summaries(session, rows)}


def counts(sessions: sessionmaker, caller: Caller, org: dict) -> dict:
    """待办, 未办结, 即将办理, overdue (a current step waiting longer than STEP_OVERDUE_DAYS) and
    回执未返回: the step lists in one pass over the subtree's live steps (one index range)."""
    caller.require(org["path"])
    path = org["path"]
    late = store.now() - timedelta(days=store.STEP_OVERDUE_DAYS)
    moving = steps.c.transfer_state.in_(MOVING)

    def distinct_where(*conditions):
        return func.count(steps.c.transfer_id.distinct()).filter(and_(*conditions))
    # A transfer has one current step: counting those needs no DISTINCT.
    step_counts = (select(func.count().filter(and_(steps.c.state == CURRENT, moving)),
                          distinct_where(steps.c.state == DONE),
                          distinct_where(steps.c.state == WAITING, moving),
                          func.count().filter(and_(steps.c.state == CURRENT, moving, steps.c.since < late)))
                   .where(*_live_steps(path, steps.c.state.in_((CURRENT, DONE, WAITING)))))
    with sessions() as session:
        todo, unfinished, upcoming, overdue = session.execute(step_counts).one()
        no_receipt = session.execute(select(func.count()).select_from(transfers)
                                     .where(box_filter("no_receipt", path))).scalar_one()
    return {"todo": todo, "open": unfinished, "upcoming": upcoming, "overdue": overdue, "no_receipt": no_receipt}


def letter(sessions: sessionmaker, caller: Caller, transfer_id) -> dict:
    """The fields the PDF is drawn from (MANUALS.md §1.8), already written for reading."""
    with sessions() as session:
        row = store.load_transfer(session, transfer_id)
        route = store.load_steps(session, row.id)
        orgs = store.route_orgs(session, row, route)
        store.require_visible(caller, row, route, orgs)
    if row.kind == INBOUND:
        raise Conflict("线下转入持纸质介绍信转入，本系统不开具介绍信")
    if row.kind not in LETTER_KINDS:
        raise Conflict("支部间转移不开具介绍信")
    issuer = route[0]
    receiving = next((step for step in route if step["side"] == RECEIVE_SIDE and step["action"] == APPROVE), None)
    if row.to_org_id:
        to_name = store.org_name(orgs, row.to_org_id) or ""
        addressee = store.org_name(orgs, (receiving or route[-1])["org_id"]) or to_name
    else:
        to_name = store.outside_name(row.to_outside)
        addressee = (row.to_outside or {}).get("party_committee") or to_name
    transfer = {"letter_no": row.letter_no, "member_name": row.member_name,
                "from_org_name": store.org_name(orgs, row.from_org_id), "dues_paid_to": row.dues_paid_to,
                "valid_days": row.valid_days, "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                "phone": row.phone, "address": row.address, "postcode": row.postcode,
                "sender_phone": row.sender_phone, "sender_fax": row.sender_fax,
                "kind_name": KINDS.name(row.kind)}
    fields = letter_fields(transfer, row.member, store.org_name(orgs, issuer["org_id"]) or "", to_name, addressee,
                           row.applied_on)
    out = {**fields, "transfer_id": row.id, "state": row.state}
    if row.kind == WHOLE_ORG:
        out.update(whole_org=True, org_name=row.member_name, members=moved_member_list(sessions, row.id))
        out["member_count"] = len(out["members"])
    return out


def moved_member_list(sessions: sessionmaker, transfer_id: int) -> list[dict]:
    """The letter's attached list of a 整建制转移: the subtree's members when it was applied, with
    the name of the organization each was in (as the directory names it now)."""
    with sessions() as session:
        rows = session.execute(select(moved_members.c.name, moved_members.c.org_id, org_directory.c.name.label("org"))
                               .select_from(moved_members.outerjoin(org_directory,
                                                                    org_directory.c.id == moved_members.c.org_id))
                               .where(moved_members.c.transfer_id == transfer_id)
                               .order_by(moved_members.c.seq)).all()
    return [{"name": row.name, "org_name": row.org or ""} for row in rows]


def preview_org(sessions: sessionmaker, caller: Caller, count_members, org_id, raw, find_org) -> dict:
    """The route and the letter a 整建制转移 would give, nothing written. `count_members(path)`: the
    subtree's members on the rolls (asked of the member service)."""
    drawn = draw_org(sessions, caller, org_id, raw, find_org)
    today = date.today()
    out = org_preview_view(drawn, today, count_members(drawn.org["path"]))
    transfer = {**drawn.data, "letter_no": None, "member_name": drawn.org["name"],
                "from_org_name": drawn.parent["name"], "valid_until": out["valid_until"], "kind_name": out["kind_name"]}
    receiving = next((s for s in drawn.route if s["side"] == RECEIVE_SIDE and s["action"] == APPROVE), None)
    out["letter"] = {**letter_fields(transfer, {}, drawn.route[0]["org_name"], drawn.target["name"],
                                     (receiving or drawn.route[-1])["org_name"], today),
                     "whole_org": True, "org_name": drawn.org["name"], "member_count": out["member_count"]}
    return out


def preview(sessions: sessionmaker, caller: Caller, members: Members, raw, find_org) -> dict:
    drawn = plan(sessions, caller, members, raw, find_org)
    today = date.today()
    out = preview_view(drawn, today)
    with sessions() as session:
        out["reason_name"] = store.reason_names(session, [drawn.data["reason"]]).get(drawn.data["reason"])
        orgs = store.org_rows(session, [step["org_id"] for step in out["route"]])
    out["route"] = [{**step, "contact_person": orgs.get(step["org_id"], {}).get("contact_person"),
                     "contact_phone": orgs.get(step["org_id"], {}).get("contact_phone")} for step in out["route"]]
    if drawn.data["kind"] in LETTER_KINDS:
        transfer = {**drawn.data, "letter_no": None, "member_name": drawn.member["name"],
                    "from_org_name": drawn.from_org["name"], "valid_until": out["valid_until"],
                    "kind_name": out["kind_name"]}
        receiving = next((s for s in drawn.route if s["side"] == RECEIVE_SIDE and s["action"] == APPROVE), None)
        addressee = (receiving or drawn.route[-1])["org_name"] if drawn.to_org else \
            drawn.data["to_outside"]["party_committee"]
        out["letter"] = letter_fields(transfer, drawn.snapshot(), drawn.route[0]["org_name"], out["to_org_name"],
                                      addressee, today)
    else:
        out["letter"] = None
    return out


def member_in_transit(sessions: sessionmaker, caller: Caller, member_id) -> int | None:
    """The member's unfinished transfer (if the caller may see it), for the card's 转出中 link."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        return None
    with sessions() as session:
        row = session.execute(select(transfers).where(transfers.c.member_id == member_id,
                                                      transfers.c.state.in_(OPEN))).first()
        if row is None:
            return None
        route = store.load_steps(session, row.id)
        return row.id if store.can_see(caller, row, route, store.route_orgs(session, row, route)) else None
