"""流动党员 read paths: one outflow, an organization subtree's lists (流出, 流入, 失联, 待确认流入)
with filters, paging and total, the pages an export walks, the 活动证's fields, and a member's
mobility for the member card (docs/MOBILITY.md)."""
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import sessionmaker

from services.shared import field_rules
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, ValidationFailed
from services.shared.paging import keyset_bounds, page_bounds

from . import mobility_store as store
from .domain import mobility as rules
from .models import certificate_checks, certificates, inflow_activities, inflows, outflows
from .store import org_rows

PAGE_SIZE = 20


def get_outflow(sessions: sessionmaker, caller: Caller, outflow_id, dues_of=None) -> dict:
    """The outflow with, for its 返回 report, what the member did at each inflow organization
    (`participation`: 活动记录 and the dues paid there)."""
    with sessions() as session:
        row = store.load_outflow(session, outflow_id)
        store.require_outflow_visible(caller, org_rows(session, [row.home_org_id, row.to_org_id]), row)
        view = store.outflow_view(session, row, caller)
        rows = session.execute(select(inflows).where(inflows.c.outflow_id == row.id)
                               .order_by(inflows.c.id.desc())).all()
        view["participation"] = _participation(session, rows, dues_of, {row.id: row})
        return view


def _participation(session, rows, dues_of, linked: dict) -> list[dict]:
    """Each inflow with its 活动记录 and the dues paid there (the dues service's answer, by RPC:
    `dues_of([inflow ids])` → {id: summary}; None when the dues service cannot answer now)."""
    if not rows:
        return []
    orgs = org_rows(session, [r.org_id for r in rows] + [o.home_org_id for o in linked.values()])
    logged: dict = {}
    for a in session.execute(select(inflow_activities).where(inflow_activities.c.inflow_id.in_([r.id for r in rows]))
                             .order_by(inflow_activities.c.on_date, inflow_activities.c.id)):
        logged.setdefault(a.inflow_id, []).append({"id": a.id, "date": a.on_date.isoformat(), "what": a.what,
                                                   "recorded_by": a.created_by})
    dues = _dues(dues_of, [r.id for r in rows])
    return [{**store.inflow_summary(r, orgs, linked.get(r.outflow_id)), "activities": logged.get(r.id, []),
             "dues": dues.get(str(r.id)) if dues is not None else None, "dues_known": dues is not None}
            for r in rows]


def _dues(dues_of, ids: list) -> dict | None:
    if dues_of is None:
        return None
    try:
        return dues_of(ids)
    except Exception:  # noqa: BLE001 — the page shows the rest; the dues part says it is not available now
        return None


def get_inflow(sessions: sessionmaker, caller: Caller, inflow_id, dues_of=None) -> dict:
    """One inflow for its page: who, from where, the 活动记录 and the dues paid there; visible to
    the receiving organization's subtree and to the member's home organization."""
    with sessions() as session:
        row = store.load_inflow(session, inflow_id)
        outflow = store.outflows_of(session, [row]).get(row.outflow_id)
        orgs = org_rows(session, [row.org_id] + ([outflow.home_org_id, outflow.to_org_id] if outflow else []))
        at_inflow = store.sees_inflow_org(caller, orgs, row)
        if not at_inflow and not (outflow is not None and store.sees_home(caller, orgs, outflow)):
            raise Forbidden("无权访问该流入登记：不在本账号的管理范围内")
        view = _participation(session, [row], dues_of, {outflow.id: outflow} if outflow else {})[0]
        view["member_id"] = outflow.member_id if outflow is not None else None
        view["history"] = [{**item, "action_name": rules.HISTORY_ACTIONS.get(item["action"], item["action"])}
                           for item in row.history]
        view["actions"] = ["activity", "end"] if at_inflow and row.state == rules.IN else []
        return view


def _under(column, path: str):
    """Rows placed under the subtree by their kept path (outflows.home_path / to_path, inflows.org_path)."""
    return column.startswith(path, autoescape=True)


def _filters(raw) -> dict:
    """q (name), state, reason, destination_kind, from (date), to (date)."""
    raw = raw if isinstance(raw, dict) else {}
    out, errors = {}, {}
    for key in ("q", "state", "reason", "destination_kind"):
        value = raw.get(key)
        if not field_rules.blank(value):
            if not isinstance(value, str) or len(value) > 50:
                errors[key] = "应为不超过50个字符的文本"
            else:
                out[key] = value.strip()
    for key in ("from", "to"):
        if not field_rules.blank(raw.get(key)):
            try:
                out[key] = field_rules.iso_date(raw.get(key))
            except ValueError as exc:
                errors[key] = str(exc)
    if "reason" in out:
        code = rules.OUTFLOW_REASONS.resolve(out["reason"])
        if code is None:
            errors["reason"] = "未知的流出原因"
        out["reason"] = code
    if "destination_kind" in out and out["destination_kind"] not in rules.DESTINATION_KINDS:
        errors["destination_kind"] = "未知的流向类别"
    if errors:
        raise ValidationFailed("筛选条件有误", errors)
    return out


def _outflow_where(direction: str, path: str, wanted: dict):
    if direction == "pending":
        where = [outflows.c.state == rules.OUT, _under(outflows.c.to_path, path),
                 ~exists(select(inflows.c.id).where(inflows.c.outflow_id == outflows.c.id,
                                                    inflows.c.state == rules.IN))]
    else:
        where = [_under(outflows.c.home_path, path)]
        if direction == "lost":
            where.append(outflows.c.state == rules.LOST)
        elif wanted.get("state") == "all":
            pass
        elif "state" in wanted:
            if wanted["state"] not in rules.OUTFLOW_STATES:
                raise ValidationFailed("未知的状态", {"state": "可选：" + "、".join(rules.OUTFLOW_STATES)})
            where.append(outflows.c.state == wanted["state"])
        else:
            where.append(outflows.c.state.in_(rules.OPEN_OUTFLOW))
    if "q" in wanted:
        where.append(outflows.c.member_name.contains(wanted["q"], autoescape=True))
    if "reason" in wanted:
        where.append(outflows.c.reason == wanted["reason"])
    if "destination_kind" in wanted:
        where.append(outflows.c.destination_kind == wanted["destination_kind"])
    if "from" in wanted:
        where.append(outflows.c.from_date >= wanted["from"])
    if "to" in wanted:
        where.append(outflows.c.from_date <= wanted["to"])
    return and_(*where)


def _inflow_where(path: str, wanted: dict):
    where = [_under(inflows.c.org_path, path)]
    if wanted.get("state") != "all":
        where.append(inflows.c.state == (wanted.get("state") or rules.IN))
    if "q" in wanted:
        where.append(inflows.c.member_name.contains(wanted["q"], autoescape=True))
    if "from" in wanted:
        where.append(inflows.c.from_date >= wanted["from"])
    if "to" in wanted:
        where.append(inflows.c.from_date <= wanted["to"])
    return and_(*where)


def _page(session, direction: str, path: str, wanted: dict, limit: int, offset: int = 0, after_id: int = 0):
    if direction == "in":
        where = _inflow_where(path, wanted)
        total = session.execute(select(func.count()).select_from(inflows).where(where)).scalar_one()
        query = select(inflows).where(where)
        query = query.where(inflows.c.id < after_id) if after_id else query
        rows = session.execute(query.order_by(inflows.c.id.desc()).limit(limit).offset(offset)).all()
        linked = {}
        ids = [r.outflow_id for r in rows if r.outflow_id]
        if ids:
            linked = {r.id: r for r in session.execute(select(outflows).where(outflows.c.id.in_(ids))).all()}
        orgs = org_rows(session, [*(r.org_id for r in rows), *(o.home_org_id for o in linked.values())])
        return total, [store.inflow_summary(r, orgs, linked.get(r.outflow_id)) for r in rows]
    where = _outflow_where(direction, path, wanted)
    total = session.execute(select(func.count()).select_from(outflows).where(where)).scalar_one()
    query = select(outflows).where(where)
    query = query.where(outflows.c.id < after_id) if after_id else query
    rows = session.execute(query.order_by(outflows.c.id.desc()).limit(limit).offset(offset)).all()
    orgs = org_rows(session, [*(r.home_org_id for r in rows), *(r.to_org_id for r in rows)])
    today = date.today()
    return total, [store.outflow_summary(r, orgs, today) for r in rows]


def _direction(direction) -> str:
    if direction not in rules.DIRECTIONS:
        raise ValidationFailed(f"未知的列表：{direction}（可选：{'、'.join(rules.DIRECTIONS)}）",
                               {"direction": "可选：out、in、lost、pending"})
    return direction


def mobility_list(sessions: sessionmaker, caller: Caller, org: dict, direction, page=1, size=PAGE_SIZE,
                  filters=None) -> dict:
    """`org`: the directory's row, scope-checked. 流出/失联: the subtree's own members; 流入 and
    待确认: what flowed into the subtree."""
    caller.require(org["path"])
    direction = _direction(direction)
    page, size = page_bounds(page, size)
    wanted = _filters(filters)
    with sessions() as session:
        total, items = _page(session, direction, org["path"], wanted, size, (page - 1) * size)
    return {"direction": direction, "direction_name": rules.DIRECTIONS[direction], "total": total, "page": page,
            "size": size, "items": items,
            "filters": {k: v.isoformat() if isinstance(v, date) else v for k, v in wanted.items()}}


def mobility_export_page(sessions: sessionmaker, caller: Caller, org: dict, direction, filters=None,
                         after_id: int = 0, limit: int = 2000) -> dict:
    """Pages of a list by id (newest first) for the Excel export: {items, next_after_id}."""
    caller.require(org["path"])
    direction = _direction(direction)
    wanted = _filters(filters)
    limit = max(1, min(int(limit), 2000))
    with sessions() as session:
        _, items = _page(session, direction, org["path"], wanted, limit, 0, int(after_id or 0))
    return {"items": items, "next_after_id": items[-1]["id"] if len(items) == limit else None}


def certificate(sessions: sessionmaker, caller: Caller, outflow_id) -> dict:
    """The 活动证's fields (docs/MOBILITY.md): the card as issued, its 查验 years."""
    with sessions() as session:
        row = store.load_outflow(session, outflow_id)
        orgs = org_rows(session, [row.home_org_id, row.to_org_id])
        store.require_outflow_visible(caller, orgs, row)
        card = store.certificate_row(session, row.certificate_no)
        if card is None:
            raise Conflict("该流出党员未发放活动证")
        issuers = org_rows(session, [card.issuer_org_id, card.county_org_id])
        summary = store.outflow_summary(row, orgs)
    return {"outflow_id": row.id, "member_id": row.member_id, "number": card.number, "member": row.member,
            "home_org_name": summary["home_org_name"], "issuer_name": (issuers.get(card.issuer_org_id) or {}).get(
                "name", ""), "county_name": (issuers.get(card.county_org_id) or {}).get("name", ""),
            "issued_on": card.issued_on.isoformat(), "valid_until": card.valid_until.isoformat(),
            "check_years": rules.check_years(card.issued_on, card.valid_until),
            "checks": list(store.checks_of(session, [card.number]).get(card.number, {}).values()),
            "from_date": summary["from_date"], "reason_name": summary["reason_name"],
            "destination": (row.destination or {}).get("text"), "to_org_name": summary["to_org_name"],
            "expected_return": summary["expected_return"], "phone": row.phone, "state": row.state}


def member_mobility(sessions: sessionmaker, caller: Caller, member_id) -> dict:
    """For the member card: the open outflow (if any) and every outflow of the member the caller
    may see, newest first."""
    member_id = store.record_id(member_id, "党员")
    with sessions() as session:
        rows = session.execute(select(outflows).where(outflows.c.member_id == member_id)
                               .order_by(outflows.c.id.desc()).limit(50)).all()
        orgs = org_rows(session, [*(r.home_org_id for r in rows), *(r.to_org_id for r in rows)])
        seen = [r for r in rows if store.sees_home(caller, orgs, r) or store.sees_target(caller, orgs, r)]
        items = [store.outflow_summary(r, orgs) for r in seen]
    current = next((item for item in items if item["state"] in rules.OPEN_OUTFLOW), None)
    return {"current": current, "history": items}


FACTS_PAGE_MAX = 5000
FACTS_KINDS = {"outflow": (outflows, outflows.c.home_org_id, outflows.c.home_path, store.outflow_facts),
               "inflow": (inflows, inflows.c.org_id, inflows.c.org_path, store.inflow_facts)}


def mobility_facts_page(sessions: sessionmaker, caller: Caller, path: str, kind, after_id=0, limit=2000) -> dict:
    """Every outflow (of the subtree's members) or inflow (into the subtree), any state, in id
    order, one keyset page, with the facts its events carry: the stats service's reconcile and
    rebuild recount the 流动党员 figures from them."""
    caller.require(path, "该党组织")
    if kind not in FACTS_KINDS:
        raise ValidationFailed("未知的流动记录类别", {"kind": "可选：outflow、inflow"})
    after_id, limit = keyset_bounds(after_id, limit, FACTS_PAGE_MAX)
    table, org_column, path_column, facts = FACTS_KINDS[kind]
    with sessions() as session:
        rows = session.execute(select(table).where(_under(path_column, path), table.c.id > after_id)
                               .order_by(table.c.id).limit(limit)).all()
        orgs = org_rows(session, [row._mapping[org_column.name] for row in rows])
        linked = store.outflows_of(session, rows) if kind == "inflow" else {}
    return {"items": [{"id": row.id, "version": row.version,
                       "facts": facts(row, orgs, linked.get(row.outflow_id)) if kind == "inflow" else facts(row, orgs)}
                      for row in rows],
            "next_after_id": rows[-1].id if len(rows) == limit else None}


def _lost_long_where(path: str, today: date):
    return and_(_under(outflows.c.home_path, path), outflows.c.state == rules.LOST,
                outflows.c.lost["since"].astext <= rules.lost_cutoff(today).isoformat())


def lost_members(sessions: sessionmaker, caller: Caller, org: dict, page=1, size=50) -> dict:
    """工作督查: the subtree's members lost 6 months or more (RULES.md §5: then 停止党籍), longest first;
    items shaped like the member service's lists (id is the member's)."""
    caller.require(org["path"])
    page, size = page_bounds(page, size)
    where = _lost_long_where(org["path"], date.today())
    with sessions() as session:
        total = session.execute(select(func.count()).select_from(outflows).where(where)).scalar_one()
        rows = session.execute(select(outflows).where(where).order_by(outflows.c.lost["since"].astext, outflows.c.id)
                               .limit(size).offset((page - 1) * size)).all()
        orgs = org_rows(session, [r.home_org_id for r in rows])
    items = [{"id": r.member_id, "outflow_id": r.id, "name": r.member_name, "sex_name": r.member.get("sex_name"),
              "birth_date": r.member.get("birth_date"), "id_number": r.member.get("id_number"),
              "lost_since": r.lost["since"], "lost_reason_name": rules.LOST_REASONS.name(r.lost["reason"]),
              "home_org_name": (orgs.get(r.home_org_id) or {}).get("name")} for r in rows]
    return {"total": total, "page": page, "size": size, "items": items}


def mobility_counts(sessions: sessionmaker, caller: Caller, org: dict) -> dict:
    """The subtree's figures for the page's tabs and the reminders: open outflows, lost (and lost
    ≥ 6 months), confirmed inflows, outflows waiting to be confirmed, overdue returns."""
    caller.require(org["path"])
    path, today = org["path"], date.today()
    home = _under(outflows.c.home_path, path)
    with sessions() as session:
        out, lost, overdue = session.execute(select(
            func.count().filter(outflows.c.state.in_(rules.OPEN_OUTFLOW)),
            func.count().filter(outflows.c.state == rules.LOST),
            func.count().filter(outflows.c.state == rules.OUT, outflows.c.expected_return < today))
            .where(home)).one()
        lost_long = session.execute(select(func.count()).select_from(outflows)
                                    .where(_lost_long_where(path, today))).scalar_one()
        inflow = session.execute(select(func.count()).select_from(inflows).where(_inflow_where(path, {}))).scalar_one()
        pending = session.execute(select(func.count()).select_from(outflows)
                                  .where(_outflow_where("pending", path, {}))).scalar_one()
        check_due = session.execute(select(func.count()).select_from(certificates.join(
            outflows, outflows.c.certificate_no == certificates.c.number)).where(
            home, outflows.c.state == rules.OUT, certificates.c.voided_on.is_(None),
            func.extract("year", certificates.c.issued_on) < today.year,
            func.extract("year", certificates.c.valid_until) >= today.year,
            ~exists(select(certificate_checks.c.number).where(certificate_checks.c.number == certificates.c.number,
                                                              certificate_checks.c.year == today.year)))
        ).scalar_one()
    return {"out": out, "lost": lost, "lost_long": lost_long, "in": inflow, "pending": pending,
            "overdue_return": overdue, "check_due": check_due}
