"""流动党员 (issue 11) figures on a synthetic province: `python -m bench.mobility_scale MEMBERS
[OUTFLOWS [REGISTRATIONS]]` (defaults 1,000,000 · 50,000 · 200).

The whole system runs (private database and vhost); the province is generated (bench/province.py),
the org tree copied into each service's org directory as a restore would, and OUTFLOWS outflows
seeded (`seed_outflows`) by COPY into the transfer service's own tables as its commands would have
left them. Then, through the gateway (HTTP → RPC → services → PostgreSQL):
1. Lists: 流出党员, 流入党员, 失联党员 (GET /orgs/{id}/mobility?direction=out|in|lost) and their
   counts (/mobility/counts) of a county, as that county's clerk, and of the province, as the
   administrator: 20 warm-up requests, then 200 each (p50/p95). Goal p95 < 100 ms.
2. 流出登记 with a 活动证 (POST /members/{id}/outflows, certificate true) of REGISTRATIONS members of
   another county, one after another, by that county's clerk (p50/p95). Goal p95 < 300 ms.
"""
import json
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta

import httpx
import psycopg

from services.transfer.domain import mobility as rules
from services.transfer.domain.codes import OPEN

from . import province, scale
from .harness import admin_client, clerk_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, load_orgs, ok, progress

# Members who may flow out: on the rolls, not in a transfer, no open outflow.
FREE = """
SELECT m.id, m.org_id, m.name, m.sex, m.birth_date, m.id_number, m.joined_on FROM member.members m
WHERE m.status = 'active'
  AND NOT EXISTS (SELECT 1 FROM transfer.transfers t WHERE t.member_id = m.id AND t.state = ANY(%(open)s))
  AND NOT EXISTS (SELECT 1 FROM transfer.outflows o WHERE o.member_id = m.id AND o.state IN ('out', 'lost'))
"""
OPEN_TRANSFERS = list(OPEN)
DESTINATIONS = [("110105", "北京市朝阳区"), ("310115", "上海市浦东新区"), ("440305", "广东省深圳市南山区"),
                ("330106", "浙江省杭州市西湖区")]


def _entry(action: str, org_id: int, at: datetime, effective_on: date | None = None, note=None) -> dict:
    return {"at": at.isoformat(), "action": action, "actor": "bench", "actor_name": "基准测试", "org_id": org_id,
            "note": note, **({"effective_on": effective_on.isoformat()} if effective_on else {})}


def seed_outflows(dsn: str, count: int, seed: int = 2026) -> dict:
    """`count` outflows of random members: registered 0–3 years ago; 2 in 10 to a branch of this
    deployment (half of those confirmed there: an inflow), the others to a 行政区划 elsewhere (1 in
    20 abroad); 7 in 10 with a 活动证 numbered from its county's serial; 1 in 10 lost (失联), 1 in 10
    already returned. Written as the commands would have: the member snapshot, the history with
    effective dates, the certificate rows and serials, the inflows."""
    rng, today = random.Random(seed), date.today()
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        orgs = load_orgs(conn)
        branches = [org for org in orgs.values() if org["type"] == "31"]
        chosen = conn.execute(FREE + " ORDER BY md5(m.id::text) LIMIT %(n)s",
                              {"open": OPEN_TRANSFERS, "n": count}).fetchall()
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM transfer.outflows").fetchone()[0]
        first_inflow = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM transfer.inflows").fetchone()[0]
        serials = dict(conn.execute("SELECT county_org_id, last FROM transfer.certificate_serials").fetchall())
        outflows, inflows, cards, states = [], [], [], Counter()
        for number, (member_id, org_id, name, sex, birth, id_no, joined) in enumerate(chosen):
            home = orgs[org_id]
            chain = [orgs[int(i)] for i in home["path"].strip("/").split("/") if int(i) in orgs] or [home]
            from_date = today - timedelta(days=rng.randrange(30, 1000))
            at = datetime.combine(from_date, datetime.min.time()).astimezone() + timedelta(hours=9)
            roll = rng.random()
            target = rng.choice(branches) if roll < 0.2 else None
            if target is not None and target["id"] == org_id:
                target = None
            code, text = rng.choice(DESTINATIONS)
            abroad = target is None and rng.random() < 0.05
            destination = {"code": None if abroad else code, "text": "国（境）外" if abroad else text, "abroad": abroad}
            kind = rules.destination_kind(target["id"] if target else None, destination)
            state, lost, returned_on, report = rules.OUT, None, None, None
            history = [_entry("registered", org_id, at, from_date)]
            certificate = None
            if rng.random() < 0.7:
                county, issuer = rules.county_of(chain), rules.issuer_of(chain)
                serials[county["id"]] = serials.get(county["id"], 0) + 1
                certificate = rules.certificate_no(county.get("code") or f"{county['id']:06d}", serials[county["id"]])
                cards.append((certificate, first_id + number, county["id"], issuer["id"], from_date,
                              rules.certificate_valid_until(from_date)))
                history.append(_entry("certificate_issued", org_id, at, note=certificate))
            fate = rng.random()
            if fate < 0.1:
                since = from_date + timedelta(days=rng.randrange(1, max(2, (today - from_date).days)))
                state, lost = rules.LOST, {"since": since.isoformat(), "reason": "1", "note": None, "found_on": None}
                history.append(_entry("lost", org_id, at + timedelta(days=1), since, "外出务工经商"))
            elif fate < 0.2:
                returned_on, report = today - timedelta(days=rng.randrange(0, 20)), "按时参加组织生活、交纳党费"
                state = rules.RETURNED
                history.append(_entry("returned", org_id, at + timedelta(days=2), returned_on, report))
            snapshot = {"name": name, "sex_name": "男" if sex == "1" else "女", "birth_date": birth.isoformat(),
                        "id_number": id_no, "category_name": "正式党员",
                        "joined_on": joined.isoformat() if joined else None, "org_name": home["name"]}
            outflows.append((first_id + number, member_id, name, json.dumps(snapshot, ensure_ascii=False), org_id,
                             home["path"], state, from_date, "01", json.dumps(destination, ensure_ascii=False), kind,
                             target["id"] if target else None, target["path"] if target else None, None,
                             from_date + timedelta(days=365), "13900000000",
                             certificate, json.dumps(lost, ensure_ascii=False) if lost else None, returned_on,
                             report, None, json.dumps(history, ensure_ascii=False), len(history), "bench", at, at))
            if target is not None and state == rules.OUT and rng.random() < 0.5:
                inflows.append((first_inflow + len(inflows), target["id"], target["path"], first_id + number, name,
                                rules.IN, from_date + timedelta(days=3),
                                json.dumps([_entry("inflow_confirmed", target["id"], at + timedelta(days=3),
                                                   from_date + timedelta(days=3))], ensure_ascii=False), 1, "bench"))
            states[state] += 1
        with conn.cursor().copy(
                "COPY transfer.outflows (id, member_id, member_name, member, home_org_id, home_path, state, "
                "from_date, reason, destination, destination_kind, to_org_id, to_path, to_org_text, expected_return, "
                "phone, certificate_no, lost, returned_on, return_report, closed_on, history, version, created_by, "
                "created_at, updated_at) "
                "FROM STDIN") as copy:
            for row in outflows:
                copy.write_row(row)
        with conn.cursor().copy(
                "COPY transfer.certificates (number, outflow_id, county_org_id, issuer_org_id, issued_on, "
                "valid_until) FROM STDIN") as copy:
            for row in cards:
                copy.write_row(row)
        with conn.cursor().copy(
                "COPY transfer.inflows (id, org_id, org_path, outflow_id, member_name, state, from_date, history, "
                "version, created_by) FROM STDIN") as copy:
            for row in inflows:
                copy.write_row(row)
        for county_id, last in serials.items():
            conn.execute("INSERT INTO transfer.certificate_serials (county_org_id, last) VALUES (%s, %s) "
                         "ON CONFLICT (county_org_id) DO UPDATE SET last = excluded.last", (county_id, last))
        conn.execute("SELECT setval('transfer.outflows_id_seq', %s)", (first_id + len(outflows),))
        conn.execute("SELECT setval('transfer.inflows_id_seq', %s)", (first_inflow + len(inflows),))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("transfer.outflows", "transfer.inflows", "transfer.certificates"):
            # VACUUM too: the steady state of a table that autovacuum keeps (it is off on these VMs),
            # so the lists' counts read the path indexes without visiting the heap.
            conn.execute(f"VACUUM ANALYZE {table}")
    return {"outflows": len(outflows), "inflows": len(inflows), "certificates": len(cards), "states": dict(states),
            "seconds": round(time.perf_counter() - started, 1)}


def lists(client: httpx.Client, org_id: int) -> dict:
    out = {}
    for direction in ("out", "in", "lost"):
        path, params = f"/orgs/{org_id}/mobility", {"direction": direction}
        out[direction] = {**scale.timed(client, path, params), "total": client.get(path, params=params).json()["total"]}
    out["counts"] = {**scale.timed(client, f"/orgs/{org_id}/mobility/counts"),
                     "values": client.get(f"/orgs/{org_id}/mobility/counts").json()}
    return out


def registrations(client: httpx.Client, conn, county: dict, count: int) -> dict:
    """流出登记 with a 活动证, one after another, by the county's clerk."""
    rows = conn.execute(FREE + " AND m.org_path LIKE %(under)s ORDER BY m.id LIMIT %(n)s",
                        {"open": OPEN_TRANSFERS, "under": county["path"] + "%", "n": count}).fetchall()
    timings = []
    for member_id, *_ in rows:
        body = {"from_date": (date.today() - timedelta(days=10)).isoformat(), "reason": "01",
                "destination": {"code": "110105", "text": "北京市朝阳区"}, "phone": "13900000000",
                "expected_return": (date.today() + timedelta(days=180)).isoformat(), "certificate": True}
        started = time.perf_counter()
        ok(client.post(f"/members/{member_id}/outflows", json=body), 201)
        timings.append(time.perf_counter() - started)
    return {"registered": len(timings), **(summary_ms(timings) if timings else {"n": 0})}


def main(members: int = 1_000_000, outflows: int = 50_000, registered: int = 200) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        measure(system, admin, dsn, members, generated, outflows, registered)


def measure(system, admin, dsn: str, members: int, generated: dict, outflows: int = 50_000,
            registered: int = 200, seeded: dict | None = None) -> None:
    """Seed OUTFLOWS into a generated province of a running system, measure, record."""
    seeded = seeded if seeded is not None else seed_outflows(dsn, outflows)
    progress(f"outflows seeded: {seeded}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        orgs = load_orgs(conn)
        root = next(org for org in orgs.values() if org["parent_id"] is None)
        cities = sorted((org for org in orgs.values() if org["parent_id"] == root["id"]), key=lambda o: o["id"])
        counties = [org for city in cities for org in sorted(
            (o for o in orgs.values() if o["parent_id"] == city["id"]), key=lambda o: o["id"])]
        listed, registering = counties[0], counties[min(1, len(counties) - 1)]
        lister = clerk_client(system, admin, listed["id"], "bench_mobility_lister")
        results = {"generated": generated, "seeded": seeded, "lists": {
            f"county ({listed['name']})": lists(lister, listed["id"]), "province (root)": lists(admin, root["id"])}}
        lister.close()
        progress("lists measured")
        clerk = clerk_client(system, admin, registering["id"], "bench_mobility_clerk")
        results["register_with_certificate"] = registrations(clerk, conn, registering, registered)
        clerk.close()
        progress("registrations measured")
    record(f"mobility_scale_{members}", {
        "method": __doc__.strip().split("\n\n")[1].replace("\n", " "), **results})


if __name__ == "__main__":  # MEMBERS [OUTFLOWS [REGISTRATIONS]] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
