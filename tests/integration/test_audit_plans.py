"""操作日志's searches at scale (bench/audit_scale.py, docs/BENCHMARKS.md): a subtree's period is read in
order from the period index with the subtree's path as an index condition — no sort, no table rows of
other organizations fetched — whatever the size of the table. The planner is told to avoid the plans a
tiny table makes cheap (sequential and bitmap scans); what is checked is that the index can serve the
search as the service writes it (`services.org.audit.statement`)."""
import psycopg
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from services.org.audit import statement
from services.shared.context import Caller
from tests.support.helpers import plain_dsn


def plan_of(system, scope_path: str, filters: dict) -> str:
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    try:
        with Session(engine) as session:
            query = statement(session, Caller(user_id="test", scope_path=scope_path), filters, None, 50)
            sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    finally:
        engine.dispose()
    with psycopg.connect(plain_dsn(system)) as conn:
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        return "\n".join(row[0] for row in conn.execute("EXPLAIN " + sql.replace("%%", "%")))


def test_a_subtree_day_and_a_subtree_without_dates_read_the_period_index_in_order(system, root_id):
    with psycopg.connect(plain_dsn(system)) as conn:
        root_path = conn.execute("SELECT path FROM org.orgs WHERE id = %s", (root_id,)).fetchone()[0]
    for filters in ({"org_id": root_id, "from": "2025-06-11", "to": "2025-06-11"}, {"org_id": root_id}):
        plan = plan_of(system, root_path, filters)
        assert "audit_entries_at_path" in plan, plan
        condition = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "org_path ~>=~" in condition and "org_path ~<~" in condition, plan  # the path inside the index
        assert "Sort" not in plan, plan  # newest first straight from the index: the page stops at its limit
