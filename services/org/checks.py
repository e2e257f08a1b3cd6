"""校核 of organizations: one organization's card, or every organization in use in a subtree —
required items left empty, and types that do not fit their members (domain/org_check.py)."""
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.org_check import card_problems, structure_problems, tally
from .models import orgs
from .store import STATUS_NAMES, load_org, org_view

MAX_CHECKED = 5000


def _paths(sessions: sessionmaker, org_ids: set[int]) -> dict[int, str]:
    """Paths of the organizations that have members, to add them up the tree."""
    ids, found = sorted(org_ids), {}
    with sessions() as session:
        for start in range(0, len(ids), 5000):
            found.update(session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids[start:start + 5000]))
                                         ).all())
    return found


def check_orgs(sessions: sessionmaker, caller: Caller, org_id, subtree, count_facts) -> dict:
    """校核 of one organization or (`subtree`) of it and every organization in use below it:
    required items left empty, and types that do not fit their members. `count_facts(path)`
    asks the member service for the active members of the subtree by organization and category."""
    if not isinstance(subtree, bool):
        raise ValidationFailed("subtree 应为 true 或 false", {"subtree": "应为布尔值"})
    with sessions() as session:
        top = load_org(session, org_id)
        caller.require(top.path)
        query = select(orgs).order_by(orgs.c.path).limit(MAX_CHECKED + 1)
        query = query.where(orgs.c.path.startswith(top.path, autoescape=True), orgs.c.status == "active") \
            if subtree else query.where(orgs.c.id == top.id)
        rows = session.execute(query).all()
    truncated = len(rows) > MAX_CHECKED
    rows = rows[:MAX_CHECKED]
    facts = count_facts(top.path)
    counts = tally(facts, _paths(sessions, {int(f["org_id"]) for f in facts}), [row.id for row in rows])
    problems = []
    for row in rows:
        view = org_view(row)
        found = card_problems(view) + structure_problems(row.type, counts[row.id], is_root=row.parent_id is None)
        problems += [{"org_id": row.id, "org_name": row.name, "org_code": row.code, "type_name": view["type_name"],
                      "field": field, "message": message} for field, message in found]
    return {"org_id": top.id, "org_name": top.name, "subtree": subtree, "checked": len(rows),
            "truncated": truncated, "passed": not problems, "problems": problems,
            "status_name": STATUS_NAMES.get(top.status, top.status)}
