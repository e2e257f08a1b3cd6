"""换届选举 use cases: 换届 (close the open term, all its members 离任 that day, open the next with
its election), 届中调整 (补选 or 指派 into a post, 离任), the higher level's 批复 and 延期换届, and
members who leave the rolls or transfer out leaving the committees (member events).

A committee member is a member record on the organization's rolls (its subtree) on the day, and a
正式党员 then: the member service is asked (`members_on_rolls`, org → member only). The rules are
pure (domain/terms.py); a refusal is 422 with the rule's Chinese message. Every change bumps the
term's version and writes its state to the outbox in the same transaction.
"""
from collections.abc import Callable
from datetime import date, datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.member.contract import leave_undone
from services.shared import audit, versions
from services.shared.codes import COMMITTEE_HOWS, COMMITTEE_POSTS, LEAVE_KINDS, TERM_METHODS
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, Refused, ValidationFailed, validated
from services.shared.field_errors import RuleViolation
from services.shared.messaging.inbox import claim
from services.shared.messaging.outbox import record_event

from .domain import terms as rules
from .events import COMMITTEE_CHANGED, TERM_APPROVED, TERM_CLOSED, TERM_CORRECTED, TERM_OPENED, term_state
from .models import (
    committee_members,
    failed_elections,
    inbox,
    member_versions,
    orgs,
    outbox,
    term_corrections,
    terms,
    units,
)
from .store import load_org, load_owned, require_active

Rolls = Callable[[int, str, list], dict]       # member.members_on_rolls(org_id, on, member_ids)
CountFacts = Callable[[str], list]              # member.count_facts(path)
WHAT = "换届"
CLOSED_BY_ELECTION = "换届"
CLOSED_BY_REVOCATION = "组织撤销"


def _today() -> date:
    return date.today()


def _refused(exc: RuleViolation, field: str | None = None) -> Refused:
    return Refused(exc.message, {field: exc.message} if field else {})


def load_term(session: Session, caller: Caller, term_id, lock: bool = False):
    """(term, its organization), the caller's scope checked against the organization."""
    return load_owned(session, caller, terms, term_id, "届次", lock)


def term_rows(session: Session, term_id: int) -> list:
    return session.execute(select(committee_members).where(committee_members.c.term_id == term_id)
                           .order_by(committee_members.c.post, committee_members.c.id)).all()


def _emit(session: Session, caller: Caller, term_id: int, org_path: str, event_type: str, values=None,
          change=None):
    """Bump the term's version (with `values`), and record its state as `event_type` and its
    操作日志 entry (the term's fields before → after, and the committee member's change)."""
    before = session.execute(select(terms).where(terms.c.id == term_id)).one()
    row = session.execute(update(terms).where(terms.c.id == term_id).values(
        **(values or {}), version=terms.c.version + 1, updated_at=datetime.now(timezone.utc)).returning(terms)).one()
    payload = term_state(row, org_path, term_rows(session, term_id))
    if change is not None:
        payload["change"] = change
    record_event(session, outbox, event_type, row.id, row.version, payload, caller)
    lines = [{"field": "届次", "before": None, "after": f"第{row.number}届"}]
    if change is not None:
        lines += audit.changes(None, change, CHANGE_LABELS, CHANGE_TABLES)
    audit.record(session, outbox, caller, org_path=org_path, entity="term", entity_id=row.id,
                 action=TERM_ACTIONS[event_type], lines=lines,
                 before=None if event_type == TERM_OPENED else before._mapping, after=row._mapping,
                 labels=TERM_LABELS, tables={"method": TERM_METHODS})
    return row


TERM_ACTIONS = {TERM_OPENED: "换届：新一届", TERM_CLOSED: "届满", TERM_APPROVED: "上级批复",
                COMMITTEE_CHANGED: "届中调整", TERM_CORRECTED: "更正届次"}
TERM_LABELS = {"method": "产生方式", "elected_on": "选举日期", "term_years": "任期（年）", "expires_on": "届满日期",
               "postponed_to": "延期至", "approved_on": "批复日期", "approval_no": "批复文号", "closed_on": "结束日期"}
CHANGE_LABELS = {"member_id": "党员编号", "post": "职务", "how": "任职方式", "since": "任职日期", "left_on": "离任日期",
                 "leave_reason": "离任原因"}
CHANGE_TABLES = {"post": COMMITTEE_POSTS, "how": COMMITTEE_HOWS}


def _on_rolls(org, day: date, ids: list[int], rolls: Rolls, field: str) -> tuple[dict[int, dict], set[int]]:
    """({member id: member} of `ids`, those who were 正式党员 that day), or a refusal naming who is
    not on the organization's rolls that day."""
    answer = rolls(org.id, day.isoformat(), ids)
    if answer["not_on_rolls"]:
        message = (f"不在本组织{day.isoformat()}的党员名册中（党员编号"
                   + "、".join(str(m) for m in answer["not_on_rolls"]) + "）")
        raise ValidationFailed(message, {field: message})
    found = {m["id"]: m for m in answer["members"]}
    return found, {m for m in ids if rules.full_on_day(found[m].get("category"), _day(found[m].get("full_on")), day)}


def _require_full(found: dict, full: set, ids: list[int], day: date, field: str) -> None:
    missing = [m for m in ids if m not in full]
    if missing:
        message = (f"班子成员须为{day.isoformat()}的正式党员（"
                   + "、".join(f"{found[m]['name']}（党员编号{m}）" for m in missing) + "不是）")
        raise Refused(message, {field: message})


def _day(value):
    return date.fromisoformat(value) if value else None


def _full_count(org, count_facts: CountFacts) -> int | None:
    """Full members directly in a branch (the committee thresholds); None for other types."""
    if org.type not in rules.rules_for(_today()).branch_types:
        return None
    return sum(f["n"] for f in count_facts(org.path) if f["org_id"] == org.id and f["category"] == "01")


def _unit_categories(session: Session, org_id: int) -> list[str]:
    return list(session.execute(select(units.c.category).where(units.c.org_id == org_id)).scalars())


def _open_term(session: Session, org_id: int):
    return session.execute(select(terms).where(terms.c.org_id == org_id, terms.c.closed_on.is_(None))
                           .with_for_update()).first()


def open_term(sessions: sessionmaker, caller: Caller, org_id, raw, rolls: Rolls, count_facts: CountFacts) -> dict:
    """换届: the open term (if any) closes on the election day with all its members 离任; the new
    term opens with the winners of its election (or the appointed members)."""
    today = _today()
    data = validated(lambda value: rules.validate_new_term(value, today), raw, WHAT)
    with sessions.begin() as session:
        return write_term(session, caller, org_id, data, rolls, count_facts)


def write_term(session: Session, caller: Caller, org_id, data: dict, rolls: Rolls, count_facts: CountFacts) -> dict:
    """换届's writer (also the 换届采集表's, term_imports.py): `data` validated by validate_new_term."""
    day = data["elected_on"]
    org = load_org(session, org_id, lock=True)  # two 换届 of one organization at once: one waits, then is refused
    caller.require(org.path)
    require_active(org, WHAT)
    term_rules = rules.rules_for(day)
    try:
        years = rules.term_length(term_rules, org.type, _unit_categories(session, org.id), data["method"],
                                  data["term_years"])
    except RuleViolation as exc:
        raise _refused(exc, "term_years" if data["term_years"] else "method") from None
    if data["record_failed"]:
        return _record_failed(session, caller, org, data, term_rules, rolls)
    previous = _open_term(session, org.id)
    warnings: list[str] = []
    if previous is not None:
        if day == previous.elected_on:  # the same 换届 sent twice
            raise Conflict(f"本组织{day.isoformat()}的换届已经办理（第{previous.number}届）",
                           {"elected_on": "已办理"})
        if day < previous.elected_on:
            raise Refused(f"换届日期应晚于本届（第{previous.number}届）的选举日期{previous.elected_on.isoformat()}",
                           {"elected_on": "应晚于本届开始日期"})
        latest = session.execute(select(func.max(committee_members.c.since)).where(
            committee_members.c.term_id == previous.id, committee_members.c.left_on.is_(None))).scalar()
        if latest and day < latest:
            raise Refused(f"本届有成员{latest.isoformat()}任职，换届日期不能早于该日期",
                          {"elected_on": "早于成员任职"})
        try:
            warnings += rules.check_shift(term_rules, previous.expires_on, previous.postponed_to, day)
        except RuleViolation as exc:
            raise _refused(exc, "elected_on") from None
    election = data["election"]
    people = [c["member_id"] for c in election["candidates"]] if election else [m["member_id"]
                                                                               for m in data["members"]]
    field = "election.candidates" if election else "members"
    found, full = _on_rolls(org, day, people, rolls, field)
    if election:
        try:
            rules.check_quorum(term_rules, election["entitled"], election["present"])
        except RuleViolation as exc:
            raise _refused(exc, "election.present") from None
        try:
            outcome = rules.count_election(term_rules, election, full)
        except RuleViolation as exc:
            raise _refused(exc, field) from None
        seated = [(member_id, post) for member_id, _, post in outcome.winners]
        warnings += outcome.warnings
        figures = _figures(election, found, {member_id for member_id, _ in seated})
    else:
        _require_full(found, full, people, day, field)
        seated = [(m["member_id"], m["post"]) for m in data["members"]]
        figures = None
    try:
        warnings += rules.check_committee(term_rules, org.type, _full_count(org, count_facts),
                                          [post for _, post in seated])
    except RuleViolation as exc:
        raise _refused(exc, field) from None
    number = 1
    if previous is not None:
        session.execute(update(committee_members).where(
            committee_members.c.term_id == previous.id, committee_members.c.left_on.is_(None)).values(
            left_on=day, leave_reason=CLOSED_BY_ELECTION))
        _emit(session, caller, previous.id, org.path, TERM_CLOSED, {"closed_on": day})
        number = previous.number + 1
    else:
        number = (session.execute(select(func.max(terms.c.number)).where(terms.c.org_id == org.id)).scalar()
                  or 0) + 1
    how = rules.ASSIGNED if data["method"] == rules.APPOINTED else rules.ELECTED
    try:
        with session.begin_nested():
            row = session.execute(terms.insert().values(
                org_id=org.id, number=number, method=data["method"], elected_on=day, term_years=years,
                expires_on=rules.add_years(day, years) if years else None, approved_on=data["approved_on"],
                approval_no=data["approval_no"], election=figures, warnings=warnings, version=0,
                created_by_name=caller.username or caller.user_id).returning(terms)).one()
    except IntegrityError:
        raise Conflict("本组织正在办理换届，请刷新后重试") from None
    if seated:
        session.execute(committee_members.insert(), [
            {"term_id": row.id, "org_id": org.id, "member_id": member_id, "member_name": found[member_id]["name"],
             "post": post, "how": how, "since": day} for member_id, post in seated])
    row = _emit(session, caller, row.id, org.path, TERM_OPENED)
    return {"id": row.id, "failed": False, "number": row.number, "version": row.version,
            "elected_on": day.isoformat(),
            "expires_on": row.expires_on.isoformat() if row.expires_on else None, "warnings": warnings,
            "members": [member_view(m) for m in term_rows(session, row.id)]}


def _figures(election: dict, found: dict, elected: set) -> dict:
    """An election's figures as kept: each candidate with their name and whether elected."""
    return {**{k: election[k] for k in ("entitled", "present", "seats")}, "candidates": [
        {**c, "name": found[c["member_id"]]["name"], "elected": c["member_id"] in elected}
        for c in election["candidates"]]}


def _record_failed(session: Session, caller: Caller, org, data: dict, term_rules, rolls: Rolls) -> dict:
    """An election that failed the rules, recorded for the record with every reason: no term is
    opened or closed, nothing is counted. One that stands is refused: it is a 换届."""
    day, election = data["elected_on"], data["election"]
    found, full = _on_rolls(org, day, [c["member_id"] for c in election["candidates"]], rolls, "election.candidates")
    reasons = rules.election_failures(term_rules, election, full)
    if not reasons:
        message = "该选举符合各项规定，应办理换届，不能记为未成功的选举"
        raise Refused(message, {"record_failed": message})
    row = session.execute(failed_elections.insert().values(
        org_id=org.id, held_on=day, method=data["method"], election=_figures(election, found, set()),
        reasons=reasons, created_by_name=caller.username or caller.user_id).returning(failed_elections)).one()
    return {"id": row.id, "failed": True, "number": None, "elected_on": day.isoformat(),
            "expires_on": None, "warnings": [], "reasons": reasons, "members": []}


def close_on_revocation(session: Session, caller: Caller, org, day: date) -> int | None:
    """撤销 (cards.revoke_org, in its transaction, the organization row locked): the open term
    closes on the revocation date and its members in office 离任 that day (reason 组织撤销); the
    term's id, or None when it had none. A date before the term began or before a member's 任职
    is refused: the closing would come before the opening."""
    term = _open_term(session, org.id)
    if term is None:
        return None
    latest = session.execute(select(func.max(committee_members.c.since)).where(
        committee_members.c.term_id == term.id, committee_members.c.left_on.is_(None))).scalar()
    start = max(term.elected_on, latest or term.elected_on)
    if day < start:
        what = "开始日期" if start == term.elected_on else "成员任职日期"
        message = f"撤销日期不能早于本届（第{term.number}届）{what}{start.isoformat()}"
        raise Refused(message, {"date": message})
    session.execute(update(committee_members).where(
        committee_members.c.term_id == term.id, committee_members.c.left_on.is_(None)).values(
        left_on=day, leave_reason=CLOSED_BY_REVOCATION))
    _emit(session, caller, term.id, org.path, TERM_CLOSED, {"closed_on": day})
    return term.id


def member_view(m) -> dict:
    return {"id": m.id, "member_id": m.member_id, "name": m.member_name, "post": m.post,
            "post_name": rules.POSTS.name(m.post), "how": m.how, "how_name": rules.HOWS.name(m.how),
            "since": m.since.isoformat(), "left_on": m.left_on.isoformat() if m.left_on else None,
            "leave_reason": m.leave_reason}


def add_member(sessions: sessionmaker, caller: Caller, term_id, raw, rolls: Rolls, count_facts: CountFacts) -> dict:
    """届中调整: 补选 or 指派 a member into a post of the open term."""
    today = _today()
    data = validated(lambda value: rules.validate_addition(value, today), raw, "班子成员")
    with sessions.begin() as session:
        term, org = load_term(session, caller, term_id, lock=True)
        if term.closed_on is not None:
            raise Conflict(f"第{term.number}届已于{term.closed_on.isoformat()}换届结束，不能再调整班子成员")
        require_active(org, "调整班子成员")
        try:
            rules.check_member_dates(term.elected_on, data["how"], data["since"], today)
        except RuleViolation as exc:
            raise _refused(exc, "since") from None
        current = [m for m in term_rows(session, term.id) if m.left_on is None]
        holder = next((m for m in current if m.member_id == data["member_id"]), None)
        if holder is not None:
            raise Conflict(f"{holder.member_name}已是本届{rules.POSTS.name(holder.post)}，请先办理离任",
                           {"member_id": "已在班子中"})
        if data["post"] == rules.SECRETARY:
            secretary = next((m for m in current if m.post == rules.SECRETARY), None)
            if secretary is not None:
                raise Refused(f"本届已有书记{secretary.member_name}，一个班子只能有一名书记，请先办理其离任",
                              {"post": "已有书记"})
        found, full = _on_rolls(org, data["since"], [data["member_id"]], rolls, "member_id")
        _require_full(found, full, [data["member_id"]], data["since"], "member_id")
        try:
            warnings = rules.check_committee(rules.rules_for(term.elected_on), org.type,
                                             _full_count(org, count_facts), [m.post for m in current] + [data["post"]])
        except RuleViolation as exc:
            raise _refused(exc, "post") from None
        try:
            with session.begin_nested():
                added = session.execute(committee_members.insert().values(
                    term_id=term.id, org_id=org.id, member_id=data["member_id"],
                    member_name=found[data["member_id"]]["name"], post=data["post"], how=data["how"],
                    since=data["since"]).returning(committee_members)).one()
        except IntegrityError:
            raise Conflict("班子成员已变化，请刷新后重试") from None
        saved = _emit(session, caller, term.id, org.path, COMMITTEE_CHANGED, change=_change(added))
        return {**member_view(added), "term_id": term.id, "version": saved.version, "warnings": warnings}


def _change(m) -> dict:
    return {"row_id": m.id, "member_id": m.member_id, "post": m.post, "how": m.how, "since": m.since.isoformat(),
            "left_on": m.left_on.isoformat() if m.left_on else None, "leave_reason": m.leave_reason}


def leave_member(sessions: sessionmaker, caller: Caller, term_id, row_id, raw) -> dict:
    """离任 of one committee member within the term."""
    today = _today()
    data = validated(lambda value: rules.validate_leave(value, today), raw, "离任")
    with sessions.begin() as session:
        term, org = load_term(session, caller, term_id, lock=True)
        try:
            row_id = int(row_id)
        except (TypeError, ValueError):
            raise NotFound("班子成员不存在") from None
        row = session.execute(select(committee_members).where(committee_members.c.id == row_id,
                                                              committee_members.c.term_id == term.id)).first()
        if row is None:
            raise NotFound("班子成员不存在")
        if row.left_on is not None:
            raise Conflict(f"{row.member_name}已于{row.left_on.isoformat()}离任")
        try:
            rules.check_leave_date(row.since, data["date"], today)
        except RuleViolation as exc:
            raise _refused(exc, "date") from None
        left = session.execute(update(committee_members).where(committee_members.c.id == row.id).values(
            left_on=data["date"], leave_reason=data["reason"]).returning(committee_members)).one()
        saved = _emit(session, caller, term.id, org.path, COMMITTEE_CHANGED, change=_change(left))
        return {**member_view(left), "term_id": term.id, "version": saved.version}


def approve_term(sessions: sessionmaker, caller: Caller, term_id, raw) -> dict:
    """The higher level's 批复 of a term (date and document number), with an optional 延期换届
    (postponed_to, at most a year after 届满). Only an account above the organization records it."""
    today = _today()
    data = validated(lambda value: rules.validate_approval(value, today), raw, "批复")
    with sessions.begin() as session:
        term, org = load_term(session, caller, term_id, lock=True)
        if caller.scope_path == org.path:
            raise Forbidden("届次的批复由上级党组织录入")
        versions.require_version(term.version, (raw or {}).get("version") if isinstance(raw, dict) else None,
                                 "该届次")
        if data["approved_on"] < term.elected_on:
            raise Refused("批复日期不能早于选举（指派）日期", {"approved_on": "早于选举日期"})
        values = {"approved_on": data["approved_on"], "approval_no": data["approval_no"]}
        if data["postponed_to"] is not None:
            if term.closed_on is not None or term.expires_on is None:
                raise Conflict("只有未换届、有任期届满日期的届次才能延期换届")
            try:
                rules.check_postponement(rules.rules_for(term.elected_on), term.expires_on, data["postponed_to"])
            except RuleViolation as exc:
                raise _refused(exc, "postponed_to") from None
            values["postponed_to"] = data["postponed_to"]
        saved = _emit(session, caller, term.id, org.path, TERM_APPROVED, values)
        return {"id": saved.id, "version": saved.version, "approved_on": saved.approved_on.isoformat(),
                "approval_no": saved.approval_no,
                "postponed_to": saved.postponed_to.isoformat() if saved.postponed_to else None}


# --- 更正届次 -----------------------------------------------------------------------------------------

def _neighbour(session: Session, org_id: int, number: int):
    return session.execute(select(terms).where(terms.c.org_id == org_id, terms.c.number == number)
                           .with_for_update()).first()


def _previous_latest(session: Session, previous, closed_on: date) -> date | None:
    """The latest 任职 of the previous term's members, or 离任 before its 换届: a corrected 换届
    cannot come before it."""
    rows = term_rows(session, previous.id)
    days = [m.since for m in rows] + [m.left_on for m in rows if m.left_on and m.left_on < closed_on]
    return max(days) if days else None


def correct_term(sessions: sessionmaker, caller: Caller, term_id, raw) -> dict:
    """更正届次: a term's election day, length or 批复 corrected with a reason; the rules are checked
    again (length, 届满 and postponement, dates against the terms around it and the members'), the
    members who came with the term and the previous term's end move with a corrected election
    day, and the correction is kept (term_corrections). The 批复 is the higher level's to correct."""
    today = _today()
    data = validated(lambda value: rules.validate_correction(value, today), raw, "更正届次")
    with sessions.begin() as session:
        org = load_org(session, load_term(session, caller, term_id)[0].org_id, lock=True)  # as 换届 does
        term, _ = load_term(session, caller, term_id, lock=True)
        require_active(org, "更正届次")
        versions.require_version(term.version, raw.get("version"), "该届次")
        new = {key: term._mapping[key] if data[key] is None else data[key] for key, _ in rules.CORRECTABLE}
        changes = [{"field": key, "label": label, "old": _plain(term._mapping[key]), "new": _plain(new[key])}
                   for key, label in rules.CORRECTABLE if new[key] != term._mapping[key]]
        if not changes:
            raise Refused("与现有内容相同，无需更正", {"data": "没有变化"})
        if caller.scope_path == org.path and any(c["field"] in rules.APPROVAL_FIELDS for c in changes):
            raise Forbidden("届次的批复由上级党组织录入和更正")
        day, old_day = new["elected_on"], term.elected_on
        term_rules = rules.rules_for(day)
        try:
            years = rules.term_length(term_rules, org.type, _unit_categories(session, org.id), term.method,
                                      new["term_years"])
        except RuleViolation as exc:
            raise _refused(exc, "term_years") from None
        expires = rules.add_years(day, years) if years else None
        if term.postponed_to is not None:
            try:
                rules.check_postponement(term_rules, expires, term.postponed_to)
            except RuleViolation as exc:
                raise _refused(RuleViolation(f"{exc.message}（已批准延期至{term.postponed_to.isoformat()}）"),
                               "term_years") from None
        previous = _neighbour(session, org.id, term.number - 1)
        following = _neighbour(session, org.id, term.number + 1)
        own = term_rows(session, term.id)
        around = rules.Neighbours(
            previous.elected_on if previous else None,
            _previous_latest(session, previous, old_day) if previous and day != old_day else None,
            following.elected_on if following else None,
            tuple((m.how, m.since, m.left_on) for m in own))
        try:
            rules.check_corrected_dates(day, old_day, new["approved_on"], around)
        except RuleViolation as exc:
            raise _refused(exc, "approved_on" if "批复" in exc.message else "elected_on") from None
        if previous is not None and day != old_day:
            try:  # more than a year before the previous 届满 is refused, as at the 换届
                rules.check_shift(term_rules, previous.expires_on, previous.postponed_to, day)
            except RuleViolation as exc:
                raise _refused(exc, "elected_on") from None
        if day != old_day:
            session.execute(update(committee_members).where(committee_members.c.term_id == term.id,
                                                            committee_members.c.since == old_day).values(since=day))
            if previous is not None and previous.closed_on == old_day:
                session.execute(update(committee_members).where(
                    committee_members.c.term_id == previous.id, committee_members.c.left_on == old_day,
                    committee_members.c.leave_reason == CLOSED_BY_ELECTION).values(left_on=day))
                _emit(session, caller, previous.id, org.path, TERM_CORRECTED, {"closed_on": day})
        saved = _emit(session, caller, term.id, org.path, TERM_CORRECTED, {
            "elected_on": day, "term_years": years, "expires_on": expires, "approved_on": new["approved_on"],
            "approval_no": new["approval_no"]})
        session.execute(term_corrections.insert().values(
            term_id=term.id, changes=changes, reason=data["reason"], version=saved.version,
            actor_name=caller.username or caller.user_id))
        return {"id": saved.id, "version": saved.version, "elected_on": day.isoformat(),
                "expires_on": expires.isoformat() if expires else None, "changes": changes}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# --- members leaving the rolls or transferring (member events) -------------------------------------

def _leave_reason(kind) -> str:
    return f"党籍变化：{LEAVE_KINDS.name(kind) if kind in LEAVE_KINDS else '减少'}"


def on_member_event(sessions: sessionmaker, event: dict) -> int:
    """member_updated (status → left: every post ends on left_on; the 回退 of a leave: the posts it
    ended are open again, as if it had never been keyed in) and member_transferred (posts in
    organizations the member's new place is not under end on effective_on; out of the system: all).
    Idempotent: the inbox drops a redelivery and an event older than the newest applied for the
    member changes nothing. Returns the rows closed (or reopened)."""
    payload = event["payload"]
    member_id = int(payload["member_id"])
    version = int(event["aggregate_version"])
    applies, undone = True, False
    if event["type"] == "member_updated":
        before, after = payload.get("before") or {}, payload.get("after") or {}
        applies = after.get("status") == "left" and before.get("status") != "left"
        undone = leave_undone(before, after)
        left = before if undone else after
        day = _day(left.get("left_on")) or _day(event["occurred_at"][:10])
        reason = _leave_reason(left.get("leave_kind"))
        stays_under = None
    else:
        day = _day(payload.get("effective_on")) or _day(event["occurred_at"][:10])
        reason = "组织关系转出"
        stays_under = payload.get("to_org_path") if payload.get("to_org_id") else None
    with sessions.begin() as session:
        if not claim(session, inbox, [event]):
            return 0
        statement = insert(member_versions).values(member_id=member_id, version=version)
        newest = session.execute(statement.on_conflict_do_update(
            index_elements=[member_versions.c.member_id], set_={"version": statement.excluded.version},
            where=member_versions.c.version <= statement.excluded.version).returning(member_versions.c.version)).first()
        if newest is None:  # an older version of the member than one already applied
            return 0
        system = Caller.system(str(event.get("event_id", "")))
        if undone:
            return _reopen_posts(session, system, member_id, day, reason)
        if not applies:  # its version is kept all the same: an older leave arriving later is stale
            return 0
        rows = session.execute(
            select(committee_members, orgs.c.path).join(orgs, orgs.c.id == committee_members.c.org_id)
            .where(committee_members.c.member_id == member_id, committee_members.c.left_on.is_(None))
            .with_for_update(of=committee_members)).all()
        closed = 0
        for row in rows:
            if stays_under and stays_under.startswith(row.path):
                continue  # still under this organization (a move between its branches)
            left = session.execute(update(committee_members).where(committee_members.c.id == row.id).values(
                left_on=max(day, row.since), leave_reason=reason).returning(committee_members)).one()
            _emit(session, system, row.term_id, row.path, COMMITTEE_CHANGED, change=_change(left))
            closed += 1
        return closed


def _reopen_posts(session: Session, system: Caller, member_id: int, day: date, reason: str) -> int:
    """The 回退 of a leave: the posts that leave ended (on its day, with its reason) are open again,
    in terms still open, unless the member holds another post in the term since."""
    rows = session.execute(
        select(committee_members, orgs.c.path).join(orgs, orgs.c.id == committee_members.c.org_id)
        .join(terms, terms.c.id == committee_members.c.term_id)
        .where(committee_members.c.member_id == member_id, committee_members.c.leave_reason == reason,
               committee_members.c.left_on == func.greatest(day, committee_members.c.since),
               terms.c.closed_on.is_(None))
        .with_for_update(of=committee_members)).all()
    reopened = 0
    for row in rows:
        holds = session.execute(select(committee_members.c.id).where(
            committee_members.c.term_id == row.term_id, committee_members.c.member_id == member_id,
            committee_members.c.left_on.is_(None))).first()
        if holds:
            continue
        back = session.execute(update(committee_members).where(committee_members.c.id == row.id).values(
            left_on=None, leave_reason=None).returning(committee_members)).one()
        _emit(session, system, row.term_id, row.path, COMMITTEE_CHANGED, change=_change(back))
        reopened += 1
    return reopened
