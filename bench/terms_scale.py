"""换届选举 (issue 15) figures on a synthetic province: `python -m bench.terms_scale MEMBERS [CARDS]`
(defaults 1,000,000 · 200).

The whole system runs (private database and vhost); the province is generated (bench/province.py)
and every organization given two terms (`seed_terms`) by COPY into the org service's own tables as
its commands would have left them: the previous one closed, the open one elected 0–6 years ago
(branches and 总支 3 years, 党委 5; so some are overdue, some due soon), each with a committee of up
to five members of that organization (members of another when it has none directly: the timings do
not depend on who they are). Then, through the gateway (HTTP → RPC → services → PostgreSQL):
1. The due list of the province (GET /orgs/{root}/terms/due, within 180 days, first page) and of
   a county, as the administrator: 20 warm-up requests, then 200 (p50/p95). Goal p95 < 300 ms.
2. An organization card's committee (GET /orgs/{id}/terms: the open term, its committee and the
   history) of CARDS different branches, each once after a warm-up (p50/p95). Goal p95 < 100 ms.
"""
import json
import random
import sys
import time
from datetime import date, timedelta

import psycopg

from services.org.domain import terms as rules

from . import province, scale
from .harness import admin_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, ok, progress


def seed_terms(dsn: str, seed: int = 2026) -> dict:
    rng, today = random.Random(seed), date.today()
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        orgs = conn.execute("SELECT id, type FROM org.orgs WHERE status = 'active' ORDER BY id").fetchall()
        members: dict[int, list] = {}
        for org_id, member_id, name in conn.execute(
                "SELECT org_id, id, name FROM (SELECT org_id, id, name, row_number() OVER (PARTITION BY org_id "
                "ORDER BY id) AS n FROM member.members WHERE status = 'active') m WHERE n <= 5"):
            members.setdefault(org_id, []).append((member_id, name))
        pool = [m for group in members.values() for m in group] or [(0, "基准")]
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM org.terms").fetchone()[0]
        term_rows, member_rows = [], []
        posts = [rules.SECRETARY, "03", "04", "05", rules.MEMBER_POST]
        term_rules = rules.rules_for(today)
        for org_id, org_type in orgs:
            years = rules.default_years(term_rules, org_type) or 3
            method = rules.BY_MEETING if rules.has_elections(term_rules, org_type) else rules.APPOINTED
            current = today - timedelta(days=rng.randrange(0, 365 * 6))
            previous = rules.add_years(current, -years)
            committee = members.get(org_id) or rng.sample(pool, min(3, len(pool)))
            for number, elected_on, closed_on in ((1, previous, current), (2, current, None)):
                term_id = first + len(term_rows)
                expires = rules.add_years(elected_on, years) if method != rules.APPOINTED else None
                term_rows.append((term_id, org_id, number, method, elected_on, years if expires else None, expires,
                                  None, json.dumps([]), closed_on, 1, "bench"))
                for n, (member_id, name) in enumerate(committee):
                    member_rows.append((term_id, org_id, member_id, name, posts[min(n, len(posts) - 1)],
                                        rules.ELECTED if expires else rules.ASSIGNED, elected_on, closed_on,
                                        "换届" if closed_on else None))
        with conn.cursor().copy(
                "COPY org.terms (id, org_id, number, method, elected_on, term_years, expires_on, election, "
                "warnings, closed_on, version, created_by_name) FROM STDIN") as copy:
            for row in term_rows:
                copy.write_row(row)
        with conn.cursor().copy(
                "COPY org.committee_members (term_id, org_id, member_id, member_name, post, how, since, left_on, "
                "leave_reason) FROM STDIN") as copy:
            for row in member_rows:
                copy.write_row(row)
        conn.execute("SELECT setval('org.terms_id_seq', %s)", (first + len(term_rows),))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("org.terms", "org.committee_members"):
            conn.execute(f"ANALYZE {table}")
    return {"organizations": len(orgs), "terms": len(term_rows), "committee_rows": len(member_rows),
            "seconds": round(time.perf_counter() - started, 1)}


def cards(client, org_ids: list[int]) -> dict:
    for org_id in org_ids[:20]:
        ok(client.get(f"/orgs/{org_id}/terms"))
    timings = []
    for org_id in org_ids:
        started = time.perf_counter()
        ok(client.get(f"/orgs/{org_id}/terms"))
        timings.append(time.perf_counter() - started)
    return summary_ms(timings)


def main(members: int = 1_000_000, card_count: int = 200) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        measure(system, admin, dsn, members, generated, card_count)


def measure(system, admin, dsn: str, members: int, generated: dict, card_count: int = 200,
            seeded: dict | None = None) -> None:
    """Seed the terms into a generated province of a running system, measure, record."""
    seeded = seeded if seeded is not None else seed_terms(dsn)
    progress(f"terms seeded: {seeded}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        root = conn.execute("SELECT id FROM org.orgs WHERE parent_id IS NULL").fetchone()[0]
        county = conn.execute("SELECT id FROM org.orgs WHERE path ~ '^/[0-9]+/[0-9]+/[0-9]+/$' ORDER BY id "
                              "LIMIT 1").fetchone()
        branches = [row[0] for row in conn.execute(
            "SELECT id FROM org.orgs WHERE type = '31' ORDER BY md5(id::text) LIMIT %s", (card_count,))]
    results = {"generated": generated, "seeded": seeded, "due": {
        "province (root)": {**scale.timed(admin, f"/orgs/{root}/terms/due"),
                            "total": ok(admin.get(f"/orgs/{root}/terms/due"))["total"]}}}
    if county:
        results["due"]["county"] = {**scale.timed(admin, f"/orgs/{county[0]}/terms/due"),
                                    "total": ok(admin.get(f"/orgs/{county[0]}/terms/due"))["total"]}
    progress("due lists measured")
    results["card_committee"] = cards(admin, branches)
    progress("cards measured")
    record(f"terms_scale_{members}", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "), **results})


if __name__ == "__main__":  # MEMBERS [CARDS] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
