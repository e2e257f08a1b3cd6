"""The counters' changes of one transaction are written in key order, in statements a database
takes (at most 65,535 parameters each): a batch of members across many branches — the monthly
advance, a seed — touches thousands of `totals` rows."""
from sqlalchemy.dialects import postgresql

from services.dues.store import FLUSH_ROWS, Tally


class Recorder:
    """Stands in for a session: keeps each statement's parameters as the database would get them."""

    def __init__(self):
        self.statements = []

    def execute(self, statement):
        self.statements.append(statement.compile(dialect=postgresql.dialect()).params)


def test_a_large_flush_is_chunked_in_key_order():
    tally = Tally()
    for branch in range(1, 501):  # 500 branches × 13 months under one root
        tally.add(f"/1/{branch + 1}/", {f"2026-{month:02d}": ["1.00", "1.00", "0", "0", "0", 1, 0]
                                        for month in range(0, 13)}, +1)
    session = Recorder()
    written = tally.flush(session)
    assert written == 13 + 500 * 13 > FLUSH_ROWS
    assert len(session.statements) == -(-written // FLUSH_ROWS)
    assert all(len(params) <= 65_535 for params in session.statements)
    keys = [(params[f"org_id_m{i}"], params[f"year_m{i}"], params[f"month_m{i}"])
            for params in session.statements for i in range(len(params) // 10)]
    assert keys == sorted(keys) and len(keys) == written
    assert tally.flush(Recorder()) == 0  # flushed once
