"""What the counters' indexes cost a fold and give a report (issue 18, stats_0023):
`python -m bench.counter_indexes [VARIANT …]` (default: all three).

A private database per variant holds a copy of the counters' shape (no service runs): 12.48 M
rows — 4,000 organizations × 15 dimensions × 8 values × 26 years — and one organization (the
root) with 7,800 rows scattered among them (rows inserted in random order, as years of folds
leave them). Variants: `two` (the key, and the covering index by organization and year with
`n` included: before stats_0023), `key_n` (the key with `n` included: after), `key_hot` (the key
alone, fillfactor 70: updates that write no index entry, but no index-only read). Each variant
folds 6 batches of 13,000 counter deltas (75 % on existing counters, the compactor's statement
without its increments log) with a CHECKPOINT before every second one (full-page images, as a
busy server writes them), and reads the root's rows for a report year 30 times (all visible
after a VACUUM, then again after 2 % of the table was updated: pages no longer all visible).
Also: the time to rebuild the key as stats_0023 does, from the `two` layout.
"""
import random
import statistics
import sys
import time

import psycopg

from .fold_rate import scratch_database
from .harness import exit_code, record

KEY = "(org_id, dimension, value, year)"
LAYOUTS = {
    "two": (f"PRIMARY KEY {KEY}", "", "CREATE INDEX counters_org_year ON counters (org_id, year) "
                                      "INCLUDE (dimension, value, n)"),
    "key_n": (f"PRIMARY KEY {KEY} INCLUDE (n)", "", None),
    "key_hot": (f"PRIMARY KEY {KEY}", "WITH (fillfactor = 70)", None),
}
ROWS = """
INSERT INTO counters SELECT * FROM (
    SELECT o, 'dim' || d, 'v' || v, y, 5 FROM generate_series(2, 4000) o, generate_series(1, 15) d,
        generate_series(1, 8) v, generate_series(1950, 2026, 3) y
    UNION ALL SELECT 1, 'dim' || d, 'v' || v, y, 5 FROM generate_series(1, 15) d, generate_series(1, 20) v,
        generate_series(1950, 2026, 3) y) rows
ORDER BY random()"""
FOLD = f"""
WITH moved AS (DELETE FROM deltas RETURNING org_id, dimension, value, year, n),
summed AS (SELECT org_id, dimension, value, year, sum(n) AS n FROM moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4)
INSERT INTO counters AS c SELECT * FROM summed ON CONFLICT {KEY} DO UPDATE SET n = c.n + excluded.n"""
ROOT_ROWS = "SELECT dimension, value, year, n FROM counters WHERE org_id = 1 AND year <= 2026"


def load(conn, layout: str) -> None:
    key, storage, index = LAYOUTS[layout]
    conn.execute(f"CREATE TABLE counters (org_id bigint, dimension text, value text, year int, "
                 f"n bigint NOT NULL, {key}) {storage}")
    conn.execute("CREATE TABLE deltas (id bigserial PRIMARY KEY, org_id bigint NOT NULL, dimension text NOT NULL, "
                 "value text NOT NULL, year int NOT NULL, n bigint NOT NULL)")
    conn.execute(ROWS)
    if index:
        conn.execute(index)
    conn.execute("VACUUM ANALYZE counters")


def deltas(rng: random.Random, count: int) -> list[tuple]:
    rows = []
    for _ in range(count):
        if rng.random() < 0.75:  # an existing counter
            rows.append((rng.randint(1, 4000), f"dim{rng.randint(1, 15)}", f"v{rng.randint(1, 8)}",
                         rng.choice(range(1950, 2027, 3)), rng.choice((-1, 1))))
        else:
            rows.append((rng.randint(1, 4000), f"dim{rng.randint(1, 15)}", f"w{rng.randint(1, 50)}",
                         rng.randint(1950, 2026), 1))
    return rows


def folds(conn, rounds: int = 6, count: int = 13_000) -> list[float]:
    rng, times = random.Random(1), []
    for number in range(rounds):
        with conn.cursor().copy("COPY deltas (org_id, dimension, value, year, n) FROM STDIN") as copy:
            for row in deltas(rng, count):
                copy.write_row(row)
        if number % 2 == 0:
            conn.execute("CHECKPOINT")
        started = time.perf_counter()
        conn.execute(FOLD)
        times.append(round((time.perf_counter() - started) * 1000, 1))
    return times


def reads(conn, times: int = 30) -> dict:
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        conn.execute(ROOT_ROWS).fetchall()
        taken.append((time.perf_counter() - started) * 1000)
    plan = conn.execute(f"EXPLAIN {ROOT_ROWS}").fetchone()[0]
    return {"median_ms": round(statistics.median(taken), 2), "plan": plan.split("  (")[0]}


def measure(layout: str) -> dict:
    with scratch_database("pmis_counter_indexes") as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        load(conn, layout)
        figures = {"folds_ms": folds(conn)}
        figures["fold_mean_ms"] = round(statistics.mean(figures["folds_ms"]), 1)
        conn.execute("VACUUM ANALYZE counters")
        figures["root_read_all_visible"] = reads(conn)
        conn.execute("UPDATE counters SET n = n + 1 WHERE (org_id * 7 + year) % 50 = 0")
        figures["root_read_after_updates"] = reads(conn)
        if layout == "two":
            started = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute("DROP INDEX counters_org_year")
            conn.execute(f"ALTER TABLE counters DROP CONSTRAINT counters_pkey, "
                         f"ADD CONSTRAINT counters_pkey PRIMARY KEY {KEY} INCLUDE (n)")
            conn.execute("COMMIT")
            figures["rebuild_key_with_n_s"] = round(time.perf_counter() - started, 1)
        return figures


def main(*layouts: str) -> None:
    layouts = layouts or tuple(LAYOUTS)
    record("counter_indexes", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                               **{layout: measure(layout) for layout in layouts}})


if __name__ == "__main__":
    sys.exit(exit_code(lambda: main(*sys.argv[1:])))
