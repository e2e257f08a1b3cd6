"""Tree node totals read each node's own rolled-up rows: members at the end of the current
year (stock changes of every year up to now), nothing of other nodes, and 0 out of scope."""
from datetime import date

import psycopg

from services.shared.context import Caller
from tests.support.helpers import plain_dsn

X = 9_000_005  # ids far above anything the tests create
ROWS = {X: "/{root}/9000005/", X * 10 + 5: "/{root}/90000055/", X + 1: "/{root}/9000005/9000006/"}
NOW = date.today().year
# (org_id, year, n): +5 joined in 2001, 1 left last year, 1 "joins" next year (not counted yet).
COUNTS = [(X, 2001, 5), (X, NOW - 1, -1), (X, NOW + 1, 1), (X * 10 + 5, 1990, 7), (X + 1, NOW, 3)]


def test_node_totals_are_the_node_stock_now(system, rpc, root_id):
    dsn = plain_dsn(system)
    with psycopg.connect(dsn) as conn:
        for org_id, path in ROWS.items():
            conn.execute("INSERT INTO stats.orgs (id, parent_id, path, type, version) VALUES (%s, %s, %s, '31', 1)",
                         (org_id, root_id, path.format(root=root_id)))
        for org_id, year, n in COUNTS:
            conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) "
                         "VALUES (%s, 'total', '', %s, %s)", (org_id, year, n))
            conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) "
                         "VALUES (%s, 'sex', '1', %s, %s)", (org_id, year, 100))
    try:
        totals = rpc.call("stats", "member_totals", org_ids=[X, X * 10 + 5, X + 1, 123456789])
        assert totals == {str(X): 4, str(X * 10 + 5): 7, str(X + 1): 3, "123456789": 0}
        elsewhere = Caller("u", f"/{root_id}/9000005/")
        assert rpc.call("stats", "member_totals", caller=elsewhere, org_ids=[X, X * 10 + 5]) == {
            str(X): 4, str(X * 10 + 5): 0}
    finally:
        with psycopg.connect(dsn) as conn:
            ids = list(ROWS)
            conn.execute("DELETE FROM stats.counter_deltas WHERE org_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM stats.counters WHERE org_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM stats.orgs WHERE id = ANY(%s)", (ids,))
