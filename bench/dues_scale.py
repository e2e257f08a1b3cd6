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
`totals`) are then counted by the service's own code (store.count_members, 2,000 members a
transaction), so they are what the commands' recounts would hold. Then, through the gateway (HTTP →
RPC → services → PostgreSQL), as the administrator:
1. Opening a branch's month (GET /orgs/{id}/dues/month): 20 warm-up requests, then 200 (p50/p95),
   on branches taken in turn.
2. Recording a whole branch's month (POST /orgs/{id}/dues/payments, every member on the rolls with
   the 应交 the roster prefills, ≈ 35 payments): RECORDINGS branches, one request each (p50/p95).
3. The province's yearly summary (GET /orgs/{root}/dues/summary?year=): 20 + 200 (p50/p95).
4. The province's 6-month arrears list (GET /orgs/{root}/dues/arrears?months=6, the first page
   with its total): 5 warm-up, then 50 (p50/p95), and the number listed.
"""
import random
import sys
import time
from datetime import date
from decimal import Decimal

import psycopg
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from services.dues.domain import Branch, Month, monthly_due
from services.dues.models import branch_settings
from services.dues.models import members as dues_members
from services.dues.store import Tally, count_members

from . import province, scale
from .harness import admin_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, progress

BATCH = 2000
PAYMENT_DAY = 10
# (kind, share, amount drawn) of the bases seeded.
KINDS = (("employed", 60, lambda rng: f"{rng.randint(2000, 15000)}.00"),
         ("retired", 25, lambda rng: f"{rng.randint(1500, 8000)}.00"),
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
        dues = []  # (member_id, org_id, joined_on, first month, monthly due): the payments' input
        with conn.cursor().copy("COPY dues.bases (member_id, kind, amount, from_month, monthly_due, bracket, "
                                "rule_version, created_by) FROM STDIN") as bases:
            for member_id, org_id, joined_on in rows:
                kind, _, draw = rng.choices(KINDS, weights)[0]
                amount = draw(rng)
                first = max(start, Month.of(joined_on))
                due = monthly_due(kind, None if amount is None else Decimal(amount), first)
                bases.write_row((member_id, kind, amount, first.first_day, due.amount, due.bracket,
                                 due.rule_version, "bench"))
                dues.append((member_id, org_id, joined_on, first, due.amount))
        counts["bases"] = len(dues)
        # One COPY at a time on a connection: the payments after the bases.
        with conn.cursor().copy("COPY dues.payments (member_id, org_id, month, amount, paid_on, method, kind, "
                                "created_by) FROM STDIN") as payments:
            for member_id, org_id, joined_on, month, amount in dues:
                last = paid_through(rng, now)
                while month <= last:
                    paid_on = max(date(month.year, month.month, PAYMENT_DAY), joined_on)
                    payments.write_row((member_id, org_id, month.first_day, amount, paid_on, "self", "monthly",
                                        "bench"))
                    counts["payments"] += 1
                    month += 1
    seeded = round(time.perf_counter() - started, 1)
    counted = count_all(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("members", "bases", "payments", "counted", "totals", "branch_settings"):
            conn.execute(f"ANALYZE dues.{table}")
    return {**counts, "members": len(rows), "registration_start": str(start), "copy_s": seeded,
            "count_s": counted}


def count_all(dsn: str) -> float:
    """The summary counters counted by the service's own code, a batch of members a transaction."""
    started = time.perf_counter()
    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    sessions = sessionmaker(engine)
    after = 0
    try:
        with sessions() as session:  # every branch's 系统设置 read once, not once a batch and branch
            branches = {row.org_id: Branch(Month.of(row.registration_start), row.quarterly)
                        for row in session.execute(select(branch_settings))}
        while True:
            with sessions.begin() as session:
                rows = session.execute(select(dues_members).where(dues_members.c.member_id > after)
                                       .order_by(dues_members.c.member_id).limit(BATCH)).all()
                if not rows:
                    break
                tally = Tally()
                count_members(session, rows, tally, branches=branches)
                tally.flush(session)
                after = rows[-1].member_id
    finally:
        engine.dispose()
    return round(time.perf_counter() - started, 1)


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
