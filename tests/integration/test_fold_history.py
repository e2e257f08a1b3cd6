"""The compactor's fold after a history of folded deltas (issue 19), in a private database with
the stats schema alone (no service runs, so no other compactor folds meanwhile).

A fold's cost must not grow with the deltas folded before it: it starts at the fold's floor,
not at the start of the id index with a dead entry for every delta ever folded (none can be
skipped while a snapshot older than them is held, as here). Bounded by the buffers the fold's
reads touch, not by a timing. And the floor must never pass a delta still to be committed: an
ingester's transaction may commit a lower id after higher ones were folded."""
import psycopg
import pytest
from sqlalchemy import text

from bench.fold_rate import Backlog, private_database
from services.stats import compaction, queries, store

HISTORY = 200_000
PENDING = 200_000


@pytest.fixture
def backlog():
    with private_database() as dsn:
        backlog = Backlog(dsn)
        try:
            yield backlog
        finally:
            backlog.close()


def floor(backlog: Backlog) -> int:
    return backlog.conn.execute("SELECT floor FROM stats.fold_progress").fetchone()[0]


def explained(backlog: Backlog, statement: str, params: dict) -> list[str]:
    with backlog.engine.connect() as connection:
        lines = [row[0] for row in connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {statement}"), params)]
        connection.rollback()
    return lines


def buffers(lines: list[str]) -> int:
    """Shared buffers hit and read by the statement's first node (all of it)."""
    line = next(line for line in lines if "Buffers: shared" in line)
    counts = line.split("shared ")[1].split(",")[0].split()
    return sum(int(part.split("=")[1]) for part in counts if part.startswith(("hit=", "read=")))


def test_folding_after_a_history_reads_no_dead_entry_and_keeps_every_count(backlog):
    backlog.hold_snapshot()  # older than every delta below: none of their dead entries can be skipped
    backlog.add(HISTORY)
    assert compaction.fold_deltas(backlog.sessions, batch=HISTORY) == HISTORY  # the history, folded
    assert compaction.fold_deltas(backlog.sessions) == 0  # its writers have ended: the floor rises past it
    assert floor(backlog) == HISTORY + 1
    backlog.add(PENDING)
    before = backlog.figures()

    lowest = explained(backlog, compaction.LOWEST.text, {"floor": floor(backlog)})
    from_the_start = explained(backlog, compaction.LOWEST.text, {"floor": 0})
    # From the floor: a few index pages. From the start: a heap visit for each dead entry.
    assert buffers(lowest) < 20, lowest
    assert buffers(from_the_start) > HISTORY / 200, from_the_start
    fold = explained(backlog, compaction.FOLD.text, {"low": HISTORY + 1, "high": HISTORY + 1 + compaction.BATCH,
                                                    "fold_no": 1, "logged_depth": compaction.LOGGED_DEPTH})
    deleted = fold[next(number for number, line in enumerate(fold) if "Delete on" in line):]
    # ~2 buffers a deleted row (index and heap), nothing for the 200,000 dead ones before it.
    assert buffers(deleted) < 3 * compaction.BATCH, deleted

    result = backlog.fold_all()
    assert result["pending"] == PENDING and backlog.pending() == 0
    assert backlog.figures() == before  # counters + deltas: the same figures, every delta folded once


def test_the_floor_waits_for_a_writer_that_has_not_committed_its_lower_id(backlog):
    backlog.add(10)
    late = psycopg.connect(backlog.dsn)  # an ingester's transaction: inbox rows first, then its deltas
    late.execute("SELECT pg_current_xact_id()")
    late.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) "
                 "VALUES (1, 'total', '', 2026, 7)")
    backlog.add(10)  # higher ids, committed first
    try:
        for _ in range(4):  # folds what is visible; the floor may not pass the uncommitted id
            compaction.fold_deltas(backlog.sessions)
        assert backlog.pending() == 0
        assert floor(backlog) <= 11
        late.commit()
        while compaction.fold_deltas(backlog.sessions):
            pass
        assert backlog.pending() == 0
        assert backlog.conn.execute("SELECT n FROM stats.counters WHERE org_id = 1 AND dimension = 'total'"
                                    ).fetchone()[0] == 7
        compaction.fold_deltas(backlog.sessions)
        assert floor(backlog) == 22  # every writer ended: past the last id
    finally:
        late.close()


def test_a_report_skips_the_deltas_folded_before_it(backlog):
    """During a burst the root's report reads its deltas while the compactor folds them away: a
    bitmap scan visits the heap page of every folded delta's index entry on every read (measured
    mid-burst: 8,461 buffers for 96 live deltas); stats.org_deltas reads by an index scan, which
    marks those entries dead, so the next read passes them without a heap visit. (Fails with
    store.DELTA_ROWS reading stats.counter_deltas itself: 1,825 buffers.)"""
    backlog.add(HISTORY)
    assert backlog.fold_all()["pending"] == HISTORY  # no snapshot held: the folded rows are dead to all
    backlog.add(1_000)
    parameters = {"org_id": 1, "ids": [1], "year": 2026, "dimensions": None}
    as_before = text(store.ROWS.format(table="counter_deltas", years="<=", since=""))
    with backlog.engine.connect() as connection:
        connection.execute(text("SET enable_indexscan = off"))  # the bitmap scan the planner chose
        bitmap = [row[0] for row in connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {as_before.text}"),
                                                       parameters)]
        expected = sorted(tuple(row) for row in connection.execute(as_before, parameters))
        connection.rollback()

    def read() -> tuple[list, list]:
        with backlog.engine.connect() as connection:
            rows = sorted(tuple(row) for row in connection.execute(store.DELTA_ROWS, parameters))
            plan = [row[0] for row in connection.execute(
                text(f"EXPLAIN (ANALYZE, BUFFERS) {store.DELTA_ROWS.text}"), parameters)]
            connection.rollback()
        return rows, plan

    first, _ = read()  # passes the folded entries once, marking them
    second, plan = read()
    assert first == second == expected and len(expected) > 0
    assert buffers(bitmap) > HISTORY / 5 / 100, bitmap  # the root's 20,000 folded deltas' pages
    assert buffers(plan) < 100, plan
    with backlog.engine.connect() as connection:  # the tree's member totals read the deltas the same way
        totals = [row[0] for row in connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {queries.NODE_TOTALS.text}"),
                                                        {"ids": [1], "year": 2026})]
    assert buffers(totals) < 100, totals
