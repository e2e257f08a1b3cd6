"""Fold counter deltas into counters: one compactor at a time (an advisory lock), a bounded
batch per run, deltas deleted and added to counters in the same transaction."""
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

FOLD_LOCK = 7_401_001  # advisory lock key of the stats compactor
BATCH = 100_000

FOLD = text("""
WITH moved AS (
    DELETE FROM stats.counter_deltas
    WHERE id IN (SELECT id FROM stats.counter_deltas ORDER BY id LIMIT :batch)
    RETURNING org_id, dimension, value, year, n
), summed AS (
    SELECT org_id, dimension, value, year, sum(n) AS n FROM moved GROUP BY org_id, dimension, value, year
), folded AS (
    INSERT INTO stats.counters AS c (org_id, dimension, value, year, n)
    SELECT org_id, dimension, value, year, n FROM summed
    ON CONFLICT (org_id, dimension, value, year) DO UPDATE SET n = c.n + excluded.n
    RETURNING 1
)
SELECT (SELECT count(*) FROM moved)
""")


def fold_deltas(sessions: sessionmaker, batch: int = BATCH) -> int:
    """Fold up to `batch` deltas; returns how many were folded (0 if another compactor runs)."""
    with sessions.begin() as session:
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": FOLD_LOCK}).scalar():
            return 0
        return session.execute(FOLD, {"batch": batch}).scalar_one()
