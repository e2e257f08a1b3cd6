"""The stats service's interior, shared by its read paths (queries), its report work (reports),
its consumers and its recount: finding an organization in the projection within the caller's
scope, reading its counted rows, and the counted state of an organization row.

Counters are rolled up (every organization's rows count its whole subtree), so each read is one
organization's rows: folded `counters` plus not yet folded `counter_deltas`. The folded part is
kept per process while the counters stand (counter_cache.py), so a report in quiet times reads
a generation number and an empty range of deltas.
"""
from collections import Counter
from contextlib import contextmanager, nullcontext

from sqlalchemy import any_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from services.shared.context import Caller
from services.shared.ids import int_or_not_found
from services.shared.paths import ids_of, path_ids
from services.shared.pipelined import read_together

from .compaction import LOGGED_DEPTH
from .counter_cache import FoldedRows, Kept
from .domain.counters import unit_kind
from .domain.fold import Fact
from .domain.tables import Figures, figures
from .models import counter_generations, orgs


def org_node(sessions: sessionmaker, caller: Caller, org_id, org_lookup,
             projected: dict | None = None) -> tuple[int, str]:
    """The organization's id and path from the projection (`projected`: {id: path or None} already
    read); for one created a moment ago whose event has not arrived yet, from the org service
    (`org_lookup`, which checks scope itself)."""
    org_id = org_key(org_id)
    if projected is not None and org_id in projected:
        path = projected[org_id]
    else:
        with sessions() as session:
            path = _projected_path(session, org_id)
    return org_id, _in_scope(caller, org_id, path, org_lookup)


def org_key(org_id) -> int:
    """A request's organization id (anything but a positive 64-bit integer: no such organization)."""
    return int_or_not_found(org_id, "党组织不存在")


def path_read(org_id: int):
    """The organization's path in the projection (no row: not projected yet)."""
    return select(orgs.c.path).where(orgs.c.id == org_id, orgs.c.path != "")


def _projected_path(session, org_id: int) -> str | None:
    return session.execute(path_read(org_id)).scalar()


def _in_scope(caller: Caller, org_id: int, path: str | None, org_lookup) -> str:
    if path is None:
        path = org_lookup(org_id)["path"]
    caller.require(path)
    return path


# One organization's rows for a report year from one table, folded counters or not yet folded
# deltas, or (direct) its rows minus its children's: what belongs to it alone. (:dimensions
# NULL: every dimension.) The year is collapsed in SQL: `figures` needs only what changed up to
# the previous year end and during the year itself; later years cannot matter. The years before
# the previous one are summed into year - 2, so the same rows give the previous year's figures
# too (a report shows both). At the province root this turns ~7,000 rows (every birth year ×
# year of change) into ~450. The folded counters are read in two parts, kept apart
# (counter_cache.py): the years before the report year, and the report year itself.
ROWS = """
SELECT dimension, value, CASE WHEN year < :year - 1 THEN :year - 2 ELSE year END AS year,
       sum(n * CASE WHEN org_id = :org_id THEN 1 ELSE -1 END) AS n
FROM stats.{table}
WHERE org_id = ANY(:ids) AND year {years} :year {since}
  AND (CAST(:dimensions AS text[]) IS NULL OR dimension = ANY(:dimensions))
GROUP BY 1, 2, 3
"""
EARLIER, THIS_YEAR = "<", "="
PARTS = (EARLIER, THIS_YEAR)
FOLDED_ROWS = {part: text(ROWS.format(table="counters", years=part, since="")) for part in PARTS}
# What the folds after a kept reading added to the same rows (compaction.py logs them).
INCREMENT_ROWS = {part: text(ROWS.format(table="fold_increments", years=part, since="AND fold_no > :since"))
                  for part in PARTS}
# The deltas by an index scan, which marks the entries of folded deltas dead as it passes them:
# during a burst a read skips what the folds before it deleted (stats_0022).
ORG_DELTAS = "org_deltas(CAST(:ids AS bigint[]))"
DELTA_ROWS = text(ROWS.format(table=ORG_DELTAS, years="<=", since=""))
FOLD_LOG = text("SELECT fold_no, kept_after, outside FROM stats.fold_log")
folded_rows = FoldedRows()


def org_rows(sessions: sessionmaker, caller: Caller, org_id, year: int, org_lookup, scope: str = "subtree",
             dimensions: list | None = None) -> tuple[int, list]:
    """The organization (checked against the caller's scope) and its (dimension, value, year, n)
    rows that give `figures(rows, year)` and `figures(rows, year - 1)` exactly: the folded
    counters' rows (kept while their generations stand) plus the deltas', read in one snapshot."""
    org_id, rows, _ = org_rows_and(sessions, caller, org_id, year, org_lookup, scope, dimensions)
    return org_id, rows


def org_rows_and(sessions: sessionmaker, caller: Caller, org_id, year: int, org_lookup, scope: str = "subtree",
                 dimensions: list | None = None, also: dict | None = None) -> tuple[int, list, dict]:
    """org_rows, and the reads `also` ({name: statement}, read_together's) in the same round trip:
    {name: their rows}."""
    org_id, also = org_key(org_id), also or {}
    with snapshot(sessions) as session:
        ids = _counted_ids(session, org_id, scope)
        # The usual case: the path and what the rows take in one round trip; nothing is answered
        # from them before the caller's scope is checked.
        found = read_together(session, {**also, "path": path_read(org_id), **counter_reads(ids, year, dimensions)})
        path = found["path"][0].path if found["path"] else None
        if path is not None:
            caller.require(path)
            return org_id, counted_rows(session, found, ids, path, year, scope, dimensions), \
                {name: found[name] for name in also}
    path = _in_scope(caller, org_id, path, org_lookup)  # created a moment ago: its event is on its way
    with snapshot(sessions) as session:
        return org_id, _counted_rows(session, org_id, path, year, scope, dimensions), \
            {name: found[name] for name in also}


def _counted_ids(session, org_id: int, scope: str) -> list:
    """The organization, and for "direct" its children (its rows minus theirs)."""
    if scope != "direct":
        return [org_id]
    return [org_id, *session.execute(select(orgs.c.id).where(orgs.c.parent_id == org_id)).scalars()]


@contextmanager
def snapshot(sessions: sessionmaker):
    """A session whose reads all see one snapshot (REPEATABLE READ). `sessions` may give a session
    that is one already (a report view's, reports.ReportDesk.reading): it stays as it is."""
    with sessions() as session:
        if not session.info.get("snapshot"):
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            session.info["snapshot"] = True
        yield session


def held(session: Session):
    """`sessions` for a function that opens its own: it gets the open `session`, left open (its
    reads join that transaction instead of each paying a checkout, a BEGIN and an end)."""
    return lambda: nullcontext(session)


def _counted_rows(session, org_id: int, path: str, year: int, scope: str, dimensions: list | None) -> list:
    ids = _counted_ids(session, org_id, scope)
    found = read_together(session, counter_reads(ids, year, dimensions))
    return counted_rows(session, found, ids, path, year, scope, dimensions)


def counter_reads(ids: list, year: int, dimensions: list | None) -> dict:
    """The reads an organization's counted rows take whatever is kept (ids[0]: the organization,
    the rest its children for "direct"): its generations, the fold log and its deltas. A report's
    view sends them in one pipeline with its own reads (reports.ReportDesk.read_ahead)."""
    reads = {"generations": select(counter_generations.c.org_id, counter_generations.c.year,
                                   counter_generations.c.generation)
             .where(counter_generations.c.org_id == any_(ids), counter_generations.c.year <= year),
             "fold_log": FOLD_LOG,
             "deltas": (DELTA_ROWS, _row_parameters(ids, year, dimensions))}
    # Right after a fold (cold) a kept reading is brought up to date from the folds' increments
    # since it: asked for in this same round trip, not a second one (an index range, empty when
    # nothing was folded since). Only kept readings of the organizations the folds log have a fold_no.
    reading = (tuple(ids), year, tuple(dimensions or ()))
    for part in PARTS:
        kept = folded_rows.get((*reading, part))
        if kept is not None and kept.fold_no is not None:
            reads[_increments(part, kept.fold_no)] = (INCREMENT_ROWS[part], {
                **_row_parameters(ids, year, dimensions), "since": kept.fold_no})
    return reads


def _increments(part: str, since: int) -> str:
    return f"increments {part} {since}"


def _row_parameters(ids: list, year: int, dimensions: list | None) -> dict:
    return {"org_id": ids[0], "ids": ids, "dimensions": dimensions, "year": year}


def counted_rows(session, found: dict, ids: list, path: str, year: int, scope: str, dimensions: list | None) -> list:
    """The organization's counted rows from what counter_reads read (`found`) and the folded
    counters: kept while their generations stand; else, for an organization the folds log, kept
    plus the increments of the folds since (when nothing changed the counters outside a fold and
    those increments are still kept); else read now. The parts still to read are read together,
    in the same snapshot as `found`."""
    generations = sorted(tuple(row) for row in found["generations"])
    reading = (tuple(ids), year, tuple(dimensions or ()))
    # The folds log the increments of every organization read here (its children too, for "direct").
    logged = len(path_ids(path)) + (scope == "direct") <= LOGGED_DEPTH
    log = found["fold_log"][0] if logged else None
    params = _row_parameters(ids, year, dimensions)
    parts = {EARLIER: tuple(g for g in generations if g[1] < year),
             THIS_YEAR: tuple(g for g in generations if g[1] == year)}
    kept, reads, read_ahead = {}, {}, {}
    for part, part_generations in parts.items():
        kept[part] = folded_rows.get((*reading, part))
        if kept[part] is not None and kept[part].generations == part_generations:
            continue
        if kept[part] is not None and kept[part].brought_up_to_date(log):
            ahead = found.get(_increments(part, kept[part].fold_no))
            if ahead is not None:  # read with `found` (counter_reads), in its snapshot
                read_ahead[part] = ahead
            else:
                reads[part] = (INCREMENT_ROWS[part], {**params, "since": kept[part].fold_no})
        else:
            kept[part], reads[part] = None, (FOLDED_ROWS[part], params)
    for part, rows in {**read_ahead, **(read_together(session, reads) if reads else {})}.items():
        if kept[part] is not None:
            kept[part] = kept[part].plus(rows, parts[part], log)
        else:
            kept[part] = Kept.read(rows, parts[part], log)
        folded_rows.put((*reading, part), kept[part])
    earlier, this_year, deltas = kept[EARLIER].rows, kept[THIS_YEAR].rows, found["deltas"]
    if not deltas:  # the two folded parts never share a row: their years differ
        return [row for row in (*earlier, *this_year) if row[3]]
    summed: Counter = Counter()
    for dimension, value, row_year, n in (*earlier, *this_year, *deltas):
        summed[(dimension, value, row_year)] += n
    return [(*cell, n) for cell, n in summed.items() if n]


def org_figures(sessions: sessionmaker, caller: Caller, org_id, year: int, org_lookup, scope: str = "subtree",
                dimensions: list | None = None) -> tuple[int, Figures]:
    """The organization (checked against the caller's scope) and its figures for `year`."""
    org_id, rows = org_rows(sessions, caller, org_id, year, org_lookup, scope, dimensions)
    return org_id, figures(rows, year)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def org_fact(row) -> Fact:
    """The counted state of an organization row (version 0: the row exists, nothing counted yet)."""
    if not row or row.version == 0:
        return Fact(0, None, None)
    return Fact(row.version, row.path, {
        "id": row.id, "parent_id": row.parent_id, "path": row.path, "type": row.type, "status": row.status,
        "established_on": _iso(row.established_on), "revoked_on": _iso(row.revoked_on), "units": row.units or [],
        "commendations": row.commendations or []})


def counted_paths(session: Session, ids: set) -> dict:
    """{org id: its counted path} of the organizations in `ids` known here."""
    if not ids:
        return {}
    return dict(session.execute(select(orgs.c.id, orgs.c.path).where(orgs.c.id.in_(ids), orgs.c.path != "")).all())


def rewrite_paths(session: Session, column, old_path: str, new_path: str) -> None:
    """An organization moved from `old_path` to `new_path`: every path in `column` under it
    follows (the counters are re-homed apart, consumers._rehome)."""
    cut = len(old_path) + 1
    session.execute(update(column.table).where(column.startswith(old_path, autoescape=True))
                    .values({column: text(f":new || substr({column.name}, :cut)").bindparams(new=new_path, cut=cut)}))


def unit_kinds(session: Session, paths) -> dict:
    """{org id: unit kind} of the organizations `paths` end at (where members are counted) that are
    set up in a unit of a counted kind (domain/counters.unit_kind), as counted here."""
    ids = sorted({ids_of(path)[-1] for path in paths if ids_of(path)})
    if not ids:
        return {}
    rows = session.execute(select(orgs.c.id, orgs.c.units).where(orgs.c.id == any_(ids)))
    return {row.id: kind for row in rows for kind in [unit_kind(row.units)] if kind}
