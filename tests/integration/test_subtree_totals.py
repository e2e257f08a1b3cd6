"""Tree node totals sum a node's whole subtree, and only it: "/1/X/" is not a prefix of
"/1/X0/" even though the strings are close (the range scan's upper bound)."""
import psycopg

from tests.support.helpers import plain_dsn

X = 9_000_005  # ids far above anything the tests create
ROWS = {X: "/{root}/9000005/", X * 10 + 5: "/{root}/90000055/", X + 1: "/{root}/9000005/9000006/"}
COUNTS = {X: 2, X * 10 + 5: 7, X + 1: 3}


def test_node_totals_cover_exactly_their_subtree(system, rpc, root_id):
    dsn = plain_dsn(system)
    with psycopg.connect(dsn) as conn:
        for org_id, path in ROWS.items():
            conn.execute("INSERT INTO stats.orgs (id, parent_id, path, type, version) VALUES (%s, %s, %s, '31', 1)",
                         (org_id, root_id, path.format(root=root_id)))
            conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, n) VALUES (%s, 'total', '', %s)",
                         (org_id, COUNTS[org_id]))
    try:
        totals = rpc.call("stats", "member_totals", org_ids=[X, X * 10 + 5, X + 1, 123456789])
        assert totals == {str(X): 2 + 3, str(X * 10 + 5): 7, str(X + 1): 3, "123456789": 0}
    finally:
        with psycopg.connect(dsn) as conn:
            ids = list(ROWS)
            conn.execute("DELETE FROM stats.counter_deltas WHERE org_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM stats.counters WHERE org_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM stats.orgs WHERE id = ANY(%s)", (ids,))
