"""流动党员: loading and saving outflows and inflows, the org directory rows they need, the
views, the scope rules (the home organization's subtree sees an outflow; the receiving
organization sees what flowed into it), and the 活动证 serials. mobility_commands.py and
mobility_queries.py both build on this module (docs/MOBILITY.md)."""
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.shared.context import Caller
from services.shared.errors import Forbidden, NotFound
from services.shared.ids import int_or_not_found
from services.shared.paths import path_ids
from services.shared.versions import require_version

from .domain import mobility as rules
from .models import certificate_checks, certificate_serials, certificates, inflows, outflows
from .store import history_entry, log_entry, now, org_rows

# The member as the outflow keeps them (the lists and the 活动证 show it).
MEMBER_KEYS = ("name", "sex_name", "birth_date", "ethnicity_name", "id_number", "category_name", "joined_on",
               "org_name")


def record_id(value, what: str) -> int:
    return int_or_not_found(value, f"{what}不存在")


def _load(session: Session, table, record, what: str, lock: bool):
    query = select(table).where(table.c.id == record_id(record, what))
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"{what}不存在")
    return row


def load_outflow(session: Session, outflow_id, lock: bool = False):
    return _load(session, outflows, outflow_id, "流出登记", lock)


def load_inflow(session: Session, inflow_id, lock: bool = False):
    return _load(session, inflows, inflow_id, "流入登记", lock)


def open_outflow(session: Session, member_id: int, lock: bool = False):
    query = select(outflows).where(outflows.c.member_id == member_id, outflows.c.state.in_(rules.OPEN_OUTFLOW))
    return session.execute(query.with_for_update() if lock else query).first()


def open_inflow_of(session: Session, outflow_id: int, lock: bool = False):
    query = select(inflows).where(inflows.c.outflow_id == outflow_id, inflows.c.state == rules.IN)
    return session.execute(query.with_for_update() if lock else query).first()


def save(session: Session, table, row, values: dict, entry: dict | None = None):
    if entry is not None:
        values = {**values, "history": [*row.history, entry]}
    extra = {"updated_at": now()} if "updated_at" in table.c else {}
    session.execute(update(table).where(table.c.id == row.id).values(**values, version=table.c.version + 1, **extra))
    return session.execute(select(table).where(table.c.id == row.id)).first()


def save_and_log(session: Session, caller: Caller, table, row, values: dict, entry: dict):
    """`save`, with the history line's 操作日志 entry (the same transaction)."""
    after = save(session, table, row, values, entry)
    log_mobility(session, caller, table, row, after, entry)
    return after


def log_mobility(session: Session, caller: Caller, table, before, after, entry: dict) -> None:
    inflow = table is inflows
    log_entry(session, caller, "inflow" if inflow else "outflow", before, after, entry, rules.HISTORY_ACTIONS,
              rules.INFLOW_STATES if inflow else rules.OUTFLOW_STATES,
              [after.org_id] if inflow else [after.home_org_id])


def check_version(row, read, what: str = "该流出登记") -> None:
    require_version(row.version, read, what)


def entry(caller: Caller, action: str, org_id=None, note=None, **extra) -> dict:
    return history_entry(caller, action, org_id, note, **extra)


# --- scope ------------------------------------------------------------------------------------

def path_of(orgs: dict, org_id) -> str | None:
    org = orgs.get(org_id)
    return org["path"] if org else None


def sees_home(caller: Caller, orgs: dict, row) -> bool:
    path = path_of(orgs, row.home_org_id)
    return path is not None and caller.covers(path)


def sees_target(caller: Caller, orgs: dict, row) -> bool:
    path = path_of(orgs, row.to_org_id)
    return path is not None and caller.covers(path)


def require_home(caller: Caller, orgs: dict, row) -> None:
    """Changes of an outflow belong to the home organization (the outflow side manages)."""
    if not sees_home(caller, orgs, row):
        raise Forbidden("只有流出党员所在党组织可以办理此操作")


def require_outflow_visible(caller: Caller, orgs: dict, row) -> None:
    if not (sees_home(caller, orgs, row) or sees_target(caller, orgs, row)):
        raise Forbidden("无权访问该流出登记：不在本账号的管理范围内")


def sees_inflow_org(caller: Caller, orgs: dict, row) -> bool:
    path = path_of(orgs, row.org_id)
    return path is not None and caller.covers(path)


def require_inflow_org(caller: Caller, orgs: dict, row) -> None:
    """Changes of an inflow belong to the receiving organization's subtree (404 elsewhere, like
    登记离开: an unrelated organization does not learn the record exists)."""
    if not sees_inflow_org(caller, orgs, row):
        raise NotFound("流入登记不存在")


def ancestors(session: Session, org: dict) -> list[dict]:
    """The organization's ancestors and itself, root first (from its projected path)."""
    ids = path_ids(org["path"])
    rows = org_rows(session, ids)
    return [rows[i] for i in ids if i in rows] or [org]


# --- the 活动证 --------------------------------------------------------------------------------

def issue_certificate(session: Session, outflow_id: int, home_org: dict, today: date) -> str:
    """The next number of the home organization's county (the serial's row stays locked until the
    outflow commits: numbers in commit order, none lost to a rollback)."""
    chain = ancestors(session, home_org)
    county, issuer = rules.county_of(chain), rules.issuer_of(chain)
    statement = insert(certificate_serials).values(county_org_id=county["id"], last=1)
    statement = statement.on_conflict_do_update(index_elements=[certificate_serials.c.county_org_id],
                                                set_={"last": certificate_serials.c.last + 1})
    serial = session.execute(statement.returning(certificate_serials.c.last)).scalar_one()
    number = rules.certificate_no(county.get("code") or f"{county['id']:06d}", serial)
    session.execute(certificates.insert().values(
        number=number, outflow_id=outflow_id, county_org_id=county["id"], issuer_org_id=issuer["id"],
        issued_on=today, valid_until=rules.certificate_valid_until(today)))
    return number


def record_certificate(session: Session, outflow_id: int, home_org: dict, number: str, issued_on: date) -> None:
    """A card issued before PMIS (数据迁移), kept with its own number and date: valid, and checked yearly,
    as PMIS's are; a number of the county's own form moves the county's serial past it."""
    chain = ancestors(session, home_org)
    county, issuer = rules.county_of(chain), rules.issuer_of(chain)
    serial = rules.serial_of(number, county.get("code") or f"{county['id']:06d}")
    if serial is not None:
        statement = insert(certificate_serials).values(county_org_id=county["id"], last=serial)
        session.execute(statement.on_conflict_do_update(
            index_elements=[certificate_serials.c.county_org_id],
            set_={"last": func.greatest(certificate_serials.c.last, serial)}))
    session.execute(certificates.insert().values(
        number=number, outflow_id=outflow_id, county_org_id=county["id"], issuer_org_id=issuer["id"],
        issued_on=issued_on, valid_until=rules.certificate_valid_until(issued_on)))


def certificate_row(session: Session, number: str | None):
    if not number:
        return None
    return session.execute(select(certificates).where(certificates.c.number == number)).first()


def checks_of(session: Session, numbers: list) -> dict:
    """number → {year: {year, checked_on, org_text, note}} of the cards' yearly 查验."""
    found: dict = {}
    if numbers:
        for r in session.execute(select(certificate_checks).where(certificate_checks.c.number.in_(numbers))
                                 .order_by(certificate_checks.c.year)):
            found.setdefault(r.number, {})[r.year] = {"year": r.year, "checked_on": r.checked_on.isoformat(),
                                                      "org_text": r.org_text, "note": r.note}
    return found


def certificates_of(session: Session, outflow_id: int, today: date | None = None) -> list[dict]:
    """The outflow's cards, each with its 查验 rows and whether this year's is due."""
    today = today or date.today()
    rows = session.execute(select(certificates).where(certificates.c.outflow_id == outflow_id)
                           .order_by(certificates.c.issued_on, certificates.c.number)).all()
    checks = checks_of(session, [r.number for r in rows])
    return [{"number": r.number, "issued_on": r.issued_on.isoformat(), "valid_until": r.valid_until.isoformat(),
             "voided_on": r.voided_on.isoformat() if r.voided_on else None, "void_reason": r.void_reason,
             "check_years": rules.check_years(r.issued_on, r.valid_until),
             "checks": list(checks.get(r.number, {}).values()),
             "check_due": r.voided_on is None and today.year in rules.check_years(r.issued_on, r.valid_until)
             and today.year not in checks.get(r.number, {})}
            for r in rows]


# --- the facts events carry (and the stats service's recount reads) ---------------------------

def outflow_facts(row, orgs: dict) -> dict:
    """An outflow's state as the statistics count it (docs/MOBILITY.md): where it is counted (the
    home organization), where it went, when it began and ended, and every 失联 period."""
    return {"outflow_id": row.id, "member_id": row.member_id, "home_org_id": row.home_org_id,
            "home_org_path": path_of(orgs, row.home_org_id), "state": row.state,
            "destination_kind": row.destination_kind, "destination_code": (row.destination or {}).get("code"),
            "to_org_id": row.to_org_id, "from_date": row.from_date.isoformat(),
            "ended_on": _iso(row.returned_on or row.closed_on), "lost_periods": rules.lost_periods(row.history)}


def inflow_facts(row, orgs: dict, outflow=None) -> dict:
    """An inflow's state as the statistics count it: at the receiving organization, from its
    date until it ended; `outflow_id` null for a member from outside this deployment. Who it is
    (`member_id` of an outflow of this deployment, else null; name; 活动证 number) for the dues
    service, where the member may pay while there; `home_org_id` (the outflow's) so the org service
    can show the home organization the meetings attended there."""
    external = row.external or {}
    return {"inflow_id": row.id, "org_id": row.org_id, "org_path": path_of(orgs, row.org_id),
            "outflow_id": row.outflow_id, "state": row.state, "from_date": row.from_date.isoformat(),
            "ended_on": _iso(row.ended_on), "member_id": outflow.member_id if outflow is not None else None,
            "home_org_id": outflow.home_org_id if outflow is not None else None, "member_name": row.member_name,
            "certificate_no": external.get("certificate_no") if row.external else
            (outflow.certificate_no if outflow is not None else None)}


def outflows_of(session: Session, rows) -> dict:
    """The outflows of inflow rows, by id (for their facts)."""
    ids = {row.outflow_id for row in rows if row.outflow_id}
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(outflows).where(outflows.c.id.in_(ids)))}


# --- views ------------------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value is not None else None


def outflow_summary(row, orgs: dict, today: date | None = None) -> dict:
    today = today or date.today()
    lost = row.lost or None
    since = date.fromisoformat(lost["since"]) if lost and lost.get("since") else None
    to_org = orgs.get(row.to_org_id) if row.to_org_id else None
    return {
        "id": row.id, "member_id": row.member_id, "member_name": row.member_name,
        "sex_name": row.member.get("sex_name"), "state": row.state,
        "state_name": rules.OUTFLOW_STATES.get(row.state, row.state),
        "home_org_id": row.home_org_id, "home_org_name": (orgs.get(row.home_org_id) or {}).get("name"),
        "from_date": row.from_date.isoformat(), "reason": row.reason,
        "reason_name": rules.OUTFLOW_REASONS.name(row.reason) if row.reason in rules.OUTFLOW_REASONS else row.reason,
        "destination": row.destination, "destination_kind": row.destination_kind,
        "destination_kind_name": rules.DESTINATION_KINDS.get(row.destination_kind, row.destination_kind),
        "to_org_id": row.to_org_id, "to_org_name": to_org["name"] if to_org else row.to_org_text,
        "to_org_text": row.to_org_text,
        "expected_return": _iso(row.expected_return),
        "overdue_return": row.state == rules.OUT and row.expected_return is not None and row.expected_return < today,
        "phone": row.phone, "certificate_no": row.certificate_no,
        "lost": {**lost, "reason_name": rules.LOST_REASONS.name(lost["reason"]),
                 "lost_long": row.state == rules.LOST and rules.lost_long(since, today)} if lost else None,
        "returned_on": _iso(row.returned_on), "return_report": row.return_report, "closed_on": _iso(row.closed_on),
        "version": row.version,
    }


def outflow_view(session: Session, row, caller: Caller | None = None) -> dict:
    orgs = org_rows(session, [row.home_org_id, row.to_org_id])
    out = outflow_summary(row, orgs)
    inflow = open_inflow_of(session, row.id)
    out["inflow"] = {"id": inflow.id, "org_id": inflow.org_id, "from_date": inflow.from_date.isoformat(),
                     "org_name": (org_rows(session, [inflow.org_id]).get(inflow.org_id) or {}).get("name")} \
        if inflow else None
    out["certificates"] = certificates_of(session, row.id)
    out["member"] = row.member
    out["history"] = [{**item, "action_name": rules.HISTORY_ACTIONS.get(item["action"], item["action"])}
                      for item in row.history]
    if caller is not None:
        out["actions"] = actions(row, caller, orgs)
    return out


def actions(row, caller: Caller, orgs: dict) -> list[str]:
    if not sees_home(caller, orgs, row):
        return []
    return {rules.OUT: ["return", "lost", "reissue", "check"] if row.certificate_no else ["return", "lost", "issue"],
            rules.LOST: ["found"]}.get(row.state, [])


def inflow_summary(row, orgs: dict, outflow=None) -> dict:
    external = row.external or None
    return {
        "id": row.id, "org_id": row.org_id, "org_name": (orgs.get(row.org_id) or {}).get("name"),
        "outflow_id": row.outflow_id, "member_name": row.member_name, "state": row.state,
        "state_name": rules.INFLOW_STATES.get(row.state, row.state), "from_date": row.from_date.isoformat(),
        "ended_on": _iso(row.ended_on), "external": external,
        "home_org_name": (external or {}).get("home_org_text") if external else
        (orgs.get(outflow.home_org_id) or {}).get("name") if outflow is not None else None,
        "certificate_no": (external or {}).get("certificate_no") if external else
        (outflow.certificate_no if outflow is not None else None),
        "phone": outflow.phone if outflow is not None else None,
        "version": row.version,
    }
