"""组织生活 counts, kept in the transaction of each record, change and voiding (no subtree scan when
they are read):

- `meeting_counts` (organization, year, kind): meetings held, and members present and listed on
  them (the attendance rate), summed over a subtree for the summary;
- `meeting_period_counts` (organization, year, period, kind): meetings held in the period of the
  kind's frequency ("M03", "Q1", "Y"; domain/orglife_rules), for the organizations the rules apply to;
- `orglife_done` (organization, year, period, kind): how many branches at or under the organization
  held at least one meeting of the kind in the period. A branch's period count going 0 → 1 adds one
  to every organization on its path, 1 → 0 takes it away; the upsert's RETURNING makes the crossing
  exact under concurrent records. A move of an organization carries its subtree's figures (its own
  row) from the old ancestors to the new ones (`move_done`).

`rebuild` recounts the last two from the records (after the migration, or to repair)."""
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.shared.paths import path_ids

from .domain.orglife_rules import period_key, rules_for
from .models import meeting_counts, meeting_period_counts, meetings, orglife_done, orgs


def _upsert(session: Session, table, keys: dict, column: str, step: int):
    statement = insert(table).values(**keys, **{column: step})
    return session.execute(statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys], set_={column: table.c[column] + step})
        .returning(table.c[column])).scalar_one()


def _roll(session: Session, ancestor_ids: list[int], year: int, key: str, kind: str, step: int) -> None:
    """±1 branch that held `kind` in the period, on every organization of `ancestor_ids` (root first:
    one order for every writer, so concurrent ones queue rather than deadlock)."""
    for org_id in ancestor_ids:
        _upsert(session, orglife_done, {"org_id": org_id, "year": year, "period": key, "kind": kind}, "branches", step)


def count(session: Session, org, year: int, month: int, kind: str, step: int, people=(0, 0)) -> None:
    """A meeting of `kind` held by `org` in `year`/`month` counted (step 1) or uncounted (step -1),
    with its `people` (attended, listed: domain/meetings.people_counts)."""
    attended, listed = people
    mc = meeting_counts
    session.execute(insert(mc).values(org_id=org.id, year=year, kind=kind, held=step, attended=step * attended,
                                      listed=step * listed)
                    .on_conflict_do_update(index_elements=[mc.c.org_id, mc.c.year, mc.c.kind], set_={
                        "held": mc.c.held + step, "attended": mc.c.attended + step * attended,
                        "listed": mc.c.listed + step * listed}))
    rules = rules_for(year)
    frequency = rules.kinds.get(kind)
    if frequency is None or org.type not in rules.applies_to:
        return
    key = period_key(frequency.period, month)
    held = _upsert(session, meeting_period_counts, {"org_id": org.id, "year": year, "period": key, "kind": kind},
                   "held", step)
    if (step > 0 and held == step) or (step < 0 and held == 0):
        _roll(session, path_ids(org.path), year, key, kind, 1 if step > 0 else -1)


def recount_people(session: Session, org_id: int, year: int, kind: str, before, after) -> None:
    """A record's attendees or absentees changed (its kind and time did not): move its people counts."""
    attended, listed = after[0] - before[0], after[1] - before[1]
    if attended or listed:
        mc = meeting_counts
        session.execute(update(mc).where(mc.c.org_id == org_id, mc.c.year == year, mc.c.kind == kind)
                        .values(attended=mc.c.attended + attended, listed=mc.c.listed + listed))


def move_done(session: Session, org_id: int, old_parent_path: str, new_parent_path: str) -> None:
    """The moved organization's subtree figures leave its old ancestors and join its new ones."""
    rows = session.execute(select(orglife_done).where(orglife_done.c.org_id == org_id,
                                                      orglife_done.c.branches != 0)).all()
    old, new = path_ids(old_parent_path), path_ids(new_parent_path)
    for row in rows:
        for ancestor_ids, sign in ((old, -1), (new, 1)):
            for ancestor in ancestor_ids:
                _upsert(session, orglife_done, {"org_id": ancestor, "year": row.year, "period": row.period,
                                                "kind": row.kind}, "branches", sign * row.branches)


def branches_under(session: Session, path: str, year: int) -> int:
    """The active organizations at or under `path` that the rules of `year` apply to."""
    rules = rules_for(year)
    return session.execute(select(func.count()).select_from(orgs).where(
        orgs.c.path.startswith(path, autoescape=True), orgs.c.type.in_(sorted(rules.applies_to)),
        orgs.c.status == "active")).scalar_one()


def rebuild(connection) -> None:
    """Recount the period counts and the roll-up from the records (not voided), year by year with
    the rules of each year; `connection` is a Session or Connection inside a transaction."""
    connection.execute(delete(orglife_done))
    connection.execute(delete(meeting_period_counts))
    years = [row[0] for row in connection.execute(select(meetings.c.year).distinct())]
    for year in years:
        rules = rules_for(year)
        for kind, frequency in rules.kinds.items():
            key = {"month": "'M' || lpad(extract(month FROM m.held_at)::int::text, 2, '0')",
                   "quarter": "'Q' || ((extract(month FROM m.held_at)::int - 1) / 3 + 1)::text",
                   "year": "'Y'"}[frequency.period]
            connection.execute(text(f"""
                INSERT INTO org.meeting_period_counts (org_id, year, period, kind, held)
                SELECT m.org_id, m.year, {key}, m.kind, count(*) FROM org.meetings m JOIN org.orgs o ON o.id = m.org_id
                WHERE m.year = :year AND m.kind = :kind AND m.voided_at IS NULL AND o.type = ANY(:types)
                GROUP BY 1, 2, 3, 4"""), {"year": year, "kind": kind, "types": sorted(rules.applies_to)})
    connection.execute(text("""
        INSERT INTO org.orglife_done (org_id, year, period, kind, branches)
        SELECT a.id::bigint, c.year, c.period, c.kind, count(*)
        FROM org.meeting_period_counts c JOIN org.orgs o ON o.id = c.org_id
        CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' FROM o.path), '/')) AS a(id)
        WHERE c.held > 0 GROUP BY 1, 2, 3, 4"""))

