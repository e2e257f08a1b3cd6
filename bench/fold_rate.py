"""The compactor's fold rate against its backlog and its history (issue 19), at database level:
`python -m bench.fold_rate check` (the regression check: exits 1 under 50,000 deltas/s; with
`--cpu`, per CPU second of the folding server process, for a machine shared with other work) or
`python -m bench.fold_rate curve` (100k, 1M and 5M pending), optionally `--old` to time the
fold statement it replaced on the same state.

A private database is migrated to the stats head; no service runs. Deltas are generated in SQL
in the shape the ingester writes them (services/stats/consumers.py): a member change is -1 on
the old value and +1 on the new one (education or occupation), dated in the member's joined
year, at the 5 levels of its path (root, city, county, committee, branch; 2,860 branches), ids
from the table's own sequence. The history (deltas folded before) is made as a fold leaves it
without its cost: inserted, deleted, never vacuumed (autovacuum is off on these machines), the
fold's floor where the compactor would have left it (services/stats/compaction.py); the
history is in the counters (every key of the stream, once it is 1.63 M deltas long), so a fold
updates counters as at a year end. A REPEATABLE READ
snapshot taken before the history was deleted is held throughout, as a long read (a reconcile,
a rebuild) holds one: no dead entry can be skipped or pruned. The pending deltas are then folded
by `fold_deltas` (the compactor's own function, its default batch) until none is left; the
rate is deltas folded / wall time, overall and per 100,000 of backlog; counters plus deltas are
checked to sum to the same figures before and after.
"""
import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from services.shared.migrations import upgrade
from services.stats import compaction

from .harness import exit_code, record, signals_held, stopping_on_signals

ADMIN_DSN = os.environ.get("PMIS_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRED = 50_000  # deltas/s the regression check asks for
BRANCHES = 2_860

# Rows `:first` … `:first + :count - 1` of the synthetic stream (10 rows a change: 5 levels × old/new).
GENERATE = """
INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n)
SELECT CASE g %% 5 WHEN 0 THEN 1 WHEN 1 THEN 2 + b %% 16 WHEN 2 THEN 100 + b %% 160
                   WHEN 3 THEN 1000 + b %% 1920 ELSE 10000 + b END,
       CASE WHEN c %% 2 = 0 THEN 'education' ELSE 'occupation' END,
       (((c * 31) %% 6) + (g / 5) %% 2)::text,
       1950 + (c * 13) %% 76,
       CASE WHEN (g / 5) %% 2 = 0 THEN -1 ELSE 1 END
FROM generate_series(%(first)s::bigint, %(first)s::bigint + %(count)s - 1) g,
     LATERAL (SELECT g / 10 AS c) change, LATERAL (SELECT (change.c * 7919) %% {branches} AS b) branch
""".format(branches=BRANCHES)
# The stream's organizations in the stats projection, so a fold logs the increments of the upper
# three levels (root, cities, counties) as it does in a deployment (compaction.LOGGED_DEPTH).
ORGS = """
INSERT INTO stats.orgs (id, parent_id, path, type, version)
SELECT 1, NULL, '/1/', '11', 1
UNION ALL SELECT 2 + k, 1, format('/1/%s/', 2 + k), '11', 1 FROM generate_series(0, 15) k
UNION ALL SELECT 100 + k, 2 + k % 16, format('/1/%s/%s/', 2 + k % 16, 100 + k), '11', 1
          FROM generate_series(0, 159) k
UNION ALL SELECT 1000 + k, 100 + k % 160, format('/1/%s/%s/%s/', 2 + k % 16, 100 + k % 160, 1000 + k), '11', 1
          FROM generate_series(0, 1919) k
UNION ALL SELECT 10000 + b, 1000 + b % 1920,
                 format('/1/%s/%s/%s/%s/', 2 + b % 16, 100 + b % 160, 1000 + b % 1920, 10000 + b), '31', 1
          FROM generate_series(0, {branches} - 1) b
""".format(branches=BRANCHES)
# The history counted: every key of the stream (it repeats every 163,020 changes) gets a counter.
COUNT_HISTORY = """
INSERT INTO stats.counters (org_id, dimension, value, year, n)
SELECT org_id, dimension, value, year, sum(n) + 1000 FROM stats.counter_deltas GROUP BY 1, 2, 3, 4
"""
FIGURES = """
SELECT md5(string_agg(format('%s/%s/%s/%s=%s', org_id, dimension, value, year, n), ','
                      ORDER BY org_id, dimension, value, year))
FROM (SELECT org_id, dimension, value, year, sum(n) AS n
      FROM (SELECT org_id, dimension, value, year, n FROM stats.counters
            UNION ALL SELECT org_id, dimension, value, year, n FROM stats.counter_deltas) both_parts
      GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0) summed
"""

# The fold statement this issue replaced: the batch's ids by ORDER BY id LIMIT from the start of the index.
OLD_FOLD = compaction.FOLD.text.replace(
    "WHERE id >= :low AND id < :high", "WHERE id IN (SELECT id FROM stats.counter_deltas ORDER BY id LIMIT :batch)")


@contextlib.contextmanager
def scratch_database(prefix: str = "pmis_fold_rate"):
    """An empty database of its own, dropped afterwards (also on SIGTERM or SIGINT); yields its DSN."""
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with stopping_on_signals():
        try:
            yield f"{ADMIN_DSN.rsplit('/', 1)[0]}/{name}"
        finally:
            with signals_held():
                with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:  # FORCE: a running fold ends too
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def private_database():
    """A database migrated to the stats head, dropped afterwards (also on SIGTERM or SIGINT)."""
    url = os.environ.get("PMIS_DATABASE_URL")
    with scratch_database() as dsn:
        try:
            os.environ["PMIS_DATABASE_URL"] = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
            upgrade("stats")
            yield dsn
        finally:
            if url is None:
                os.environ.pop("PMIS_DATABASE_URL", None)
            else:
                os.environ["PMIS_DATABASE_URL"] = url


class Backlog:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.generated = 0
        # One connection, so its server process's CPU time is the fold's.
        self.engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1,
                                    max_overflow=0)
        self.sessions = sessionmaker(self.engine)
        self.held = None
        self.conn.execute(ORGS)

    def close(self) -> None:
        if self.held is not None:
            self.held.close()
        self.conn.close()
        self.engine.dispose()

    def add(self, count: int) -> None:
        self.conn.execute(GENERATE, {"first": self.generated, "count": count})
        self.generated += count

    def prepare(self, history: int, hold: bool = True) -> None:
        """`history` deltas folded before: counted, dead rows, (`hold`) a snapshot holding them."""
        if hold:
            self.hold_snapshot()
        self.add(history)
        self.conn.execute(COUNT_HISTORY)
        self.conn.execute("DELETE FROM stats.counter_deltas")
        # Where the compactor leaves the floor once it has folded them: past the last id.
        self.conn.execute("UPDATE stats.fold_progress SET floor = (SELECT last_value + 1 FROM "
                          "stats.counter_deltas_id_seq) WHERE %s > 0", (history,))
        self.conn.execute("ANALYZE stats.counter_deltas, stats.counters")

    def hold_snapshot(self) -> None:
        self.held = psycopg.connect(self.dsn)
        self.held.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        self.held.execute("SELECT count(*) FROM stats.counters").fetchone()

    def figures(self) -> str:
        return self.conn.execute(FIGURES).fetchone()[0]

    def pending(self) -> int:
        return self.conn.execute("SELECT count(*) FROM stats.counter_deltas").fetchone()[0]

    def fold_all(self, old: bool = False) -> dict:
        """Fold until nothing is left; the rate overall and at each 100,000 of backlog."""
        pending, before = self.pending(), self.figures()
        cpu_before = self.server_cpu()
        folded, runs, started = 0, [], time.perf_counter()
        while True:
            run_started = time.perf_counter()
            moved = self._fold_old() if old else compaction.fold_deltas(self.sessions)
            if moved == 0:
                break
            folded += moved
            runs.append((pending - folded + moved, moved, time.perf_counter() - run_started))
        seconds = time.perf_counter() - started
        cpu = self.server_cpu() - cpu_before
        if self.figures() != before or folded != pending:
            raise AssertionError(f"the fold changed the figures (folded {folded} of {pending})")
        return {"pending": pending, "seconds": round(seconds, 1), "deltas_per_s": round(folded / seconds),
                "first_batch_per_s": round(runs[0][1] / runs[0][2]) if runs else None,
                "last_batch_per_s": round(runs[-1][1] / runs[-1][2]) if runs else None,
                "runs": len(runs), "server_cpu_s": round(cpu, 1),
                "deltas_per_cpu_s": round(folded / cpu) if cpu else None}

    def server_cpu(self) -> float:
        """CPU seconds used so far by the folding connection's server process (same machine):
        the fold's cost apart from the other work sharing the cores."""
        with self.engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _fold_old(self) -> int:
        with self.sessions.begin() as session:
            return session.execute(text(OLD_FOLD), {"batch": compaction.BATCH, "fold_no": 0,
                                                    "logged_depth": compaction.LOGGED_DEPTH}).one().moved


def check(pending: int = 2_000_000, history: int = 2_000_000, old: bool = False, hold: bool = True) -> dict:
    with private_database() as dsn:
        backlog = Backlog(dsn)
        try:
            backlog.prepare(history, hold)
            backlog.add(pending)
            backlog.conn.execute("ANALYZE stats.counter_deltas")
            return {"history": history, "snapshot_held": hold, **backlog.fold_all(old)}
        finally:
            backlog.close()


def curve(sizes=(100_000, 1_000_000, 5_000_000), history: int = 2_000_000, old: bool = False,
          hold: bool = True) -> dict:
    """One database: each backlog folded in turn, on the history of all the folds before it."""
    points = []
    with private_database() as dsn:
        backlog = Backlog(dsn)
        try:
            backlog.prepare(history, hold)
            folded_before = history
            for size in sizes:
                backlog.add(size)
                points.append({"folded_before": folded_before, **backlog.fold_all(old)})
                folded_before += size
        finally:
            backlog.close()
    return {"history": history, "snapshot_held": hold, "points": points}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("check", "curve"))
    parser.add_argument("--old", action="store_true", help="time the replaced ORDER BY id LIMIT fold")
    parser.add_argument("--pending", type=int, default=2_000_000)
    parser.add_argument("--history", type=int, default=2_000_000)
    parser.add_argument("--no-held-snapshot", dest="hold", action="store_false",
                        help="no snapshot held from before the history (short transactions only)")
    parser.add_argument("--cpu", action="store_true",
                        help="judge the check by the folding server process's CPU seconds, not wall time "
                             "(on a machine shared with other work)")
    args = parser.parse_args(argv)
    method = __doc__.strip().split("\n\n")[1].replace("\n", " ")
    suffix = "_old" if args.old else ""
    if args.what == "curve":
        suffix += "" if args.hold else "_no_held_snapshot"
        record(f"fold_rate_curve{suffix}", {"method": method, **curve(history=args.history, old=args.old,
                                                                       hold=args.hold)})
        return 0
    result = check(args.pending, args.history, args.old, args.hold)
    record(f"fold_rate_check{suffix}", {"method": method, "required_per_s": REQUIRED, **result})
    rate = result["deltas_per_cpu_s"] if args.cpu else result["deltas_per_s"]
    if rate is None or rate < REQUIRED:
        print(f"FAIL: {rate} deltas/{'CPU ' if args.cpu else ''}s < {REQUIRED}", file=sys.stderr)
        return 1
    print(f"OK: {rate} deltas/{'CPU ' if args.cpu else ''}s >= {REQUIRED}")
    return 0


if __name__ == "__main__":
    sys.exit(exit_code(main))
