"""发展党员 figures on a synthetic province: `python -m bench.development_scale MEMBERS [APPLICANTS
[MEETINGS]]` (defaults 1,000,000 · 150,000 · 10).

The whole system runs (private database and vhost); the province is generated (bench/province.py)
and its org tree copied into each service's org directory, as a restore would. APPLICANTS are
seeded with COPY into the member service's own tables across the pipeline, as its commands would
have left them (`seed_applicants`): each applicant's recorded steps (`development_steps`, the 2014
细则's order and spacing from a drawn 申请日期) and the applicant row with the stage, the stage dates
and the next time limit (`due_on`) computed by the pure rules (domain/development.progress) from
those steps — 4 in 10 申请人 (half of them talked to), 3 in 10 积极分子, 3 in 10 发展对象 (some ready
for the 支部大会). MEETINGS branches get 20 more 发展对象 each, ready for the 支部大会 (入党志愿书 filled).
Then, through the gateway (HTTP → RPC → services → PostgreSQL):
1. The due-steps list (GET /orgs/{id}/development/due, the home page's 发展党员提醒 and the 发展党员
   page) of a county, as that county's clerk, and of the province, as the administrator: 20 warm-up
   requests, then 200 each (p50/p95); the goals are p95 < 100 ms (county) and < 300 ms (province).
2. A 支部大会 accepting 20 at once (POST /orgs/{id}/applicants/steps, step branch_meeting, each
   person's 赞成票), once in each of the MEETINGS branches: p50/p95; the goal is < 1 s.
"""
import json
import random
import sys
import time
from datetime import date, timedelta

import httpx
import psycopg

from services.member.domain import development as pipeline
from services.member.domain.id_number import check_char
from services.member.domain.names import sort_key

from . import province, scale
from .harness import admin_client, clerk_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, load_orgs, ok, progress

BRANCH = "31"  # 党支部
MEETING_SIZE = 20
PEOPLE = [{"name": "基准联系人", "category": "01", "status": "active"},
          {"name": "基准介绍人", "category": "01", "status": "active"}]
# The 细则's steps with their days after the application: a person's history is a prefix of this.
PATH = [("talk", 10, {}), ("activist", 50, {}), ("contacts", 55, {"contacts": PEOPLE[:1]}),
        ("activist_filed", 60, {}), ("assessment", 230, {}), ("assessment", 410, {}), ("candidate", 420, {}),
        ("candidate_filed", 440, {}), ("introducers", 450, {"introducers": PEOPLE}),
        ("political_review", 470, {"passed": True}), ("training", 480, {"days": 3}), ("committee_review", 500, {}),
        ("pre_review", 510, {"passed": True}), ("application_form", 515, {})]
READY = len(PATH)  # every step before the 支部大会
# (share, how many of PATH's steps): 申请人 without and with the talk, 积极分子 at each point, 发展对象.
MIX = ((0.2, 0), (0.2, 1), (0.1, 2), (0.1, 4), (0.1, 5), (0.1, 7), (0.1, 10), (0.1, READY))


def _history(applied_on: date, done: int) -> list[pipeline.Step]:
    return [pipeline.Step(name, applied_on + timedelta(days=days), fields) for name, days, fields in PATH[:done]]


def seed_applicants(dsn: str, count: int, meetings: int, seed: int = 2026) -> dict:
    """`count` applicants across the pipeline in the province's branches, and MEETING_SIZE ready
    发展对象 in each of `meetings` branches (returned with their ids for the 支部大会)."""
    rng, today = random.Random(seed), date.today()
    started = time.perf_counter()
    cache: dict = {}
    with psycopg.connect(dsn) as conn:
        branches = sorted((o for o in load_orgs(conn).values() if o["type"] == BRANCH), key=lambda o: o["id"])
        chosen = branches[:: max(1, len(branches) // max(1, meetings))][:meetings]
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM member.applicants").fetchone()[0]
        plan = [(rng.choice(branches), rng.choices([d for _, d in MIX], [s for s, _ in MIX])[0]) for _ in range(count)]
        plan += [(branch, READY) for branch in chosen for _ in range(MEETING_SIZE)]
        rows, steps, ready = [], [], {branch["id"]: [] for branch in chosen}
        for i, (branch, done) in enumerate(plan):
            applicant_id = first_id + i
            # Whole history in the past; spread over two years so the limits fall on every day.
            last = PATH[done - 1][1] if done else 0
            applied_on = today - timedelta(days=last + 1 + rng.randrange(730 if done < READY else 60))
            birth = applied_on - timedelta(days=365 * 18 + 30 + rng.randrange(365 * 25))
            first17 = f"{600000 + i // 1000:06d}{birth:%Y%m%d}{i % 1000:03d}"
            history = _history(applied_on, done)
            key = (applied_on, done)
            if key not in cache:  # the rules read no birth date past the application's age check
                cache[key] = pipeline.progress(pipeline.Applicant(applied_on, BRANCH, birth), history, today)
            state = cache[key]
            name = f"申请人{i:06d}"
            due = min((d.due_on for d in state.due if d.due_on is not None), default=None)
            rows.append((applicant_id, branch["id"], branch["path"], name, "sqr", sort_key(name),
                         first17 + check_char(first17), "1" if i % 2 else "2", birth, "01", "30", "2", applied_on,
                         state.stage, due, state.entered.get("activist"), state.entered.get("candidate")))
            steps += [(applicant_id, s.name, s.on, json.dumps(s.fields, ensure_ascii=False), "bench", "基准测试")
                      for s in history]
            if i >= count:
                ready[branch["id"]].append(applicant_id)
        with conn.cursor().copy(
                "COPY member.applicants (id, org_id, org_path, name, name_initials, name_sort, id_number, sex, "
                "birth_date, ethnicity, education, occupation, applied_on, stage, due_on, activist_on, candidate_on) "
                "FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        with conn.cursor().copy("COPY member.development_steps (applicant_id, step, \"on\", fields, actor, "
                                "actor_name) FROM STDIN") as copy:
            for row in steps:
                copy.write_row(row)
        conn.execute("SELECT setval('member.applicants_id_seq', %s)", (first_id + len(rows),))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("member.applicants", "member.development_steps"):
            # VACUUM too: the steady state of a table that autovacuum keeps (it is off on these VMs),
            # so the due list's counts read the `applicants_due` index without visiting the heap.
            conn.execute(f"VACUUM ANALYZE {table}")
        stages = dict(conn.execute("SELECT stage, count(*) FROM member.applicants GROUP BY stage").fetchall())
        overdue = conn.execute("SELECT count(*) FROM member.applicants WHERE due_on < current_date").fetchone()[0]
    return {"applicants": len(rows), "steps": len(steps), "stages": stages, "overdue": overdue,
            "meetings": {branch_id: len(ids) for branch_id, ids in ready.items()},
            "seconds": round(time.perf_counter() - started, 1)}, ready


def due_lists(client: httpx.Client, org_id: int) -> dict:
    path = f"/orgs/{org_id}/development/due"
    answer = ok(client.get(path))
    return {**scale.timed(client, path), "total": answer["total"], "overdue": answer["overdue"]}


def meetings(admin: httpx.Client, ready: dict[int, list[int]]) -> dict:
    """One 支部大会 in each branch accepting its MEETING_SIZE 发展对象 (each voted on: 赞成 per person)."""
    timings, accepted = [], 0
    for branch_id, ids in ready.items():
        body = {"step": "branch_meeting", "date": date.today().isoformat(), "entitled": 30, "present": 25,
                "items": [{"applicant_id": applicant_id, "yes": 20} for applicant_id in ids]}
        started = time.perf_counter()
        result = ok(admin.post(f"/orgs/{branch_id}/applicants/steps", json=body, timeout=60))
        timings.append(time.perf_counter() - started)
        accepted += result["count"]
    return {**summary_ms(timings), "people_each": MEETING_SIZE, "accepted": accepted,
            "goal_met": bool(timings) and max(timings) < 1}


def main(members: int = 1_000_000, applicants: int = 150_000, meeting_count: int = 10) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        measure(system, admin, dsn, members, generated, applicants, meeting_count)


def measure(system, admin, dsn: str, members: int, generated: dict, applicants: int = 150_000,
            meeting_count: int = 10, seeded: tuple | None = None) -> None:
    """Seed APPLICANTS into a generated province of a running system, measure, record."""
    seeded, ready = seeded if seeded is not None else seed_applicants(dsn, applicants, meeting_count)
    progress(f"applicants seeded: {seeded}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        orgs = load_orgs(conn)
    root = next(org for org in orgs.values() if org["parent_id"] is None)
    city = min((org for org in orgs.values() if org["parent_id"] == root["id"]), key=lambda o: o["id"])
    county = min((org for org in orgs.values() if org["parent_id"] == city["id"]), key=lambda o: o["id"])
    clerk = clerk_client(system, admin, county["id"], "bench_development")
    results = {"generated": generated, "seeded": seeded, "due_lists": {
        f"county ({county['name']})": due_lists(clerk, county["id"]),
        "province (root)": due_lists(admin, root["id"])}}
    clerk.close()
    progress("due lists measured")
    results["branch_meeting_20"] = meetings(admin, ready)
    progress("meetings measured")
    record(f"development_scale_{members}", {
        "method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "applicants": applicants, **results})


if __name__ == "__main__":  # MEMBERS [APPLICANTS [MEETINGS]] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
