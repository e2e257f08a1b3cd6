"""A report's view reads in a few round trips to PostgreSQL, not one per statement (issue 19:
under a year-end burst each round trip waits for a busy core; the view's dozen made the root's
report slow). Counted from libpq's own trace of what the connection sends: a pipeline ends in
one Sync, a plain statement is one Query."""
import os
from datetime import date

import psycopg
import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.stats import queries, reports
from tests.support.helpers import plain_dsn

NOW = date.today().year


def round_trips(trace_file) -> int:
    sent = [line.split("\t") for line in trace_file.read_text().splitlines()]
    return sum(1 for fields in sent if len(fields) > 3 and fields[1] == "F" and fields[3] in ("Sync", "Query"))


@pytest.fixture
def traced(system, tmp_path):
    """(sessions on one connection whose messages libpq traces, a function running a read and
    returning (its result, the round trips it took))."""
    engine = create_engine(system.env["PMIS_DATABASE_URL"], pool_size=1, max_overflow=0)
    trace_file = tmp_path / "libpq.trace"
    trace = os.open(trace_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)

    @event.listens_for(engine, "connect")
    def tracing(dbapi_connection, record):
        dbapi_connection.pgconn.trace(trace)

    def counted(read):
        os.ftruncate(trace, 0)
        os.lseek(trace, 0, os.SEEK_SET)
        return read(), round_trips(trace_file)

    yield sessionmaker(engine, expire_on_commit=False), counted
    engine.dispose()
    os.close(trace)


def test_the_roots_report_is_read_in_at_most_four_round_trips(system, root_id, traced):
    sessions, counted_trips = traced

    def view() -> tuple[dict, int]:
        desk = reports.ReportDesk(sessions, Caller.system("test"), lambda org_id: {"path": f"/{root_id}/"},
                                  lambda org_id: [], lambda org_id: (lambda: []))
        return counted_trips(lambda: desk.view(root_id, NOW))

    counted = False
    try:
        # Earlier tests' events may still be folding; a fold between two views is a counter change.
        assert system.wait_consistent() == []
        view()  # a first connection's set-up queries and the first read of the folded counters
        # BEGIN (psycopg waits for it), the view's reads in one pipeline, ROLLBACK; of a few views, one
        # must find the counters unchanged since the one before it
        warm_views = [view() for _ in range(3)]
        report = warm_views[-1][0]
        assert min(trips for _, trips in warm_views) <= 3, warm_views
        with psycopg.connect(plain_dsn(system)) as conn:  # a change outside a fold moves the root's generation
            conn.execute("INSERT INTO stats.counters (org_id, dimension, value, year, n) VALUES (%s, 'total', '', "
                         "%s, 1) ON CONFLICT (org_id, dimension, value, year) DO UPDATE SET n = counters.n + 1",
                         (root_id, NOW))
        counted = True
        moved, cold = view()
        assert cold <= 4, cold  # and the folded counters read again, in a second pipeline
        assert moved["year_end_total"] == report["year_end_total"] + 1
    finally:
        with psycopg.connect(plain_dsn(system)) as conn:
            if counted:  # undo only what this test added, or the system's reconcile fails after it
                conn.execute("UPDATE stats.counters SET n = n - 1 WHERE org_id = %s AND dimension = 'total' "
                             "AND value = '' AND year = %s", (root_id, NOW))


def test_the_roots_counted_report_reads_the_report_date_with_its_rows(system, root_id, traced):
    """stats.counted_report: BEGIN (psycopg waits for it), the report date with the rows in one pipeline,
    ROLLBACK. It read the date first in a transaction of its own (6), then in the rows' before them (4)."""
    sessions, counted_trips = traced

    def report() -> tuple[dict, int]:
        return counted_trips(lambda: queries.counted_report(sessions, Caller.system("test"), root_id, NOW, "subtree",
                                                            lambda org_id: {"path": f"/{root_id}/"}))

    assert system.wait_consistent() == []
    report()  # a first connection's set-up queries and the first read of the folded counters
    reports_read = [report() for _ in range(3)]
    assert min(trips for _, trips in reports_read) <= 3, reports_read
    assert reports_read[-1][0]["year"] == NOW and reports_read[-1][0]["tables"]
