"""Transfer (组织关系转接) figures on a synthetic province: `python -m bench.transfers_scale MEMBERS
[IN_FLIGHT [CYCLES [CONCURRENT]]]` (defaults 1,000,000 · 20,000 · 200 · 1,000).

The whole system runs (private database and vhost); the province is generated (bench/province.py),
the org tree copied into each service's org directory as a restore would, and IN_FLIGHT transfers
seeded in flight (`seed_in_flight`). Then, through the gateway (HTTP → RPC → services → PostgreSQL):
1. Work lists: 待办/未办结/即将办理 (GET /orgs/{id}/transfers?box=todo|open|upcoming) and their
   counts (/transfers/counts) of a county, as that county's clerk, and of the province, as the
   administrator: 20 warm-up requests, then 200 each (p50/p95).
2. Steps: CYCLES 省内 transfers, one after another, each 发起 → 审批 (sending 党委) → 审批 (receiving
   党委) → 接收 by the administrator: p50/p95 of each request; and, from the transfers' histories,
   the saga's time from 接收 to the member moved (已接收).
3. Concurrency: CONCURRENT 省内 transfers by 10 clerks at once, each an account bound to its own
   county: clerk i sends CONCURRENT/10 members of its county to branches of county i+1 (发起 and the
   sending 党委's 审批) and meanwhile works its 待办 list (the receiving 党委's 审批 and the branch's
   接收 of what clerk i−1 sent). The clock runs until every member is moved and counted; then the
   stats service's reconcile of the root must find no difference.
4. 整建制 (whole-organization transfer) of a county to another city, when the gateway routes
   POST /orgs/{id}/transfers (skipped with a note while it answers 404/405): from the request until
   the transfer is received (every step acted on by the administrator) and until the new parent's
   report counts the county's members, with the root's report read then.
"""
import json
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import httpx
import psycopg

from services.shared.codes import ETHNICITIES
from services.transfer.domain import route as routes
from services.transfer.domain.codes import (
    APPROVE,
    BETWEEN_BRANCHES,
    CROSS_PROVINCE,
    CURRENT,
    DONE,
    LETTER_KINDS,
    OPEN,
    SKIPPED,
    WAITING,
    WITHIN,
)
from services.transfer.domain.letter import letter_no
from services.transfer.domain.states import state_of_step
from services.transfer.domain.validation import valid_until

from . import province, scale
from .harness import admin_client, clerk_client, exit_code, record, running_system, summary_ms

CLERKS = 10
DUES = f"{date.today().year}-01"
# What 校核 requires beyond the province's generated cards (the 民主评议 grade does not hold a
# transfer back): filled for the members a run sends, as their clerks would have.
COMPLETE = "native_place = '浙江杭州', phone = '13800000000', branch_joined_on = joined_on"
# Members a transfer may carry: on the rolls, 正式, 18 when they joined (generated dates can miss by a
# leap day, which 校核 reports only as an inconsistency), not already in a transfer.
SENDABLE = """
SELECT m.id, m.org_id FROM member.members m
WHERE m.status = 'active' AND m.category = '01' AND m.joined_on >= m.birth_date + interval '18 years'
  AND NOT EXISTS (SELECT 1 FROM transfer.transfers t WHERE t.member_id = m.id AND t.state = ANY(%(open)s))
"""


def dsn_of(env: dict) -> str:
    return env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)


def complete_cards(conn, member_ids: list[int]) -> None:
    conn.execute(f"UPDATE member.members SET {COMPLETE} WHERE id = ANY(%s)", (member_ids,))


# --- the backlog in flight ---------------------------------------------------------------------

def load_orgs(conn) -> dict[int, dict]:
    return {row[0]: {"id": row[0], "parent_id": row[1], "path": row[2], "name": row[3], "type": row[4],
                     "status": row[5]}
            for row in conn.execute("SELECT id, parent_id, path, name, type, status FROM transfer.org_directory")}


def _progress(route: list[dict], done: int, applied: datetime) -> list[dict]:
    """The route with its first `done` steps (of those not skipped) approved by the seed's clerk,
    a day apart, and the next one current since the last of them."""
    out, at, passed = [], applied, 0
    for step in route:
        step = dict(step)
        if step["state"] != SKIPPED:
            if passed < done:
                at = applied + timedelta(days=passed + 1)
                step.update(state=DONE, handler="bench", handler_name="基准测试", opinion="同意", acted_at=at)
            else:
                step.update(state=CURRENT if passed == done else WAITING, since=at if passed == done else None)
            passed += 1
        out.append(step)
    return out


def seed_in_flight(dsn: str, count: int, seed: int = 2026, spare: str | None = None) -> dict:
    """`count` transfers in flight, written with COPY into the transfer service's own tables as
    its commands would have left them: routes drawn by its pure route rules (domain/route.py) from
    its org directory, a random number of steps already done (state 审批中 or 待接收 accordingly),
    letters numbered from the year's serial, histories of 发起 and each 审批; and the member
    service's record of each (member.transfers `in_transit` at the transfer's version 1, what its
    transfer_applied would have left), so cards show 转出中 and a second 发起 is 409. Kinds: 8 in 10
    省内 (to any branch), 1 in 10 支部间 (another branch of the same 党委, where there is one, else
    省内), 1 in 10 跨省 (the paper receipt to record). 发起 0–24 days ago: letters are valid and some
    steps are overdue (current for more than 7 days), as on a working day. `spare`: a subtree's
    path no seeded transfer leaves or reaches (the 整建制 part moves it: an organization with members
    in transit cannot be moved)."""
    rng, today = random.Random(seed), date.today()
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        orgs = load_orgs(conn)
        branches = [org for org in orgs.values()
                    if org["type"] == "31" and not (spare and org["path"].startswith(spare))]
        siblings = defaultdict(list)
        for branch in branches:
            siblings[branch["parent_id"]].append(branch)
        chosen = conn.execute(SENDABLE + " AND m.org_path NOT LIKE %(spare)s ORDER BY md5(m.id::text) LIMIT %(n)s",
                              {"open": list(OPEN), "n": count, "spare": f"{spare}%" if spare else ""}).fetchall()
        complete_cards(conn, [member_id for member_id, _ in chosen])
        members = {row[0]: row for row in conn.execute(
            "SELECT id, org_id, name, sex, birth_date, ethnicity, category, id_number FROM member.members "
            "WHERE id = ANY(%s)", ([member_id for member_id, _ in chosen],))}
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM transfer.transfers").fetchone()[0]
        serial = conn.execute("SELECT coalesce(max(last), 0) FROM transfer.letter_serials WHERE year = %s",
                              (today.year,)).fetchone()[0]
        transfers, steps, follows, kinds, states = [], [], [], Counter(), Counter()
        for number, (member_id, org_id) in enumerate(chosen):
            transfer_id, member = first_id + number, members[member_id]
            source = orgs[org_id]
            roll = rng.random()
            kind = CROSS_PROVINCE if roll < 0.1 else BETWEEN_BRANCHES if roll < 0.2 else WITHIN
            others = [b for b in siblings[source["parent_id"]] if b["id"] != org_id]
            if kind == BETWEEN_BRANCHES and not others:
                kind = WITHIN
            target = rng.choice(others) if kind == BETWEEN_BRANCHES else None
            while kind == WITHIN and (target is None or target["id"] == org_id):
                target = rng.choice(branches)
            route = routes.compute_route(kind, routes.chain(source["path"], orgs),
                                         routes.chain(target["path"], orgs) if target else None, {})
            applied_on = today - timedelta(days=rng.randrange(25))
            applied = datetime.combine(applied_on, datetime.min.time()).astimezone() + timedelta(hours=9)
            done = rng.randrange(len(route))
            route = _progress(route, done, applied)
            current = next(step for step in route if step["state"] == CURRENT)
            state = state_of_step(current)
            days = {WITHIN: 30, CROSS_PROVINCE: 90}.get(kind)
            number_ = None
            if kind in LETTER_KINDS:
                serial += 1
                number_ = letter_no(today.year, serial)
            history = [{"at": applied.isoformat(), "action": "applied", "actor": "bench", "actor_name": "基准测试",
                        "org_id": org_id, "note": None}]
            history += [{"at": step["acted_at"].isoformat(), "action": "approved", "actor": "bench",
                         "actor_name": "基准测试", "org_id": step["org_id"], "note": "同意"}
                        for step in route if step["state"] == DONE]
            snapshot = {"name": member[2], "sex_name": "男" if member[3] == "1" else "女",
                        "birth_date": member[4].isoformat(),
                        "ethnicity_name": ETHNICITIES.name(member[5]) if member[5] in ETHNICITIES else None,
                        "category": member[6], "category_name": "正式党员", "id_number": member[7]}
            to_outside = {"province": "外省", "party_committee": "外省某某党委", "branch": "某某党支部"} \
                if kind == CROSS_PROVINCE else None
            transfers.append((transfer_id, member_id, member[2], json.dumps(snapshot, ensure_ascii=False), kind,
                              state, org_id, target["id"] if target else None,
                              json.dumps(to_outside, ensure_ascii=False) if to_outside else None, "01", DUES, days,
                              applied_on, valid_until(applied_on, days), "13900000000", "某某市某某路1号", "100020",
                              number_, json.dumps(history, ensure_ascii=False), 1 + done, "bench", applied, applied))
            for step in route:
                steps.append((transfer_id, step["seq"], step["org_id"], step["action"], step["side"], step["state"],
                              step.get("handler"), step.get("handler_name"), step.get("opinion"),
                              step.get("acted_at"), step.get("since"), orgs[step["org_id"]]["path"], state))
            follows.append((transfer_id, member_id, "in_transit", 1))
            kinds[kind] += 1
            states[state] += 1
        with conn.cursor().copy(
                "COPY transfer.transfers (id, member_id, member_name, member, kind, state, from_org_id, to_org_id, "
                "to_outside, reason, dues_paid_to, valid_days, applied_on, valid_until, phone, address, postcode, "
                "letter_no, history, version, created_by, created_at, updated_at) FROM STDIN") as copy:
            for row in transfers:
                copy.write_row(row)
        with conn.cursor().copy(
                "COPY transfer.steps (transfer_id, seq, org_id, action, side, state, handler, handler_name, "
                "opinion, acted_at, since, path, transfer_state) FROM STDIN") as copy:
            for row in steps:
                copy.write_row(row)
        with conn.cursor().copy("COPY member.transfers (transfer_id, member_id, state, version) FROM STDIN") as copy:
            for row in follows:
                copy.write_row(row)
        conn.execute("SELECT setval('transfer.transfers_id_seq', %s)", (first_id + len(transfers),))
        conn.execute("INSERT INTO transfer.letter_serials (year, last) VALUES (%s, %s) "
                     "ON CONFLICT (year) DO UPDATE SET last = excluded.last", (today.year, serial))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("transfer.transfers", "transfer.steps", "member.transfers", "member.members"):
            conn.execute(f"ANALYZE {table}")
    return {"transfers": len(transfers), "steps": len(steps), "kinds": dict(kinds), "states": dict(states),
            "seconds": round(time.perf_counter() - started, 1)}


# --- measuring ---------------------------------------------------------------------------------

def timed_get(client: httpx.Client, path: str, params=None) -> dict:
    """bench/scale.py's 20 warm-up and 200 timed requests, and the list's total."""
    return {**scale.timed(client, path, params), "total": client.get(path, params=params).json().get("total")}


def work_lists(client: httpx.Client, org_id: int) -> dict:
    out = {box: timed_get(client, f"/orgs/{org_id}/transfers", {"box": box}) for box in ("todo", "open", "upcoming")}
    out["counts"] = timed_get(client, f"/orgs/{org_id}/transfers/counts")
    out["counts"]["total"] = client.get(f"/orgs/{org_id}/transfers/counts").json()
    return out


def ok(response: httpx.Response, status: int = 200) -> dict:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                           f"{response.status_code} {response.text[:300]}")
    return response.json()


def apply_body(member_id: int, to_org_id: int) -> dict:
    return {"member_id": member_id, "kind": WITHIN, "to_org_id": to_org_id, "reason": "01",
            "dues_paid_to": DUES, "phone": "13900000000", "address": "某某市某某路1号", "postcode": "100020"}


def act(client: httpx.Client, transfer: dict, timings: dict | None = None) -> dict:
    """The transfer's current step done: 审批 with an opinion, or 接收 today."""
    step = transfer["current_step"]
    action, data = ("approve", {"opinion": "同意"}) if step["action"] == APPROVE else \
        ("receive", {"date": date.today().isoformat()})
    started = time.perf_counter()
    response = client.post(f"/transfers/{transfer['id']}/{action}", json={"version": transfer["version"], **data})
    if timings is not None:  # a list's summary of the step has no side
        timings[f"{action} ({step['side']})" if step.get("side") else action].append(time.perf_counter() - started)
    return ok(response)


def sendable(conn, under: str, count: int) -> list[tuple[int, int]]:
    rows = conn.execute(SENDABLE + " AND m.org_path LIKE %(under)s ORDER BY m.id LIMIT %(n)s",
                        {"open": list(OPEN), "under": under + "%", "n": count}).fetchall()
    complete_cards(conn, [member_id for member_id, _ in rows])
    return rows


def branches_under(orgs: dict, path: str) -> list[int]:
    return [org["id"] for org in orgs.values() if org["type"] == "31" and org["path"].startswith(path)]


def saga_seconds(conn, transfer_ids: list[int]) -> dict:
    """From each 接收 to the member moved (the history's `received` and `transferred` lines)."""
    seconds = []
    for (history,) in conn.execute("SELECT history FROM transfer.transfers WHERE id = ANY(%s)", (transfer_ids,)):
        at = {entry["action"]: datetime.fromisoformat(entry["at"]) for entry in history}
        if "received" in at and "transferred" in at:
            seconds.append((at["transferred"] - at["received"]).total_seconds())
    return summary_ms(seconds) if seconds else {"n": 0}


def wait_moved(conn, transfer_ids: list[int], limit: float = 600) -> None:
    """Until every transfer is 已接收 (the member service moved its member)."""
    deadline = time.perf_counter() + limit
    while conn.execute("SELECT count(*) FROM transfer.transfers WHERE id = ANY(%s) AND state <> 'received'",
                       (transfer_ids,)).fetchone()[0]:
        if time.perf_counter() > deadline:
            raise TimeoutError("transfers not received in time")
        time.sleep(0.2)


def wait_counted(conn, transfer_ids: list[int], limit: float = 600) -> None:
    """Until the stats service has counted every move: its transfer fact, and each member's facts at
    the member's current version."""
    deadline = time.perf_counter() + limit
    while True:
        facts = conn.execute("SELECT count(*) FROM stats.transfer_facts WHERE transfer_id = ANY(%s)",
                             (transfer_ids,)).fetchone()[0]
        behind = conn.execute(
            "SELECT count(*) FROM transfer.transfers t JOIN member.members m ON m.id = t.member_id "
            "LEFT JOIN stats.member_facts f ON f.member_id = m.id "
            "WHERE t.id = ANY(%s) AND (f.version IS NULL OR f.version <> m.version)", (transfer_ids,)).fetchone()[0]
        if facts == len(transfer_ids) and not behind:
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not counted in time: {facts} facts, {behind} members behind")
        time.sleep(0.2)


def steps_in_turn(client: httpx.Client, conn, orgs: dict, cities: list[dict], cycles: int) -> dict:
    """Part 2: 发起 → 审批 → 审批 → 接收, one transfer after another, by the administrator."""
    source, target = cities[0], cities[1]
    targets = branches_under(orgs, target["path"])
    timings: dict[str, list] = defaultdict(list)
    ids = []
    for number, (member_id, _) in enumerate(sendable(conn, source["path"], cycles)):
        started = time.perf_counter()
        transfer = ok(client.post("/transfers", json=apply_body(member_id, targets[number % len(targets)])), 201)
        timings["apply"].append(time.perf_counter() - started)
        while transfer["current_step"]:
            transfer = act(client, transfer, timings)
        ids.append(transfer["id"])
    wait_moved(conn, ids)
    return {"transfers": len(ids), **{step: summary_ms(values) for step, values in timings.items()},
            "receive_to_moved (saga)": saga_seconds(conn, ids)}


class Clerk(threading.Thread):
    """A county's clerk: sends its members to the next county, and works its 待办 list: the steps of
    the run's own transfers (`ours`, shared by the clerks; the seeded backlog stays in flight)."""

    def __init__(self, client: httpx.Client, county: dict, members: list, targets: list[int], incoming: int,
                 deadline: float, ours: set):
        super().__init__(daemon=True)
        self.client, self.county, self.members, self.targets = client, county, members, targets
        self.incoming, self.deadline, self.ours = incoming, deadline, ours
        self.timings: dict[str, list] = defaultdict(list)
        self.sent, self.received, self.conflicts, self.error = [], 0, 0, None

    def run(self) -> None:
        try:
            for number, (member_id, _) in enumerate(self.members):
                started = time.perf_counter()
                transfer = ok(self.client.post(
                    "/transfers", json=apply_body(member_id, self.targets[number % len(self.targets)])), 201)
                self.timings["apply"].append(time.perf_counter() - started)
                self.sent.append(transfer["id"])
                self.ours.add(transfer["id"])
                act(self.client, transfer, self.timings)  # the sending 党委 is in this county
                if number % 10 == 9:
                    self.work()
            while self.received < self.incoming:
                if time.perf_counter() > self.deadline:
                    raise TimeoutError(f"{self.county['name']}: {self.received} of {self.incoming} received")
                if not self.work():
                    time.sleep(0.2)
        except Exception as error:  # reported by the main thread
            self.error = error

    def work(self) -> int:
        """One pass over the 待办 list: every current step acted on; how many."""
        started = time.perf_counter()
        todo = ok(self.client.get(f"/orgs/{self.county['id']}/transfers", params={"box": "todo", "size": 50}))
        self.timings["todo list"].append(time.perf_counter() - started)
        items = [item for item in todo["items"] if item["id"] in self.ours]  # newest first: ours lead
        for item in items:
            try:
                act(self.client, item, self.timings)
            except RuntimeError as error:
                if " 409 " not in str(error):
                    raise
                self.conflicts += 1
                continue
            if item["current_step"]["action"] != APPROVE:
                self.received += 1
        return len(items)


def concurrent_clerks(system, admin: httpx.Client, conn, rpc, orgs: dict, root: dict, counties: list[dict],
                      total: int) -> dict:
    """Part 3: `total` transfers by CLERKS clerks at once, then the reconcile of the root."""
    per = total // CLERKS
    clients = [clerk_client(system, admin, county["id"], f"bench_clerk{n}") for n, county in enumerate(counties)]
    deadline, ours = time.perf_counter() + 1800, set()
    clerks = [Clerk(clients[n], county, sendable(conn, county["path"], per),
                    branches_under(orgs, counties[(n + 1) % CLERKS]["path"]), per, deadline, ours)
              for n, county in enumerate(counties)]
    started = time.perf_counter()
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join()
    errors = [f"{clerk.county['name']}: {clerk.error}" for clerk in clerks if clerk.error]
    if errors:
        raise RuntimeError("; ".join(errors))
    acted = time.perf_counter()
    ids = [transfer_id for clerk in clerks for transfer_id in clerk.sent]
    wait_moved(conn, ids)
    moved = time.perf_counter()
    wait_counted(conn, ids)
    counted = time.perf_counter()
    check_started = time.perf_counter()
    reconcile = rpc.call("stats", "reconcile", org_id=root["id"])
    timings: dict[str, list] = defaultdict(list)
    for clerk in clerks:
        for name, values in clerk.timings.items():
            timings[name].extend(values)
    for client in clients:
        client.close()
    return {"clerks": CLERKS, "transfers": len(ids), "all_acted_s": round(acted - started, 1),
            "all_moved_s": round(moved - started, 1), "all_counted_s": round(counted - started, 1),
            "transfers_per_s": round(len(ids) / (moved - started), 1),
            "conflicts_409": sum(clerk.conflicts for clerk in clerks),
            "requests": {name: summary_ms(values) for name, values in timings.items()},
            "reconcile": {"differences": reconcile["total_differences"],
                          "seconds": round(time.perf_counter() - check_started, 1),
                          "first_differences": reconcile["differences"][:10]}}


def whole_org(admin: httpx.Client, conn, rpc, root: dict, county: dict, to_parent: dict, limit: float = 300) -> dict:
    """Part 4 (整建制), the hook for the whole-organization transfer: measured once the gateway routes
    POST /orgs/{id}/transfers {to_parent_id, reason}; until then a note says it was skipped."""
    year = date.today().year
    members = conn.execute("SELECT id FROM member.members WHERE org_path LIKE %s AND status = 'active'",
                           (county["path"] + "%",)).fetchall()
    complete_cards(conn, [row[0] for row in members])
    before = rpc.call("stats", "counted_report", org_id=to_parent["id"], year=year)["year_end_total"]
    started = time.perf_counter()
    response = admin.post(f"/orgs/{county['id']}/transfers", json={"to_parent_id": to_parent["id"], "reason": "01"})
    if response.status_code in (404, 405):
        note = (f"skipped: POST /orgs/{{id}}/transfers answered {response.status_code} "
                "(整建制 not built yet on this branch)")
        print(note, file=sys.stderr)
        return {"skipped": note}
    transfer = ok(response, 201)
    applied = time.perf_counter()
    deadline = started + limit
    while transfer.get("current_step") and time.perf_counter() < deadline:
        transfer = act(admin, transfer)
    while transfer["state"] != "received" and time.perf_counter() < deadline:
        time.sleep(0.2)
        transfer = ok(admin.get(f"/transfers/{transfer['id']}"))
    committed = time.perf_counter()
    after = before
    while after < before + len(members) and time.perf_counter() < deadline:
        after = rpc.call("stats", "counted_report", org_id=to_parent["id"], year=year)["year_end_total"]
        if after < before + len(members):
            time.sleep(0.2)
    reflected = time.perf_counter()
    root_started = time.perf_counter()
    ok(admin.get(f"/orgs/{root['id']}/reports/{year}"))
    return {"county_members": len(members), "state": transfer["state"], "apply_s": round(applied - started, 2),
            "committed_s": round(committed - started, 1), "reflected_s": round(reflected - started, 1),
            "new_parent_total": {"before": before, "after": after},
            "root_report_ms": round((time.perf_counter() - root_started) * 1000, 1),
            "goal_met": transfer["state"] == "received" and after >= before + len(members)
            and reflected - started < 30}


def progress(message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {message}", file=sys.stderr, flush=True)


def main(members: int = 1_000_000, in_flight: int = 20_000, cycles: int = 200, concurrent: int = 1_000) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            orgs = load_orgs(conn)
            root = next(org for org in orgs.values() if org["parent_id"] is None)
            cities = sorted((org for org in orgs.values() if org["parent_id"] == root["id"]), key=lambda o: o["id"])
            counties = [sorted((org for org in orgs.values() if org["parent_id"] == city["id"]),
                               key=lambda o: o["id"]) for city in cities]
        seeded = seed_in_flight(dsn, in_flight, spare=counties[6][0]["path"])
        progress(f"in flight: {seeded}")
        name = f"transfers_scale_{members}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            # Counties of their own for each part: the work lists' county is a clerk's own (its scope).
            listed, clerk_counties = counties[2][0], [counties[3 + n // 5][n % 5] for n in range(CLERKS)]
            lister = clerk_client(system, admin, listed["id"], "bench_lister")
            results = {"generated": generated, "seeded": seeded, "work_lists": {
                f"county ({listed['name']})": work_lists(lister, listed["id"]),
                "province (root)": work_lists(admin, root["id"])}}
            lister.close()

            def keep(part: str) -> None:  # each part is recorded as it ends: a later failure keeps it
                progress(f"{part} measured")
                record(name, {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "in_flight": in_flight,
                              **results})
            keep("work lists")
            results["steps"] = steps_in_turn(admin, conn, orgs, cities, cycles)
            keep("steps")
            results["concurrent"] = concurrent_clerks(system, admin, conn, rpc, orgs, root, clerk_counties,
                                                     concurrent)
            keep("concurrent clerks")
            results["whole_org"] = whole_org(admin, conn, rpc, root, counties[6][0], cities[7])
            keep("whole_org")


if __name__ == "__main__":  # MEMBERS [IN_FLIGHT [CYCLES [CONCURRENT]]] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
