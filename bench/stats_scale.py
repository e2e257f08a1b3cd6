"""The annual report's figures on a synthetic province: `python -m bench.stats_scale MEMBERS`.

The whole system runs (private database and vhost) with no stats ingester of its own; the
province is generated with its counters (bench/province.py). Then:
1. Report: the root's annual report through the gateway (GET /orgs/{root}/reports/{year}; 20
   warm-up requests, then 200), and the stats.counted_report RPC from the counters against a recount of
   the same figures by one SQL query over member data (GROUPING SETS over the root's subtree):
   medians of 5 runs each, and their ratio. The RPC is timed warm (the root's folded counters
   as kept by the service; back to back, and after idle pauses of 0.5 s — medians of 15) and cold
   (each call right after a fold that changed a root counter of its oldest year, by +1 and −1: the
   kept reading is brought up to date from the fold's increments; median of 15);
   the whole report through the gateway cold too (40 requests, each right after such a fold), and
   校核 of the province (GET /orgs/{root}/reports/{year}/checks: 5 warm-up, then 20).
2. Ingest rate with 1, 2 and 4 ingesters: for each, 40,000 members changed (education,
   occupation, or a death) and their member_updated events published with no ingester running;
   then the ingesters start and the clock runs until every change is counted.
3. A year-end burst: 200,000 changes written as fast as possible (batches of 10,000) with 4
   ingesters running; the clock runs from the first write until every change is counted, and
   until the deltas are folded (the drain: folded minus counted). Meanwhile the root's report
   is read through the gateway every 0.2 s (its p95 during the burst), and between reads the
   request's parts each alone (where the time goes; ReportsMeanwhile).
Each counted state is checked against the member's version in the member schema; the
reconcile of the root must then find no difference (its own time is reported too), once
the compactor has folded the burst's deltas (reads sum counters and deltas, so they are exact
before; the time until folded is reported as well).
Then, on the same province, issue 3's daily-management figures (bench/scale.py's measure).
"""
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from datetime import date, timedelta

import httpx
import psycopg
from psycopg.rows import namedtuple_row

from services.member.events import MEMBER_UPDATED, change_payload, member_facts
from services.shared.context import Caller
from services.shared.messaging.outbox import envelope
from services.shared.priority import batch_nice, lower_backend_priority, lower_own_priority

from . import idle_wake, province, scale
from .harness import admin_client, exit_code, record, running_system, summary_ms

ROUND = 40_000
COLD_GATEWAY_RUNS = 40
BURST = 200_000
BATCH = 10_000
RECOUNT_RUNS = 5
# The RPC cold (right after a fold), and warm after as long an idle pause as a cold call's wait for
# the compactor (which runs every second): medians of 15. On a VM whose idle vCPUs halt, the first
# message after a pause pays for waking them; the paced warm calls show how much of cold − warm
# that is, and idle_probe a bare `SELECT 1` after the same pause against back to back.
COLD_RUNS = PACED_RUNS = 15
IDLE = 0.5

# The recount by query: the report's figures for the year end straight from member data: 表1's
# totals, 表2–4's breakdowns and the same again in each 职业 row, 发展党员 by 职业 row (表14, 15).
RECOUNT = """
WITH m AS (
    SELECT sex, ethnicity, category, birth_date, joined_on, education, occupation, status, leave_kind, left_on
    FROM member.members WHERE org_path LIKE %(path)s
), active AS (
    SELECT * FROM m WHERE joined_on <= %(end)s AND (left_on IS NULL OR left_on > %(end)s)
)
SELECT 'total' AS dimension, '' AS value,
       (SELECT count(*) FROM m WHERE joined_on <= %(prev)s AND (left_on IS NULL OR left_on > %(prev)s)) AS n
UNION ALL SELECT 'decrease', leave_kind, count(*) FROM m WHERE left_on > %(prev)s AND left_on <= %(end)s
    GROUP BY leave_kind
UNION ALL SELECT 'g' || GROUPING(sex, minority, age_band, occupation, education, period, category),
                 concat_ws('|', occupation, sex, minority::text, age_band::text, education, period, category), count(*)
FROM (SELECT sex, ethnicity <> '01' AS minority, category, occupation, education,
             width_bucket(%(year)s - extract(year FROM birth_date)::int, ARRAY[31, 36, 41, 46, 51, 56, 61]) AS age_band,
             CASE WHEN joined_on < '1949-10-01' THEN 'p1' WHEN joined_on < '1979-01-01' THEN 'p2'
                  WHEN joined_on < '2002-11-01' THEN 'p3' WHEN joined_on < '2012-11-01' THEN 'p4'
                  WHEN joined_on < '2022-11-01' THEN 'p5' ELSE 'p6' END AS period
      FROM active) a
GROUP BY GROUPING SETS ((sex), (minority), (age_band), (occupation), (education), (period), (category),
                        (occupation, sex), (occupation, minority), (occupation, age_band), (occupation, education),
                        (occupation, period), (occupation, category))
UNION ALL SELECT 'd' || GROUPING(sex, minority, age_band, occupation, education),
                 concat_ws('|', occupation, sex, minority::text, age_band::text, education), count(*)
FROM (SELECT sex, ethnicity <> '01' AS minority, occupation, education,
             width_bucket(%(year)s - extract(year FROM birth_date)::int, ARRAY[31, 36, 41, 46, 51, 56, 61]) AS age_band
      FROM m WHERE joined_on > %(prev)s AND joined_on <= %(end)s) d
GROUP BY GROUPING SETS ((), (sex), (minority), (age_band), (education), (occupation), (occupation, sex),
                        (occupation, minority), (occupation, age_band), (occupation, education))
"""


# A fold that changes one of the root's counters of its oldest year (+1 and −1 on its total: the
# figures stay, the generation moves), so the next report is the one right after a fold (the
# "cold" figure): it brings its kept reading up to date from the fold's increments
# (services/stats/counter_cache.py). The deltas' ids, to wait until they are folded.
TOUCH_ROOT = """
INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n)
SELECT %(root)s, 'total', '', min(c.year), v.n FROM stats.counters c, (VALUES (1), (-1)) AS v(n)
WHERE c.org_id = %(root)s AND c.dimension = 'total' GROUP BY v.n
RETURNING id
"""
FOLDED = "SELECT count(*) FROM stats.counter_deltas WHERE id = ANY(%(ids)s)"


def fold_touching_root(conn, root_id: int) -> None:
    ids = [row[0] for row in conn.execute(TOUCH_ROOT, {"root": root_id})]
    while conn.execute(FOLDED, {"ids": ids}).fetchone()[0]:
        time.sleep(0.05)


def dsn_of(env: dict) -> str:
    return env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)


def pick_members(dsn: str, count: int, offset: int) -> list[int]:
    """`count` active members spread over the whole province (every k-th by id)."""
    with psycopg.connect(dsn) as conn:
        total = conn.execute("SELECT count(*) FROM member.members WHERE status = 'active'").fetchone()[0]
        step = max(1, total // (count + offset + 1))
        ids = [row[0] for row in conn.execute(
            "SELECT id FROM member.members WHERE status = 'active' ORDER BY id")][offset::step]
    return ids[:count]


def change(row, number: int, today: date) -> dict:
    """What a year end brings: 1 in 50 dies; the others get a higher education or a new post."""
    if number % 50 == 0:
        return {"status": "left", "leave_kind": "10", "left_on": today - timedelta(days=number % 20 + 1)}
    if number % 2:
        ladder = {"70": "60", "60": "40", "40": "30", "30": "20", "20": "10"}
        return {"education": ladder.get(row.education, "20")}
    return {"occupation": "3" if row.occupation != "3" else "4"}


def write_apart(dsn: str, member_ids: list[int]) -> None:
    """write_changes in a process of its own, in its own session and autogroup at batch priority:
    the thread timing the report shares no interpreter lock with it (in one process, building
    200,000 events held the lock the timing thread needs between each step of its requests)."""
    process = multiprocessing.get_context("spawn").Process(target=_write_at_batch_priority, args=(dsn, member_ids))
    process.start()
    try:
        process.join()
    finally:
        if process.is_alive():  # the bench was stopped (SIGTERM, SIGINT): so is its writer
            process.terminate()
            process.join()
    if process.exitcode:
        raise RuntimeError(f"writing the changes failed (exit code {process.exitcode})")


def _write_at_batch_priority(dsn: str, member_ids: list[int]) -> None:
    os.setsid()  # its own autogroup, lowered with it (services/shared/priority.py)
    lower_own_priority()
    write_changes(dsn, member_ids)


def write_changes(dsn: str, member_ids: list[int]) -> None:
    """Change members in the member schema with their member_updated outbox events, BATCH per
    transaction: what that many edits leave behind, without their RPCs. Its backend runs at the
    batch priority (services/shared/priority.py): it stands for edits already made, not for the
    clerks' requests, each of which is small."""
    caller, today = Caller.system("bench"), date.today()
    with psycopg.connect(dsn, row_factory=namedtuple_row) as conn:
        lower_backend_priority(conn)
        for first in range(0, len(member_ids), BATCH):
            with conn.transaction():
                rows = conn.execute("SELECT * FROM member.members WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                                    (member_ids[first:first + BATCH],)).fetchall()
                updates, events = [], []
                for number, row in enumerate(rows, start=first):
                    values = change(row, number, today)
                    after = row._replace(**values, version=row.version + 1)
                    updates.append((row.id, after.education, after.occupation, after.status, after.leave_kind,
                                    after.left_on))
                    event = envelope(MEMBER_UPDATED, row.id, after.version,
                                     change_payload(row.id, member_facts(row), member_facts(after)), caller)
                    events.append((event["event_id"], MEMBER_UPDATED, json.dumps(event, ensure_ascii=False)))
                conn.execute("CREATE TEMP TABLE changed (id bigint, education text, occupation text, status text,"
                             " leave_kind text, left_on date) ON COMMIT DROP")
                with conn.cursor().copy("COPY changed FROM STDIN") as copy:
                    for values in updates:
                        copy.write_row(values)
                conn.execute("UPDATE member.members m SET education = c.education, occupation = c.occupation,"
                             " status = c.status, leave_kind = c.leave_kind, left_on = c.left_on,"
                             " leave_reason = CASE WHEN c.status = 'left' THEN '病故' END,"
                             " version = m.version + 1, updated_at = now() FROM changed c WHERE m.id = c.id")
                with conn.cursor().copy("COPY member.outbox (event_id, event_type, envelope) FROM STDIN") as copy:
                    for values in events:
                        copy.write_row(values)


def wait_counted(dsn: str, member_ids: list[int], started: float, limit: float = 1800) -> float:
    """Until each member is counted at their current version. The bench's own watching must not
    compete with the report it times: one connection whose backend runs at batch priority, asking
    only about the members not yet seen counted (a burst's 200,000 at first, fewer each time)."""
    remaining = list(member_ids)
    with psycopg.connect(dsn, autocommit=True) as conn:
        lower_backend_priority(conn)
        while remaining:
            if time.perf_counter() - started > limit:
                raise TimeoutError("counters did not catch up")
            done = {row[0] for row in conn.execute(
                "SELECT f.member_id FROM stats.member_facts f JOIN member.members m ON m.id = f.member_id "
                "WHERE f.member_id = ANY(%s) AND f.version = m.version", (remaining,))}
            remaining = [member_id for member_id in remaining if member_id not in done]
            if remaining:
                time.sleep(0.25)
    return time.perf_counter() - started


def wait_folded(dsn: str) -> None:
    """Until the compactor has folded (almost) every delta: reads are exact before, faster after."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        lower_backend_priority(conn)
        while conn.execute("SELECT count(*) FROM stats.counter_deltas").fetchone()[0] > 10_000:
            time.sleep(0.5)


def wait_published(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        while conn.execute("SELECT count(*) FROM member.outbox WHERE sent_at IS NULL").fetchone()[0]:
            time.sleep(0.25)


def wait_root_known(dsn: str, system) -> None:
    """Let one ingester take the bootstrap's events (the root's org_created among them), as a
    running system would have: until then the stats service has to ask the org service for
    the root's path on every report."""
    name = system.spawn_ingester(1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not conn.execute("SELECT 1 FROM stats.orgs WHERE id = (SELECT id FROM org.orgs "
                               "WHERE parent_id IS NULL)").fetchone():
            time.sleep(0.25)
    stop_ingesters(system, [name])


def stop_ingesters(system, names: list[str]) -> None:
    for name in names:
        system.stop_child(name)  # not restarted by the supervisor


def timed_report(client, rpc, dsn: str, root: dict, year: int) -> dict:
    path = f"/orgs/{root['id']}/reports/{year}"
    for _ in range(20):
        client.get(path).raise_for_status()
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        timings.append(time.perf_counter() - started)
    from_counters, cold, recount = [], [], []
    for _ in range(RECOUNT_RUNS):
        started = time.perf_counter()
        rpc.call("stats", "counted_report", org_id=root["id"], year=year)
        from_counters.append(time.perf_counter() - started)
    paced = []
    for _ in range(PACED_RUNS):  # warm, after an idle pause
        time.sleep(IDLE)
        started = time.perf_counter()
        rpc.call("stats", "counted_report", org_id=root["id"], year=year)
        paced.append(time.perf_counter() - started)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(COLD_RUNS):  # what a fold does to the root: its generation moves
            fold_touching_root(conn, root["id"])
            started = time.perf_counter()
            rpc.call("stats", "counted_report", org_id=root["id"], year=year)
            cold.append(time.perf_counter() - started)
        gateway_cold = []
        for _ in range(COLD_GATEWAY_RUNS):  # the whole report through the gateway, right after a fold
            fold_touching_root(conn, root["id"])
            started = time.perf_counter()
            client.get(path).raise_for_status()
            gateway_cold.append(time.perf_counter() - started)
    checks = []
    for index in range(25):  # 校核 of the whole province: 5 warm-up, then 20
        started = time.perf_counter()
        client.get(f"{path}/checks").raise_for_status()
        if index >= 5:
            checks.append(time.perf_counter() - started)
    params = {"path": root["path"] + "%", "year": year, "end": date(year, 12, 31), "prev": date(year - 1, 12, 31)}
    with psycopg.connect(dsn) as conn:
        for _ in range(RECOUNT_RUNS):
            started = time.perf_counter()
            conn.execute(RECOUNT, params).fetchall()
            recount.append(time.perf_counter() - started)
    counters_ms, recount_ms = statistics.median(from_counters) * 1000, statistics.median(recount) * 1000
    cold_ms, paced_ms = statistics.median(cold) * 1000, statistics.median(paced) * 1000
    return {"gateway": summary_ms(timings), "gateway_cold": summary_ms(gateway_cold), "checks": summary_ms(checks),
            "rpc_from_counters_ms": round(counters_ms, 2),
            "rpc_from_counters_cold_ms": round(cold_ms, 2), "rpc_from_counters_paced_ms": round(paced_ms, 2),
            "recount_by_query_ms": round(recount_ms, 1),
            "ratio": round(recount_ms / counters_ms, 1), "ratio_cold": round(recount_ms / cold_ms, 1),
            "ratio_paced": round(recount_ms / paced_ms, 1), "select_1_us": idle_probe(dsn)}


def idle_probe(dsn: str) -> dict:
    """A bare `SELECT 1`'s round trip, median µs: after an idle pause of IDLE, and right after that one."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        first, second, *_ = idle_wake.after_pause(conn, PACED_RUNS, pause=IDLE)
    return {"back_to_back": second, "after_idle": first}


class ReportsMeanwhile:
    """The root's report through the gateway, read again and again in a thread while the burst
    is written, counted and folded: the figure operators see at year end. After each read, where
    its time goes: each step of the gateway's request timed alone, one after another (never two
    reads at once) — the gateway answering with no RPC (/healthz), a trivial RPC (org.health), the
    session check (org.resolve_session) and the report itself (stats.get_report)."""

    PARTS = ("gateway_healthz", "rpc_org_health", "rpc_resolve_session", "rpc_get_report")

    def __init__(self, client, rpc, root: dict, year: int):
        self.client = httpx.Client(base_url=client.base_url, headers=client.headers, timeout=60)
        self.bare = httpx.Client(base_url=str(client.base_url).rsplit("/api/", 1)[0], timeout=60)
        self.token = client.headers["authorization"][7:]
        self.rpc, self.root, self.year = rpc, root, year
        self.path = f"/orgs/{root['id']}/reports/{year}"
        self.timings: list[float] = []
        self.started: list[float] = []  # when each read began (perf_counter): the burst's phases apart
        self.written_at: float | None = None  # set when every change is written (then only counting)
        self.parts: dict[str, list[float]] = {name: [] for name in self.PARTS}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _timed(self, into: list, action) -> None:
        started = time.perf_counter()
        action()
        into.append(time.perf_counter() - started)

    def _read(self) -> None:
        steps = dict(zip(self.PARTS, (
            lambda: self.bare.get("/healthz").raise_for_status(),
            lambda: self.rpc.call("org", "health"),
            lambda: self.rpc.call("org", "resolve_session", token=self.token),
            lambda: self.rpc.call("stats", "get_report", org_id=self.root["id"], year=self.year))))
        while not self.done.is_set():
            self.started.append(time.perf_counter())
            self._timed(self.timings, lambda: self.client.get(self.path).raise_for_status())
            self.done.wait(0.1)
            for name, step in steps.items():
                self._timed(self.parts[name], step)
            self.done.wait(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(timeout=120)
        self.client.close()
        self.bare.close()

    def summary(self) -> dict:
        return summary_ms(self.timings) if self.timings else {"n": 0}

    def phases(self) -> dict:
        """The reads while the changes were being written, and after (while they were counted)."""
        cut = self.written_at if self.written_at is not None else float("inf")
        reads = list(zip(self.started, self.timings))
        first = self.started[0] if self.started else 0.0
        return {**{phase: summary_ms(chosen) if chosen else {"n": 0} for phase, chosen in (
            ("while_writing", [t for at, t in reads if at < cut]),
            ("while_counting", [t for at, t in reads if at >= cut]))},
            # The slowest reads, each at its second from the first read: when the tail happens.
            "slowest": [[round(at - first, 1), round(t * 1000, 1)]
                        for at, t in sorted(reads, key=lambda read: -read[1])[:20]]}

    def parts_summary(self) -> dict:
        return {name: summary_ms(seconds) for name, seconds in self.parts.items() if seconds}


def reconciled(rpc, root: dict) -> dict:
    started = time.perf_counter()
    result = rpc.call("stats", "reconcile", org_id=root["id"])
    return {"differences": result["total_differences"], "seconds": round(time.perf_counter() - started, 1),
            "first_differences": result["differences"][:10]}


def main(members: int = 100_000, round_size: int = ROUND, burst: int = BURST, with_daily: int = 1) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900", PMIS_STATS_INGESTERS="0") as (system, rpc, env):
        rpc.client.timeout = 900
        client = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate(dsn, members)
        wait_root_known(dsn, system)
        root = client.get("/orgs/1").json()
        year = date.today().year
        results = {"generated": generated, "report": timed_report(client, rpc, dsn, root, year), "ingest": {}}

        offset = 0
        for ingesters in (1, 2, 4) if round_size else ():
            chosen = pick_members(dsn, round_size, offset)
            offset += 1
            write_apart(dsn, chosen)
            wait_published(dsn)  # every event waits in its queue: only ingestion is timed
            names = [system.spawn_ingester(100 * ingesters + n) for n in range(ingesters)]
            started = time.perf_counter()
            seconds = wait_counted(dsn, chosen, started)
            results["ingest"][f"{ingesters} ingester(s)"] = {
                "events": len(chosen), "seconds": round(seconds, 1), "events_per_s": round(len(chosen) / seconds)}
            stop_ingesters(system, names)

        names = [system.spawn_ingester(900 + n) for n in range(4)]
        if not burst:  # MEMBERS 0 0 0: the report figures alone
            record(f"stats_scale_{members}_report", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                                                     **results})
            stop_ingesters(system, names)
            return
        chosen = pick_members(dsn, burst, offset)
        with ReportsMeanwhile(client, rpc, root, year) as meanwhile:
            started = time.perf_counter()
            write_apart(dsn, chosen)
            meanwhile.written_at = time.perf_counter()
            written = meanwhile.written_at - started
            seconds = wait_counted(dsn, chosen, started)
            wait_folded(dsn)
            folded = time.perf_counter() - started
        results["burst"] = {"changes": len(chosen), "ingesters": 4, "writing_s": round(written, 1),
                            "until_exact_s": round(seconds, 1), "until_deltas_folded_s": round(folded, 1),
                            "drained_after_counted_s": round(folded - seconds, 1),
                            "report_during_burst": meanwhile.summary(), "report_by_phase": meanwhile.phases(),
                            "report_parts_during_burst": meanwhile.parts_summary(),
                            "reconcile": reconciled(rpc, root)}
        results["report_after_burst"] = timed_report(client, rpc, dsn, root, year)
        results["batch_nice"] = batch_nice()  # services/shared/priority.py: 0 = background work not lowered
        record(f"stats_scale_{members}", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                                          **results})
        if with_daily:  # issue 3's figures on the same province (the ingesters still running)
            record(f"scale_{members}", {"method": scale.__doc__.strip().split("\n\n")[1].replace("\n", " "),
                                        "generated": generated, **scale.measure(system, client, members)})
        stop_ingesters(system, names)


if __name__ == "__main__":  # MEMBERS [ROUND BURST [WITH_DAILY]] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
