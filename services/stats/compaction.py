"""Fold counter deltas into counters: one compactor at a time (an advisory lock), a bounded
batch per run, deltas deleted and added to counters in the same transaction. Counters that
fold to zero (a member who moved away, a damage corrected) are removed, so an organization's
rows stay what it counts.

A run folds one range of ids, [lowest unfolded id, + batch), found from the fold's floor
(stats.fold_progress) rather than from the start of the id index: every delta ever folded left
a dead entry there until a vacuum, and a held snapshot (a report read, an ingester) keeps them
from being skipped, so `ORDER BY id LIMIT` over the whole index cost more with each delta
folded before (issue 19: 5 M folded before, 2.8 s of a 7 s fold were spent passing them).

The floor may only rise past ids that can no longer appear: an ingester's transaction may
commit a lower id after a higher one was folded. So a run marks the sequence's last id (first)
and the writing transactions then running (last); once they have all ended, every id up to the
mark is visible or will never be, and the floor may rise to the mark or the lowest unfolded id,
whichever is lower. (A writer that drew an id before the mark but took its transaction id
after the run would be missed by the floor: ingesters write their inbox rows before their
deltas, so none can; any other straggler is folded after the vacuum below, which restarts the
floor from zero. A delta left unfolded is still counted: reads sum counters and deltas.)

Each fold has a number (stats.fold_log) and logs what it added to the counters of the
organizations near the root (stats.fold_increments), so their kept reports are brought up to
date from those few rows rather than read again (counter_cache.py); the oldest are pruned.

Once a busy spell is over (a run finds nothing to fold after many were folded), the compactor
vacuums what it churned: a year-end burst leaves millions of dead delta rows and counter
versions, and until they are gone every read of the root's rows wades through them (measured:
a root report 10 ms before a 100k-change burst, over 100 ms after it, for minutes). The vacuum
runs beside the folds, never instead of them: a burst's lull of a second looks like its end, and
a vacuum of the 1M province's counters took a minute in which nothing was folded and the root's
deltas grew to 70,000 (issue 19: the report's p95 during the 1M burst 176 ms against 72 ms)."""
import threading

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from services.shared.db import make_engine
from services.shared.observability import metrics
from services.shared.priority import compactor_nice, lower_engine_backends

FOLD_LOCK = 7_401_001  # advisory lock key of the stats compactor
VACUUM_LOCK = 7_401_003  # advisory lock key of the vacuum after a busy spell (one at a time)
BATCH = 100_000
SETTLE_AFTER = 50_000  # deltas folded before the next quiet run vacuums
BACKLOG_MEASURE_SECONDS = 15

FOLD = text("""
WITH moved AS (
    DELETE FROM stats.counter_deltas WHERE id >= :low AND id < :high
    RETURNING org_id, dimension, value, year, n
), summed AS (
    SELECT org_id, dimension, value, year, sum(n) AS n FROM moved GROUP BY org_id, dimension, value, year
    ORDER BY org_id, dimension, value, year  -- the counters' key order: index pages in turn, not at random
), folded AS (
    INSERT INTO stats.counters AS c (org_id, dimension, value, year, n)
    SELECT org_id, dimension, value, year, n FROM summed
    ON CONFLICT (org_id, dimension, value, year) DO UPDATE SET n = c.n + excluded.n
    RETURNING org_id, dimension, value, year, n
), logged AS (  -- what kept reports of the organizations near the root add (counter_cache.py)
    INSERT INTO stats.fold_increments (fold_no, org_id, dimension, value, year, n)
    SELECT :fold_no, s.org_id, s.dimension, s.value, s.year, s.n FROM summed s JOIN stats.orgs o ON o.id = s.org_id
    WHERE o.path <> '' AND length(o.path) - length(replace(o.path, '/', '')) <= :logged_depth + 1
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

# Reports of organizations this deep or less (the province, its cities and counties: few, but each
# with thousands of counter rows) are brought up to date from the folds' increments; deeper ones
# have few rows and are read again. Increments are kept for the last KEEP_FOLDS folds.
LOGGED_DEPTH = 3
KEEP_FOLDS = 60
PRUNE_EVERY = 20
NEXT_FOLD = text("UPDATE stats.fold_log SET fold_no = fold_no + 1 RETURNING fold_no")
# The generation trigger counts a change of the counters outside a fold (stats_0019).
FOLDING = text("SET LOCAL stats.folding = 'on'")
PRUNE = text("""
WITH pruned AS (DELETE FROM stats.fold_increments WHERE fold_no <= :kept_after)
UPDATE stats.fold_log SET kept_after = :kept_after
""")

# A batch's keys summed in memory: at the default 4 MB, 60,000 keys spill to disk.
WORK_MEM = text("SET LOCAL work_mem = '64MB'")
LAST_ID = text("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
               "FROM stats.counter_deltas_id_seq")
PROGRESS = text("SELECT floor, mark, mark_xids FROM stats.fold_progress")
# Have all the writers (transactions of this database) that were running at the mark ended?
ENDED = text("SELECT coalesce(bool_and(pg_xact_status(CAST(CAST(x AS text) AS xid8)) <> 'in progress'), true) "
             "FROM unnest(CAST(:xids AS bigint[])) x")
LOWEST = text("SELECT min(id) FROM stats.counter_deltas WHERE id >= :floor")
# The writers running now: this database's transactions among the snapshot's running ones (a
# transaction of another database on the server cannot write our deltas, nor hold the floor).
RUNNING = text("""
SELECT coalesce(array_agg(CAST(CAST(x AS text) AS bigint)), '{}')
FROM pg_snapshot_xip(pg_current_snapshot()) x
WHERE xid(x) IN (SELECT backend_xid FROM pg_stat_activity WHERE datname = current_database())
""")
SAVE = text("UPDATE stats.fold_progress SET floor = :floor, mark = :mark, mark_xids = :mark_xids")
# After the fold running now, if one is (the vacuum runs beside the folds: a fold's save of its
# floor must not overwrite the restart). One statement: the vacuum's connection autocommits.
RESTART = text("""
WITH folds_held AS (SELECT pg_advisory_xact_lock(:fold_lock))
UPDATE stats.fold_progress SET floor = 0, mark = NULL, mark_xids = NULL FROM folds_held
""")


def fold_deltas(sessions: sessionmaker, batch: int = BATCH) -> int:
    """Fold up to `batch` deltas; returns how many were folded (0 if another compactor runs)."""
    with sessions.begin() as session:
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": FOLD_LOCK}).scalar():
            return 0
        session.execute(WORK_MEM)
        last_id = session.execute(LAST_ID).scalar_one()  # before RUNNING: see the module's docstring
        floor, mark, mark_xids = session.execute(PROGRESS).one()
        ended = mark is not None and session.execute(ENDED, {"xids": mark_xids}).scalar_one()
        low = session.execute(LOWEST, {"floor": floor}).scalar()  # a snapshot taken after ENDED's
        if ended:
            floor = max(floor, mark + 1 if low is None else min(mark + 1, low))
        moved = 0
        if low is not None:
            fold_no = session.execute(NEXT_FOLD).scalar_one()
            session.execute(FOLDING)
            result = session.execute(FOLD, {"low": low, "high": low + batch, "fold_no": fold_no,
                                            "logged_depth": LOGGED_DEPTH}).one()
            moved = result.moved
            if result.zeros:
                org_ids, dimensions, vals, years = (list(column) for column in zip(*result.zeros))
                session.execute(DROP_ZEROS, {"org_ids": org_ids, "dimensions": dimensions, "vals": vals,
                                             "years": years})
            if fold_no % PRUNE_EVERY == 0:
                session.execute(PRUNE, {"kept_after": fold_no - KEEP_FOLDS})
        if mark is None or ended:
            mark, mark_xids = last_id, session.execute(RUNNING).scalar_one()
        session.execute(SAVE, {"floor": floor, "mark": mark, "mark_xids": mark_xids})
        return moved


# Not count(*): during a burst millions of rows, and min(id) from the index start wades through the
# dead entries of every delta folded before (see above); from the floor both ends are index lookups.
BACKLOG = text("""
SELECT coalesce((SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM stats.counter_deltas_id_seq)
                - (SELECT min(id) FROM stats.counter_deltas WHERE id >= (SELECT floor FROM stats.fold_progress)) + 1, 0)
""")


def backlog(sessions: sessionmaker) -> int:
    """Deltas not folded yet, at most: the ids from the lowest unfolded one to the last drawn."""
    with sessions.begin() as session:
        return int(session.execute(BACKLOG).scalar_one())


class Compactor:
    """The compactor of one process: folds, and vacuums once a busy spell is over."""

    def __init__(self, settle_after: int = SETTLE_AFTER):
        self.settle_after = settle_after
        self.folded_since_vacuum = 0
        self.sessions = None
        self.vacuum: threading.Thread | None = None  # a green thread in a service (eventlet patches threading)

    @staticmethod
    def engine():
        """Its own connections (the folds', the vacuum's), served at PMIS_COMPACTOR_NICE (default
        10): below people's requests, above batch work (19). The reports read what it has not
        folded yet, so it must keep up during a burst: at 19 it drained a 1M burst 231 s after the
        last count and slowed the reports meanwhile; at 10 the root's report during a burst was the
        fastest measured and the backlog drained in 3 s (100k) and 26 s (1M) — docs/BENCHMARKS.md,
        issue 19."""
        engine = make_engine(pool_size=2)  # the folds' connection, and the vacuum's beside it
        if compactor_nice():
            lower_engine_backends(engine, compactor_nice())
        return engine

    def run(self, sessions: sessionmaker | None = None) -> int:
        """Fold through `sessions`, or by default its own connection (engine)."""
        if sessions is None:
            if self.sessions is None:
                self.sessions = sessionmaker(self.engine(), expire_on_commit=False)
            sessions = self.sessions
        moved = fold_deltas(sessions)
        if metrics.due("compactor-backlog", BACKLOG_MEASURE_SECONDS):
            metrics.COMPACTOR_BACKLOG.set(backlog(sessions))
        self.folded_since_vacuum += moved
        if moved == 0 and self.folded_since_vacuum >= self.settle_after and not self.vacuuming():
            self.folded_since_vacuum = 0  # what is folded from now on counts toward the next one
            self.vacuum = threading.Thread(target=vacuum, args=(sessions,), name="compactor-vacuum", daemon=True)
            self.vacuum.start()
        return moved

    def vacuuming(self) -> bool:
        return self.vacuum is not None and self.vacuum.is_alive()


def vacuum(sessions: sessionmaker) -> bool:
    """VACUUM (ANALYZE) the counters and their deltas (on a connection of its own, beside the
    folds), then restart the fold's floor from zero (cheap now the dead entries are gone; it folds
    any straggler below the floor) after the fold running then; False if another process is doing it."""
    engine = sessions.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": VACUUM_LOCK}).scalar():
            return False
        try:
            connection.execute(text("VACUUM (ANALYZE) stats.counter_deltas, stats.counters"))
            connection.execute(RESTART, {"fold_lock": FOLD_LOCK})
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": VACUUM_LOCK})
    return True
