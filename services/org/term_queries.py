"""换届选举's read side: an organization's terms (the open one with its committee, and history), the
subtree's terms due or overdue (the higher level's list, 工作督查, Excel) and organizations without
an elected committee, the home page's reminders, and a member's current posts (the member card).

The due list reads the open terms by their due date (terms_open_due: coalesce(postponed_to,
expires_on)) joined to the organizations under the subtree's path."""
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.paging import keyset_bounds, page_bounds

from .domain import terms as rules
from .events import term_state
from .models import committee_members, failed_elections, orgs, term_corrections, terms, units
from .settings import effective, effective_value
from .store import load_org
from .terms import member_view, term_rows

HISTORY_SHOWN = 50
FACTS_PAGE_MAX = 5000
MAX_WITHIN_DAYS = 3660
DUE_ON = func.coalesce(terms.c.postponed_to, terms.c.expires_on)


def _iso(value):
    return value.isoformat() if value else None


def due_on(row) -> date | None:
    return row.postponed_to or row.expires_on


def term_view(row, members, today: date, corrections=()) -> dict:
    due = due_on(row)
    return {"id": row.id, "org_id": row.org_id, "number": row.number, "method": row.method,
            "method_name": rules.METHODS.name(row.method), "elected": row.method in rules.ELECTED_METHODS,
            "elected_on": row.elected_on.isoformat(), "term_years": row.term_years,
            "expires_on": _iso(row.expires_on), "postponed_to": _iso(row.postponed_to), "due_on": _iso(due),
            "days_left": (due - today).days if due and row.closed_on is None else None,
            "approved_on": _iso(row.approved_on), "approval_no": row.approval_no, "election": row.election,
            "warnings": list(row.warnings or []), "closed_on": _iso(row.closed_on), "version": row.version,
            "created_by_name": row.created_by_name,
            "members": [member_view(m) for m in sorted(members, key=lambda m: (m.left_on is not None, m.post, m.id))],
            "corrections": [{"id": c.id, "changes": c.changes, "reason": c.reason, "actor_name": c.actor_name,
                             "at": c.at.isoformat()} for c in corrections]}


def org_terms(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    """{current, history, failed_elections} of an organization, with what its type allows (default
    term, 换届 or not)."""
    today = date.today()
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        rows = session.execute(select(terms).where(terms.c.org_id == org.id).order_by(terms.c.number.desc())
                               .limit(HISTORY_SHOWN + 1)).all()
        members: dict[int, list] = {}
        corrections: dict[int, list] = {}
        if rows:
            ids = [r.id for r in rows]
            for m in session.execute(select(committee_members).where(committee_members.c.term_id.in_(ids))).all():
                members.setdefault(m.term_id, []).append(m)
            for c in session.execute(select(term_corrections).where(term_corrections.c.term_id.in_(ids))
                                     .order_by(term_corrections.c.id)).all():
                corrections.setdefault(c.term_id, []).append(c)
        categories = list(session.execute(select(units.c.category).where(units.c.org_id == org.id)).scalars())
        failed = session.execute(select(failed_elections).where(failed_elections.c.org_id == org.id).order_by(
            failed_elections.c.held_on.desc(), failed_elections.c.id.desc()).limit(HISTORY_SHOWN)).all()
    current = next((r for r in rows if r.closed_on is None), None)
    term_rules = rules.rules_for(today)
    return {"org_id": org.id, "org_name": org.name, "org_type": org.type, "org_type_name": ORG_TYPES.name(org.type),
            "has_elections": rules.has_elections(term_rules, org.type),
            "default_years": rules.default_years(term_rules, org.type, categories),
            "current": term_view(current, members.get(current.id, []), today, corrections.get(current.id, ()))
            if current else None,
            "history": [term_view(r, members.get(r.id, []), today, corrections.get(r.id, ()))
                        for r in rows if r.closed_on is not None],
            "failed_elections": [failed_view(r) for r in failed]}


def failed_view(row) -> dict:
    """An election that failed, recorded for the record: its figures and every reason."""
    return {"id": row.id, "held_on": row.held_on.isoformat(), "method": row.method,
            "method_name": rules.METHODS.name(row.method), "election": row.election, "reasons": list(row.reasons),
            "created_by_name": row.created_by_name}


def _within(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("within_days 应为整数", {"within_days": "应为整数"}) from None
    if not 0 <= days <= MAX_WITHIN_DAYS:
        raise ValidationFailed(f"within_days 应在0到{MAX_WITHIN_DAYS}之间", {"within_days": "超出范围"})
    return days


def _subtree(root) -> object:
    return and_(orgs.c.path.startswith(root.path, autoescape=True), orgs.c.status == "active")


OWN_LEAD, HIGHER_LEAD = "terms_own_reminder_days", "terms_higher_reminder_days"  # 系统设置 (docs/SETTINGS.md)


def _due_items(session: Session, where, today: date, size: int, offset: int) -> list[dict]:
    rows = session.execute(
        select(orgs.c.id, orgs.c.name, orgs.c.code, orgs.c.type, orgs.c.path, terms.c.id.label("term_id"),
               terms.c.number, terms.c.elected_on, terms.c.expires_on, terms.c.postponed_to, DUE_ON.label("due_on"))
        .join(orgs, orgs.c.id == terms.c.org_id).where(where)
        .order_by(DUE_ON, orgs.c.path).limit(size).offset(offset)).all()
    items = []
    for r in rows:
        state = rules.due_state(r.due_on, today, 0) or "due"
        items.append({"id": r.id, "name": r.name, "code": r.code, "type": r.type, "type_name": ORG_TYPES.name(r.type),
                      "term_id": r.term_id, "number": r.number, "elected_on": r.elected_on.isoformat(),
                      "expires_on": _iso(r.expires_on), "postponed_to": _iso(r.postponed_to),
                      "due_on": r.due_on.isoformat(), "days_left": (r.due_on - today).days,
                      "overdue": state == "overdue"})
    return items


def _due_where(root, today: date, within: int, include_root: bool = True):
    where = and_(terms.c.closed_on.is_(None), terms.c.expires_on.isnot(None),
                 DUE_ON <= today + timedelta(days=within), _subtree(root))
    return where if include_root else and_(where, orgs.c.id != root.id)


def _without_committee(root):
    """Organizations of the subtree with no open elected term (never elected, or appointed)."""
    elected = exists().where(terms.c.org_id == orgs.c.id, terms.c.closed_on.is_(None),
                             terms.c.method.in_(sorted(rules.ELECTED_METHODS)))
    return and_(_subtree(root), ~elected)


def terms_due(sessions: sessionmaker, caller: Caller, org_id, within_days=None,
              kind="due", page=1, size=50) -> dict:
    """The subtree's organizations whose term is overdue or ends within `within_days` (kind "due",
    soonest first; by default the organization's 系统设置 “换届提醒：下级组织届满前天数”), or those
    with no elected committee (kind "none": no reminder)."""
    page, size = page_bounds(page, size)
    within = None if within_days in (None, "") else _within(within_days)
    if kind not in ("due", "none"):
        raise ValidationFailed("kind 应为 due 或 none", {"kind": "应为due或none"})
    today = date.today()
    with sessions() as session:
        root = load_org(session, org_id)
        caller.require(root.path)
        if within is None:
            within = effective_value(session, root, HIGHER_LEAD)
        if kind == "due":
            where = _due_where(root, today, within)
            total, overdue = session.execute(
                select(func.count(), func.count().filter(DUE_ON < today))
                .select_from(terms.join(orgs, orgs.c.id == terms.c.org_id)).where(where)).one()
            items = _due_items(session, where, today, size, (page - 1) * size)
        else:
            where = _without_committee(root)
            total = session.execute(select(func.count()).select_from(orgs).where(where)).scalar_one()
            overdue = 0
            items = [{"id": r.id, "name": r.name, "code": r.code, "type": r.type, "type_name": ORG_TYPES.name(r.type)}
                     for r in session.execute(select(orgs.c.id, orgs.c.name, orgs.c.code, orgs.c.type).where(where)
                                              .order_by(orgs.c.path).limit(size).offset((page - 1) * size)).all()]
        without = session.execute(select(func.count()).select_from(orgs).where(_without_committee(root))).scalar_one() \
            if kind == "due" else total
    return {"org_id": root.id, "org_name": root.name, "kind": kind, "within_days": within, "today": today.isoformat(),
            "total": total, "overdue": overdue, "without_committee": without, "page": page, "size": size,
            "items": items}


def terms_behind(sessions: sessionmaker, caller: Caller, org_id, page=1, size=50) -> dict:
    """工作督查: sub-organizations due within 6 months or overdue, in the supervision lists' shape
    (items[].missing says why)."""
    result = terms_due(sessions, caller, org_id, None, "due", page, size)  # the lead time in 系统设置
    for item in result["items"]:
        item["missing"] = [f"第{item['number']}届已于{item['due_on']}届满，尚未换届" if item["overdue"]
                           else f"第{item['number']}届将于{item['due_on']}届满（还有{item['days_left']}天）"]
    return {key: result[key] for key in ("total", "page", "size", "items")}


def terms_reminder(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    """The home page: the organization's own term within 30 days of 届满 (or past it; none when its
    committee was not elected), and how many organizations below it are due within 6 months or overdue
    (both lead times are the organization's 系统设置)."""
    today = date.today()
    with sessions() as session:
        root = load_org(session, org_id)
        caller.require(root.path)
        found = effective(session, root)
        own_lead, higher_lead = found[OWN_LEAD].value, found[HIGHER_LEAD].value
        own = session.execute(select(terms).where(terms.c.org_id == root.id, terms.c.closed_on.is_(None))).first()
        below, overdue = session.execute(
            select(func.count(), func.count().filter(DUE_ON < today))
            .select_from(terms.join(orgs, orgs.c.id == terms.c.org_id))
            .where(_due_where(root, today, higher_lead, include_root=False))).one()
    mine = None
    if own is not None and own.method in rules.ELECTED_METHODS:
        state = rules.due_state(due_on(own), today, own_lead)
        if state:
            mine = {"term_id": own.id, "number": own.number, "due_on": due_on(own).isoformat(),
                    "days_left": (due_on(own) - today).days, "overdue": state == "overdue"}
    return {"org_id": root.id, "own": mine, "subordinates_due": below, "subordinates_overdue": overdue,
            "within_days": higher_lead, "own_within_days": own_lead}


def member_posts(sessions: sessionmaker, caller: Caller, member_id) -> dict:
    """A member's current posts in committees of organizations in the caller's scope (the member
    card's 职务 in 班子: one source of truth)."""
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise ValidationFailed("党员编号应为整数", {"member_id": "应为整数"}) from None
    with sessions() as session:
        rows = session.execute(
            select(committee_members, orgs.c.name.label("org_name"), orgs.c.path, terms.c.number)
            .join(orgs, orgs.c.id == committee_members.c.org_id).join(terms, terms.c.id == committee_members.c.term_id)
            .where(committee_members.c.member_id == member_id, committee_members.c.left_on.is_(None),
                   orgs.c.path.startswith(caller.scope_path, autoescape=True))
            .order_by(orgs.c.path)).all()
    return {"member_id": member_id, "items": [
        {**member_view(r), "term_id": r.term_id, "number": r.number, "org_id": r.org_id, "org_name": r.org_name}
        for r in rows]}


def committee(sessions: sessionmaker, caller: Caller, org_id) -> dict | None:
    """The organization card's committee: the open term and its members in office (read-only)."""
    today = date.today()
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        row = session.execute(select(terms).where(terms.c.org_id == org.id, terms.c.closed_on.is_(None))).first()
        if row is None:
            return None
        return term_view(row, [m for m in term_rows(session, row.id) if m.left_on is None], today)


def committees_page(sessions: sessionmaker, caller: Caller, org_id, page=1, size=50) -> dict:
    """The committee members in office of a subtree's open terms, by organization and post (the
    committees' Excel)."""
    page, size = page_bounds(page, size)
    with sessions() as session:
        root = load_org(session, org_id)
        caller.require(root.path)
        where = and_(_subtree(root), terms.c.closed_on.is_(None), committee_members.c.left_on.is_(None))
        joined = committee_members.join(terms, terms.c.id == committee_members.c.term_id).join(
            orgs, orgs.c.id == committee_members.c.org_id)
        total = session.execute(select(func.count()).select_from(joined).where(where)).scalar_one()
        rows = session.execute(
            select(committee_members, orgs.c.name.label("org_name"), orgs.c.code.label("org_code"), terms.c.number,
                   DUE_ON.label("due_on")).select_from(joined).where(where)
            .order_by(orgs.c.path, committee_members.c.post, committee_members.c.id)
            .limit(size).offset((page - 1) * size)).all()
    return {"total": total, "page": page, "size": size, "items": [
        {**member_view(r), "org_id": r.org_id, "org_name": r.org_name, "org_code": r.org_code, "number": r.number,
         "due_on": _iso(r.due_on)} for r in rows]}


def term_facts_page(sessions: sessionmaker, caller: Caller, path: str, after_id=0, limit=2000) -> dict:
    """Every term of a subtree's organizations (closed ones and those of revoked organizations
    too: they count for the years they were open) in id order, one keyset page, with the state
    its events carry (events.term_state, the organization's path now): the stats service's
    reconcile and rebuild recount the 换届 tables from them."""
    caller.require(path, "该党组织")
    after_id, limit = keyset_bounds(after_id, limit, FACTS_PAGE_MAX)
    with sessions() as session:
        rows = session.execute(select(terms, orgs.c.path.label("org_path")).join(orgs, orgs.c.id == terms.c.org_id)
                               .where(orgs.c.path.startswith(path, autoescape=True), terms.c.id > after_id)
                               .order_by(terms.c.id).limit(limit)).all()
        members: dict[int, list] = {}
        if rows:
            for m in session.execute(select(committee_members).where(
                    committee_members.c.term_id.in_([r.id for r in rows]))
                    .order_by(committee_members.c.post, committee_members.c.id)).all():
                members.setdefault(m.term_id, []).append(m)
    return {"items": [{"id": row.id, "version": row.version,
                       "facts": term_state(row, row.org_path, members.get(row.id, []))} for row in rows],
            "next_after_id": rows[-1].id if len(rows) == limit else None}
