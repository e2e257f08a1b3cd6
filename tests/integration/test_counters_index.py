"""The counters' one index (stats_0023, issue 18), in a private database with the stats schema alone.

A fold updates `n` in thousands of counters; an update of an indexed column writes an entry in
every index of the table, so a second index on the counters (as the covering index by
organization and year was) makes every fold pay twice. The key includes `n`, so the reports'
reads of an organization's rows are still answered from the index alone."""
import pytest
from sqlalchemy import text

from bench.fold_rate import Backlog, private_database
from services.stats import compaction, store

INDEXES = """SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'stats' AND tablename = 'counters'"""


@pytest.fixture
def folded():
    with private_database() as dsn:
        backlog = Backlog(dsn)
        try:
            backlog.add(20_000)
            assert compaction.fold_deltas(backlog.sessions) == 20_000
            backlog.conn.execute("VACUUM ANALYZE stats.counters")  # all visible: an index-only scan reads no heap
            yield backlog
        finally:
            backlog.close()


def test_the_counters_have_one_index_the_key_with_n_included(folded):
    (name, definition), = folded.conn.execute(INDEXES).fetchall()
    assert name == "counters_pkey"
    assert definition.endswith("(org_id, dimension, value, year) INCLUDE (n)"), definition


@pytest.mark.parametrize("part", [store.EARLIER, store.THIS_YEAR])
def test_a_report_reads_an_organizations_counters_from_the_index_alone(folded, part):
    with folded.engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        connection.execute(text("SET enable_bitmapscan = off"))
        plan = [row[0] for row in connection.execute(
            text(f"EXPLAIN (ANALYZE) {store.FOLDED_ROWS[part].text}"),
            {"year": 2026, "org_id": 1, "ids": [1], "dimensions": None})]
        connection.rollback()
    scan = next(line for line in plan if "Scan" in line)
    assert "Index Only Scan using counters_pkey" in scan, plan
    assert any(line.strip() == "Heap Fetches: 0" for line in plan), plan
