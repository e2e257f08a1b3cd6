"""A report's folded counters are kept between reads (services/stats/counter_cache.py): every
way the counters can change must show in the next report — a fold by the compactor, a repair by
hand, a delta not yet folded — and a fold committing in the middle of a read must be neither
missed nor counted twice."""
import threading
from datetime import date

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.pipelined import read_together
from services.stats import compaction, store
from tests.support.helpers import plain_dsn, wait_for
from tests.support.statements import watch_statements

X = 9_000_101  # an organization id far above anything the tests create
NOW = date.today().year


@pytest.fixture
def counted_org(system, root_id):
    """Organization X under the root with 5 members counted since 2001, folded."""
    dsn = plain_dsn(system)
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO stats.orgs (id, parent_id, path, type, version) VALUES (%s, %s, %s, '31', 1)",
                     (X, root_id, f"/{root_id}/{X}/"))
        conn.execute("INSERT INTO stats.counters (org_id, dimension, value, year, n) VALUES "
                     "(%s, 'total', '', 2001, 5), (%s, 'sex', '2', 2001, 5)", (X, X))
    yield dsn
    with psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM stats.counter_deltas WHERE org_id = %s", (X,))
        conn.execute("DELETE FROM stats.counters WHERE org_id = %s", (X,))
        conn.execute("DELETE FROM stats.counter_generations WHERE org_id = %s", (X,))
        conn.execute("DELETE FROM stats.orgs WHERE id = %s", (X,))


def year_end(rpc) -> int:
    return rpc.call("stats", "counted_report", org_id=X, year=NOW)["year_end_total"]


def female(rpc) -> int:
    t2 = next(t for t in rpc.call("stats", "counted_report", org_id=X, year=NOW)["tables"] if t["key"] == "t2")
    return t2["rows"][0]["cells"]["female"]


def test_every_change_to_the_counters_shows_in_the_next_report(rpc, counted_org):
    assert year_end(rpc) == 5 and year_end(rpc) == 5  # the second read is served from what was kept
    with psycopg.connect(counted_org) as conn:  # a repair by hand: the trigger moves the generation
        conn.execute("UPDATE stats.counters SET n = 8 WHERE org_id = %s AND dimension = 'total'", (X,))
    assert year_end(rpc) == 8
    with psycopg.connect(counted_org) as conn:  # what an ingester appends: read at once, unfolded
        conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) VALUES "
                     "(%s, 'total', '', %s, 2), (%s, 'sex', '2', %s, 2)", (X, NOW, X, NOW))
    assert year_end(rpc) == 10 and female(rpc) == 7
    with psycopg.connect(counted_org) as conn:  # the compactor folds them: still counted once
        wait_for(lambda: conn.execute("SELECT count(*) FROM stats.counter_deltas WHERE org_id = %s",
                                      (X,)).fetchone()[0], lambda left: left == 0, what="the fold")
        assert conn.execute("SELECT sum(n) FROM stats.counters WHERE org_id = %s AND dimension = 'total'",
                            (X,)).fetchone()[0] == 10
    assert year_end(rpc) == 10 and female(rpc) == 7
    with psycopg.connect(counted_org) as conn:
        conn.execute("DELETE FROM stats.counters WHERE org_id = %s", (X,))
    assert year_end(rpc) == 0 and female(rpc) == 0


def test_a_fold_committed_during_a_read_is_counted_once(system, counted_org):
    """The fold commits after the reader has read the deltas and before it reads the folded
    counters: read in one snapshot, the counters are still as before; read apart, the deltas
    would be counted twice."""
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    sessions = sessionmaker(engine)
    with psycopg.connect(counted_org) as conn:
        conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) "
                     "VALUES (%s, 'total', '', %s, 3)", (X, NOW))
    folded = []

    def fold_first(statement, connection):
        if "FROM stats.counters\n" in statement and connection is not folding and not folded:
            # every visible delta, as a batch did before (not marked as a fold: read again whole)
            every_id = {"low": 0, "high": 2 ** 63 - 1, "fold_no": 0, "logged_depth": compaction.LOGGED_DEPTH}
            folded.append(compactor.execute(compaction.FOLD, every_id).one().moved)
            compactor.commit()

    watch_statements(engine, before=fold_first)
    compactor = engine.connect()  # holds the compactor's lock: the system's own compactor waits
    folding = compactor.connection.dbapi_connection
    compactor.execute(text("SELECT pg_advisory_lock(:key)"), {"key": compaction.FOLD_LOCK})
    compactor.commit()

    try:
        store.folded_rows.entries.clear()
        _, rows = store.org_rows(sessions, Caller.system("test"), X, NOW, None, dimensions=["total"])
        assert folded and folded[0] >= 1  # the fold did happen mid-read
        assert sum(n for _, _, _, n in rows) == 8
        _, rows = store.org_rows(sessions, Caller.system("test"), X, NOW, None, dimensions=["total"])
        assert sum(n for _, _, _, n in rows) == 8  # and after it, from the new generation
    finally:
        compactor.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": compaction.FOLD_LOCK})
        compactor.close()
        engine.dispose()


def test_a_kept_reading_is_brought_up_to_date_by_the_folds_increments(system, counted_org, monkeypatch):
    """Cold = warm (issue 17): after a fold, a kept reading of an organization near the root adds
    what the fold logged for it instead of reading its counters again, asked for in the same round
    trip as the generations; a change outside a fold (a repair by hand) makes the next read whole
    again. The figures are right either way."""
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    sessions = sessionmaker(engine)
    statements = watch_statements(engine)
    round_trips = []

    def counting(session, reads):
        round_trips.append(sorted(reads))
        return read_together(session, reads)

    monkeypatch.setattr(store, "read_together", counting)

    def counted() -> dict:
        statements.clear()
        round_trips.clear()
        _, rows = store.org_rows(sessions, Caller.system("test"), X, NOW, None)
        return {(d, v, y): n for d, v, y, n in rows}

    def read(table: str) -> bool:
        return any(f"FROM stats.{table}\n" in statement for statement in statements)

    try:
        store.folded_rows.entries.clear()
        assert counted() == {("total", "", NOW - 2): 5, ("sex", "2", NOW - 2): 5} and read("counters")
        with psycopg.connect(counted_org) as conn:
            conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) VALUES "
                         "(%s, 'total', '', 2001, 2), (%s, 'sex', '2', %s, -1), (%s, 'sex', '1', %s, 1)",
                         (X, X, NOW, X, NOW))
            conn.commit()
            wait_for(lambda: conn.execute("SELECT count(*) FROM stats.counter_deltas WHERE org_id = %s",
                                          (X,)).fetchone()[0], lambda left: left == 0, what="the fold")
        assert counted() == {("total", "", NOW - 2): 7, ("sex", "2", NOW - 2): 5, ("sex", "2", NOW): -1,
                             ("sex", "1", NOW): 1}
        assert read("fold_increments") and not read("counters")  # the fold's few rows, not the counters
        assert len(round_trips) == 1, round_trips  # with the generations: cold costs no round trip more
        with psycopg.connect(counted_org) as conn:  # outside a fold: the increments cannot say it
            conn.execute("UPDATE stats.counters SET n = 9 WHERE org_id = %s AND dimension = 'total'", (X,))
        assert counted()[("total", "", NOW - 2)] == 9 and read("counters")
    finally:
        engine.dispose()


def test_the_compactor_vacuums_what_it_churned_once_a_busy_spell_is_over(system):
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    sessions = sessionmaker(engine)

    def vacuums() -> int:
        with psycopg.connect(plain_dsn(system), autocommit=True) as conn:
            return conn.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE schemaname = 'stats' "
                                "AND relname = 'counter_deltas'").fetchone()[0]

    try:
        before = vacuums()
        compactor = compaction.Compactor(settle_after=10)
        compactor.folded_since_vacuum = 5  # not busy enough yet: a quiet run does not vacuum
        compactor.run(sessions)
        assert vacuums() == before
        compactor.folded_since_vacuum = 10  # a busy spell (by this process) is over
        wait_for(lambda: (compactor.run(sessions), compactor.folded_since_vacuum)[1], lambda left: left == 0,
                 what="the vacuum after the spell")
        wait_for(vacuums, lambda count: count > before, what="the vacuum to show in the statistics")
    finally:
        engine.dispose()


def test_a_vacuum_never_holds_up_the_folds(system):
    """A burst's lull of a second looks like its end: the vacuum that follows must run beside the
    folds. (Run in place, a vacuum of the 1M province's counters stopped folding for a minute and
    the root's deltas, which every report reads, grew to 70,000.)"""
    engine = create_engine(system.env["PMIS_DATABASE_URL"], pool_size=2, max_overflow=0)
    sessions = sessionmaker(engine)
    blocker = psycopg.connect(plain_dsn(system))  # the vacuum waits for this lock; folds do not
    blocker.execute("LOCK TABLE stats.counter_deltas IN SHARE UPDATE EXCLUSIVE MODE")
    compactor = compaction.Compactor(settle_after=10)
    compactor.folded_since_vacuum = 10

    def runs_promptly() -> None:
        run = threading.Thread(target=compactor.run, args=(sessions,), daemon=True)
        run.start()
        run.join(timeout=15)
        assert not run.is_alive(), "the compactor's run waited for its vacuum"

    try:
        runs_promptly()  # starts the vacuum, which waits
        assert compactor.vacuuming()
        runs_promptly()  # the next run folds (or finds nothing) while it waits
        assert compactor.vacuuming()
    finally:
        blocker.close()
    wait_for(lambda: compactor.vacuuming(), lambda busy: not busy, what="the vacuum to finish")
    engine.dispose()


def test_a_change_of_this_year_rereads_only_this_years_counters(system, counted_org):
    """Generations are kept per year of change: after a fold of this year's deltas (a year-end
    burst) a report reads this year's folded rows again and keeps the earlier years' part; a
    change of an earlier year (a repair) rereads that part."""
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    sessions = sessionmaker(engine)
    reads = []

    def count_reads(statement, connection):
        if "FROM stats.counters\n" in statement:
            reads.append("earlier" if "AND year < " in statement else "year")

    watch_statements(engine, before=count_reads)

    def total(year=NOW) -> int:
        _, rows = store.org_rows(sessions, Caller.system("test"), X, year, None, dimensions=["total"])
        return sum(n for _, _, _, n in rows)

    try:
        store.folded_rows.entries.clear()
        assert total() == 5 and sorted(reads) == ["earlier", "year"]
        reads.clear()
        assert total() == 5 and reads == []  # both parts kept
        with psycopg.connect(counted_org) as conn:  # what a fold of this year's deltas writes
            conn.execute("INSERT INTO stats.counters (org_id, dimension, value, year, n) "
                         "VALUES (%s, 'total', '', %s, 4)", (X, NOW))
        assert total() == 9 and reads == ["year"]
        reads.clear()
        assert total(NOW - 1) == 5 and sorted(reads) == ["earlier", "year"]  # last year: its own keys
        reads.clear()
        assert total(NOW - 1) == 5 and reads == []
        with psycopg.connect(counted_org) as conn:  # a repair of 2001 moves that year's generation
            conn.execute("UPDATE stats.counters SET n = 7 WHERE org_id = %s AND dimension = 'total' "
                         "AND year = 2001", (X,))
        assert total() == 11 and reads == ["earlier"]
        assert total(NOW - 1) == 7
    finally:
        engine.dispose()
