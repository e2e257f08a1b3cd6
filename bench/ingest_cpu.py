"""Where the statistics' ingest time goes (issue 18): CPU milliseconds per event in each process.
`python -m bench.ingest_cpu [MEMBERS [EVENTS [INGESTERS]]]` (default 100,000 members, 40,000 events, 1).

A private system with no ingester of its own; the synthetic province (bench/province.py); EVENTS
members changed as in bench/stats_scale.py's ingest round (education, occupation or a death) with
their member_updated events published while no ingester runs. Then INGESTERS start and the clock
runs until every change is counted. Each process's user+system CPU (/proc/PID/stat) is read
before and after: the ingesters, RabbitMQ, every nameko part (the dues, org and transfer services
consume member_updated too), the relays, and PostgreSQL's backends — each backend named by the
statement it was most often seen running (pg_stat_activity, sampled every 50 ms), so the
ingesters' own backend (COPY of the deltas) and the compactor's (the fold: DELETE … RETURNING)
stand apart. Also: the counter deltas written per event (the fold's work grows with them).
"""
import collections
import sys
import threading
import time

import psycopg

from . import province
from .gateway_cpu import cpu_seconds, processes
from .harness import exit_code, record, running_system
from .stats_scale import (
    dsn_of,
    pick_members,
    stop_ingesters,
    wait_counted,
    wait_published,
    wait_root_known,
    write_apart,
)

ACTIVE = """SELECT pid, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'"""
LAST_DELTA = "SELECT last_value FROM stats.counter_deltas_id_seq"


class Statements(threading.Thread):
    """What each backend of the database is seen running, sampled until stopped."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        self.dsn, self.seen, self.done = dsn, collections.defaultdict(collections.Counter), threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.done.is_set():
                for pid, query in conn.execute(ACTIVE):
                    self.seen[pid][query.strip()] += 1
                time.sleep(0.05)

    def name(self, pid: int) -> str | None:
        return f"postgresql: {self.seen[pid].most_common(1)[0][0]}" if self.seen.get(pid) else None


def main(members: int = 100_000, events: int = 40_000, ingesters: int = 1) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900", PMIS_STATS_INGESTERS="0") as (system, rpc, env):
        dsn = dsn_of(env)
        generated = province.generate(dsn, members)
        wait_root_known(dsn, system)
        chosen = pick_members(dsn, events, 0)
        write_apart(dsn, chosen)
        wait_published(dsn)
        time.sleep(5)  # what else consumes member_updated has taken the events by now
        with psycopg.connect(dsn) as conn:
            first_delta = conn.execute(LAST_DELTA).fetchone()[0]
        watched = processes()
        before = {pid: cpu_seconds(pid) for pid in watched}
        statements = Statements(dsn)
        statements.start()
        started = time.perf_counter()
        names = [system.spawn_ingester(100 + n) for n in range(ingesters)]
        seconds = wait_counted(dsn, chosen, started)
        statements.done.set()
        statements.join()
        watched.update({pid: name for pid, name in processes().items() if pid not in watched})
        after = {pid: cpu_seconds(pid) for pid in watched}
        with psycopg.connect(dsn) as conn:
            deltas = conn.execute(LAST_DELTA).fetchone()[0] - first_delta
        stop_ingesters(system, names)
    by_name: dict[str, float] = {}
    for pid, name in watched.items():
        if name == "postgresql":
            name = statements.name(pid) or name
        by_name[name] = by_name.get(name, 0.0) + max(0.0, after[pid] - before.get(pid, 0.0))
    per_event = {name: round(cpu * 1000 / len(chosen), 3) for name, cpu in sorted(by_name.items(), key=lambda i: -i[1])
                 if cpu * 1000 / len(chosen) >= 0.005}
    record(f"ingest_cpu_{members}", {
        "method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "generated": generated,
        "events": len(chosen), "ingesters": ingesters, "batch": int(system.setting("PMIS_STATS_BATCH")),
        "seconds": round(seconds, 1),
        "events_per_s": round(len(chosen) / seconds), "deltas_per_event": round(deltas / len(chosen), 2),
        "cpu_ms_per_event": per_event, "cpu_ms_per_event_total": round(sum(per_event.values()), 3)})


if __name__ == "__main__":
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
