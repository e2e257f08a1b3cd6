"""Fold counter deltas into counters: one compactor at a time (an advisory lock), a bounded
batch per run, deltas deleted and added to counters in the same transaction. Counters that
fold to zero (a member who moved away, a damage corrected) are removed, so an organization's
rows stay what it counts.

Once a busy spell is over (a run finds nothing to fold after many were folded), the compactor
vacuums what it churned: a year-end burst leaves millions of dead delta rows and counter
versions, and until they are gone every read of the root's rows wades through them (measured:
a root report 10 ms before a 100k-change burst, over 100 ms after it, for minutes)."""
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

FOLD_LOCK = 7_401_001  # advisory lock key of the stats compactor
VACUUM_LOCK = 7_401_003  # advisory lock key of the vacuum after a busy spell (one at a time)
BATCH = 100_000
SETTLE_AFTER = 50_000  # deltas folded before the next quiet run vacuums

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
    RETURNING org_id, dimension, value, year, n
)
SELECT (SELECT count(*) FROM moved) AS moved,
       (SELECT json_agg(json_build_array(org_id, dimension, value, year)) FROM folded WHERE n = 0) AS zeros
""")

# A statement's parts cannot delete what another part of it wrote: zeros go in a second one.
DROP_ZEROS = text("""
DELETE FROM stats.counters c
USING unnest(CAST(:org_ids AS bigint[]), CAST(:dimensions AS text[]), CAST(:vals AS text[]),
             CAST(:years AS int[])) AS z(org_id, dimension, value, year)
WHERE (c.org_id, c.dimension, c.value, c.year) = (z.org_id, z.dimension, z.value, z.year) AND c.n = 0
""")


def fold_deltas(sessions: sessionmaker, batch: int = BATCH) -> int:
    """Fold up to `batch` deltas; returns how many were folded (0 if another compactor runs)."""
    with sessions.begin() as session:
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": FOLD_LOCK}).scalar():
            return 0
        result = session.execute(FOLD, {"batch": batch}).one()
        if result.zeros:
            org_ids, dimensions, vals, years = (list(column) for column in zip(*result.zeros))
            session.execute(DROP_ZEROS, {"org_ids": org_ids, "dimensions": dimensions, "vals": vals,
                                         "years": years})
        return result.moved


class Compactor:
    """The compactor of one process: folds, and vacuums once a busy spell is over."""

    def __init__(self, settle_after: int = SETTLE_AFTER):
        self.settle_after = settle_after
        self.folded_since_vacuum = 0

    def run(self, sessions: sessionmaker) -> int:
        moved = fold_deltas(sessions)
        self.folded_since_vacuum += moved
        if moved == 0 and self.folded_since_vacuum >= self.settle_after and vacuum(sessions):
            self.folded_since_vacuum = 0
        return moved


def vacuum(sessions: sessionmaker) -> bool:
    """VACUUM (ANALYZE) the counters and their deltas; False if another process is doing it."""
    engine = sessions.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": VACUUM_LOCK}).scalar():
            return False
        try:
            connection.execute(text("VACUUM (ANALYZE) stats.counter_deltas, stats.counters"))
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": VACUUM_LOCK})
    return True
