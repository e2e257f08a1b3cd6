"""党费 figures on a synthetic province: `python -m bench.dues_scale MEMBERS [RECORDINGS]` (defaults
1,000,000 · 200).

The whole system runs (private database and vhost); the province is generated (bench/province.py)
and its org tree copied into each service's org directory as a restore would. The dues service's
tables are then seeded as its commands would have left them (`seed_dues`): its projection of the
members, every branch's 系统设置 (registration from twelve months ago), one base per member on the
rolls (在职 60 %, 离退休 25 %, 农民, 学生, 下岗失业 5 % each; the monthly due and bracket by the pure
rules), written with COPY, and a year of monthly payments (COPY): nine in ten members paid every
month over, one in twenty stopped four months ago (3 months' arrears), one in twenty eight months
ago (6 months: the 自行脱党 case); nobody paid this month yet. The summary counters (`counted`,
`totals`) are then counted in bulk (`count_in_bulk`: each kind of ledger once by the service's pure
rules) and checked against the service's own recount of a sample (`check_counts`), so they are what
the commands' recounts would hold. Then, through the gateway (HTTP →
RPC → services → PostgreSQL), as the administrator:
1. Opening a branch's month (GET /orgs/{id}/dues/month): 20 warm-up requests, then 200 (p50/p95),
   on branches taken in turn.
2. Recording a whole branch's month (POST /orgs/{id}/dues/payments, every member on the rolls with
   the 应交 the roster prefills, ≈ 35 payments): RECORDINGS branches, one request each (p50/p95).
3. The province's yearly summary (GET /orgs/{root}/dues/summary?year=): 20 + 200 (p50/p95).
4. The province's 6-month arrears list (GET /orgs/{root}/dues/arrears?months=6, the first page
   with its total): 5 warm-up, then 50 (p50/p95), and the number listed.
"""
import json
import random
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal

import psycopg
from sqlalchemy import Text, create_engine, func, select
from sqlalchemy.orm import sessionmaker

from services.dues.domain import Account, Base, Branch, Month, Payment, monthly_due
from services.dues.domain.counters import FIELDS, member_counts
from services.dues.models import counted
from services.dues.models import members as dues_members
from services.dues.store import Tally, count_members

from . import province, scale
from .harness import admin_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, progress

PAYMENT_DAY = 10
# (kind, share, amount drawn) of the bases seeded.
# Pay drawn in steps of 100 yuan: members share a ledger often enough to be counted once a kind of
# ledger (count_in_bulk), and every bracket and its bounds still occur.
KINDS = (("employed", 60, lambda rng: f"{rng.randrange(2000, 15001, 100)}.00"),
         ("retired", 25, lambda rng: f"{rng.randrange(1500, 8001, 100)}.00"),
         ("farmer", 5, lambda rng: "1.00"), ("student", 5, lambda rng: None), ("unemployed", 5, lambda rng: None))
PROJECTION = """
INSERT INTO dues.members (member_id, name, org_id, org_path, status, category, joined_on, full_on, left_on, version)
SELECT id, name, org_id, org_path, status, category, joined_on, full_on, left_on, version FROM member.members
ON CONFLICT (member_id) DO NOTHING
"""


def paid_through(rng: random.Random, now: Month) -> Month:
    """The last month a member paid for: most to last month, some stopped 4 or 8 months ago."""
    draw = rng.random()
    return now - 8 if draw < 0.05 else now - 4 if draw < 0.10 else now - 1


def seed_dues(dsn: str, seed: int = 2026) -> dict:
    """The dues service's tables as its commands would have left them (see the module's text)."""
    rng, now = random.Random(seed), Month.of(date.today())
    start = now - 12
    started = time.perf_counter()
    counts = {"bases": 0, "payments": 0}
    with psycopg.connect(dsn) as conn:
        conn.execute(PROJECTION)
        conn.execute("INSERT INTO dues.branch_settings (org_id, registration_start, updated_by) "
                     "SELECT id, %s, 'bench' FROM dues.org_directory WHERE type = '31' ON CONFLICT DO NOTHING",
                     (start.first_day,))
        rows = conn.execute("SELECT member_id, org_id, joined_on FROM dues.members "
                            "WHERE status = 'active' AND joined_on IS NOT NULL ORDER BY member_id").fetchall()
        weights = [share for _, share, _ in KINDS]
        dues = []  # (member_id, org_id, joined_on, first month, monthly due, base): the payments' input
        with conn.cursor().copy("COPY dues.bases (member_id, kind, amount, from_month, monthly_due, bracket, "
                                "rule_version, created_by) FROM STDIN") as bases:
            for member_id, org_id, joined_on in rows:
                kind, _, draw = rng.choices(KINDS, weights)[0]
                amount = draw(rng)
                first = max(start, Month.of(joined_on))
                due = monthly_due(kind, None if amount is None else Decimal(amount), first)
                bases.write_row((member_id, kind, amount, first.first_day, due.amount, due.bracket,
                                 due.rule_version, "bench"))
                dues.append((member_id, org_id, joined_on, first, due.amount,
                             Base(kind, None if amount is None else Decimal(amount), first)))
        counts["bases"] = len(dues)
        # One COPY at a time on a connection: the payments after the bases.
        ledgers = {}  # member id → (bases, payments) as the service reads them back (store.accounts)
        with conn.cursor().copy("COPY dues.payments (member_id, org_id, month, amount, paid_on, method, kind, "
                                "created_by) FROM STDIN") as payments:
            for member_id, org_id, joined_on, month, amount, base in dues:
                last, paid = paid_through(rng, now), []
                while month <= last:
                    paid_on = max(date(month.year, month.month, PAYMENT_DAY), joined_on)
                    payments.write_row((member_id, org_id, month.first_day, amount, paid_on, "self", "monthly",
                                        "bench"))
                    paid.append(Payment(month, amount, paid_on, "self"))
                    month += 1
                counts["payments"] += len(paid)
                ledgers[member_id] = ((base,), tuple(paid))
    seeded = round(time.perf_counter() - started, 1)
    counted = count_in_bulk(dsn, ledgers, Branch(start), now)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("members", "bases", "payments", "counted", "totals", "branch_settings"):
            conn.execute(f"ANALYZE dues.{table}")
    checked = check_counts(dsn)
    return {**counts, "members": len(rows), "registration_start": str(start), "copy_s": seeded,
            **counted, "checked_by_the_service": checked}


def ledger_kind(joined_on, status: str, left: date | None, bases: tuple, paid: tuple, branch: Branch) -> tuple:
    """What a member's counts depend on (services/dues/domain: statement, contributions): months
    before the branch's registration start count alike, payment days do not count. Members with
    the same kind of ledger count the same; check_counts verifies it with the service's own code."""
    def month(day):
        return None if day is None else max(Month.of(day), branch.registration_start - 1)
    return (month(joined_on), status, month(left), bases, tuple((p.month, p.amount) for p in paid))


def count_in_bulk(dsn: str, ledgers: dict, branch: Branch, as_of: Month) -> dict:
    """`counted` and `totals` as the service's recounts would leave them, in bulk: each kind of
    ledger counted once by the pure rules (domain.counters.member_counts), `counted` written by COPY,
    `totals` summed in SQL over every ancestor of each member's organization (1M members one at a
    time through store.count_members took hours)."""
    started = time.perf_counter()
    counted_by_kind, kinds, members_by_kind = {}, {}, Counter()
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TEMP TABLE member_kinds (org_path text, kind integer, n integer) ON COMMIT DROP")
        conn.execute("CREATE TEMP TABLE kind_counts (kind integer, year smallint, month smallint, due numeric, "
                     "paid numeric, late numeric, waived numeric, large numeric, unpaid_members integer, "
                     "exempt_members integer) ON COMMIT DROP")
        members = conn.execute("SELECT member_id, org_path, status, joined_on, left_on FROM dues.members "
                               "ORDER BY member_id").fetchall()
        # One COPY at a time on a connection: `counted`, then the members by kind, then the kinds' counts.
        with conn.cursor().copy("COPY dues.counted (member_id, org_path, contributions, as_of, streak, streak_from, "
                                "arrears_months, arrears_amount, paid_to) FROM STDIN") as rows:
            for member_id, org_path, status, joined_on, left_on in members:
                left = None if status == "active" else left_on or date.today()
                bases, paid = ledgers.get(member_id, ((), ()))
                key = ledger_kind(joined_on, status, left, bases, paid, branch)
                if key not in kinds:
                    account = None if joined_on is None else Account(joined_on, bases, paid, left_on=left)
                    kinds[key] = len(kinds)
                    counts = member_counts(account, branch, as_of, {}, {})
                    counted_by_kind[kinds[key]] = (counts, json.dumps(counts["contributions"]))
                counts, contributions = counted_by_kind[kinds[key]]
                rows.write_row((member_id, org_path, contributions, counts["as_of"], counts["streak"],
                                counts["streak_from"], counts["arrears_months"], counts["arrears_amount"],
                                counts["paid_to"]))
                members_by_kind[(org_path, kinds[key])] += 1
        with conn.cursor().copy("COPY member_kinds (org_path, kind, n) FROM STDIN") as member_kinds:
            for (org_path, kind), n in members_by_kind.items():
                member_kinds.write_row((org_path, kind, n))
        with conn.cursor().copy("COPY kind_counts FROM STDIN") as kind_counts:
            for kind, (counts, _) in counted_by_kind.items():
                for key, values in counts["contributions"].items():
                    kind_counts.write_row((kind, int(key[:4]), int(key[5:7]), *values))
        sums = ", ".join(f"sum(k.{name} * m.n)" for name in FIELDS)
        conn.execute(f"""
            INSERT INTO dues.totals (org_id, year, month, {", ".join(FIELDS)})
            SELECT m.org_id, k.year, k.month, {sums}
            FROM (SELECT unnest(string_to_array(trim(both '/' from org_path), '/'))::bigint AS org_id, kind,
                         sum(n) AS n FROM member_kinds GROUP BY 1, 2) AS m
            JOIN kind_counts AS k USING (kind) GROUP BY m.org_id, k.year, k.month""")
    return {"count_s": round(time.perf_counter() - started, 1), "ledger_kinds": len(kinds)}


def check_counts(dsn: str, sample: int = 2000) -> int:
    """The bulk counts against the service's own: a sample of members recounted by
    store.count_members (in a transaction rolled back) must change neither their `counted` rows nor
    any counter. Returns the members checked."""
    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with sessionmaker(engine)() as session:
            rows = session.execute(select(dues_members).order_by(func.md5(dues_members.c.member_id.cast(Text)))
                                   .limit(sample)).all()
            before = {row.member_id: tuple(row) for row in session.execute(
                select(counted).where(counted.c.member_id.in_([row.member_id for row in rows])))}
            tally = Tally()
            count_members(session, rows, tally)
            moved = {key: values for key, values in tally.deltas.items() if any(values)}
            after = {row.member_id: tuple(row) for row in session.execute(
                select(counted).where(counted.c.member_id.in_([row.member_id for row in rows])))}
            session.rollback()
    finally:
        engine.dispose()
    if moved or before != after:
        differing = [member_id for member_id in before if before[member_id] != after.get(member_id)]
        raise AssertionError(f"bulk counts differ from the service's: counters {list(moved)[:5]}, "
                             f"members {differing[:5]}")
    with psycopg.connect(dsn) as conn:  # and the root's counters are the sum of every member's counts
        differing = conn.execute(f"""
            WITH counts AS (
                SELECT split_part(key, '-', 1)::int AS year, split_part(key, '-', 2)::int AS month,
                       {", ".join(f"sum((value->>{i})::numeric) AS {name}" for i, name in enumerate(FIELDS))}
                FROM dues.counted, jsonb_each(contributions) GROUP BY key),
            root AS (SELECT t.* FROM dues.totals AS t JOIN dues.org_directory AS o ON o.id = t.org_id
                     WHERE o.parent_id IS NULL AND ({" OR ".join(f"t.{name} <> 0" for name in FIELDS)}))
            SELECT count(*) FROM counts FULL JOIN root USING (year, month)
            WHERE ({", ".join(f"counts.{name}" for name in FIELDS)}) IS DISTINCT FROM
                  ({", ".join(f"root.{name}" for name in FIELDS)})""").fetchone()[0]
    if differing:
        raise AssertionError(f"the root's dues counters differ from its members' counts in {differing} months")
    return len(rows)


def branches_with_members(conn, count: int) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT org_id FROM dues.members WHERE status = 'active' GROUP BY org_id "
        "ORDER BY count(*) >= 20 DESC, md5(org_id::text) LIMIT %s", (count,))]  # full branches first (a smoke has few)


def open_months(client, branches: list[int], n: int = 200) -> dict:
    month = str(Month.of(date.today()))
    for branch in branches[:20]:
        client.get(f"/orgs/{branch}/dues/month", params={"month": month}).raise_for_status()
    timings = []
    for index in range(n):
        started = time.perf_counter()
        client.get(f"/orgs/{branches[index % len(branches)]}/dues/month", params={"month": month}).raise_for_status()
        timings.append(time.perf_counter() - started)
    return summary_ms(timings)


def record_months(client, branches: list[int]) -> dict:
    """Each branch's month recorded in one request: everyone on the rolls with the prefilled 应交."""
    month, today = str(Month.of(date.today())), date.today().isoformat()
    timings, sizes = [], []
    for branch in branches:
        sheet = client.get(f"/orgs/{branch}/dues/month", params={"month": month}).json()
        entries = [{"member_id": m["member_id"], "amount": m["suggested"], "paid_on": today}
                   for m in sheet["members"] if m["payable"] and m["suggested"]]
        if not entries:
            continue
        started = time.perf_counter()
        response = client.post(f"/orgs/{branch}/dues/payments", json={"month": month, "payments": entries})
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
        sizes.append(response.json()["count"])
    return {**summary_ms(timings), "payments_per_request": round(sum(sizes) / max(len(sizes), 1), 1)}


def arrears_list(client, root_id: int, n: int = 50) -> dict:
    path = f"/orgs/{root_id}/dues/arrears"
    for _ in range(5):
        client.get(path, params={"months": 6}).raise_for_status()
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(path, params={"months": 6})
        timings.append(time.perf_counter() - started)
        answer.raise_for_status()
    return {**summary_ms(timings), "listed": answer.json()["total"]}


def main(members: int = 1_000_000, recordings: int = 200) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, _rpc, env):
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate(dsn, members)
        generated["org_directories_s"] = province.fill_org_directories(dsn)
        progress(f"province generated: {generated}")
        measure(system, admin, dsn, members, generated, recordings)


def measure(system, admin, dsn: str, members: int, generated: dict, recordings: int = 200,
            seeded: dict | None = None) -> None:
    """Seed the dues into a generated province of a running system, measure, record."""
    seeded = seeded if seeded is not None else seed_dues(dsn)
    progress(f"dues seeded: {seeded}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        root_id = conn.execute("SELECT id FROM org.orgs WHERE parent_id IS NULL").fetchone()[0]
        opened, recorded = branches_with_members(conn, 200), branches_with_members(conn, recordings + 200)[200:]
    year = date.today().year
    results = {"generated": generated, "seeded": seeded,
               "branch_month_open": open_months(admin, opened)}
    progress("month open measured")
    results["branch_month_record"] = record_months(admin, recorded or opened[:recordings])
    progress("month recording measured")
    results["province_year_summary"] = scale.timed(admin, f"/orgs/{root_id}/dues/summary", {"year": year})
    progress("summary measured")
    results["province_arrears_6"] = arrears_list(admin, root_id)
    record(f"dues_scale_{members}", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "), **results})


if __name__ == "__main__":  # MEMBERS [RECORDINGS] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
