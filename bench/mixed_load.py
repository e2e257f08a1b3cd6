"""Issue 18's year-end mixed load: `python -m bench.mixed_load MEMBERS CLERKS SECONDS [REPLICAS ...]`
(defaults 1,000,000 · 300 · 600 · 1; e.g. `python -m bench.mixed_load 1000000 300 600 1 2 4`).

The whole system runs (private database and vhost, every process serving /metrics); the province is
generated (bench/province.py), its org tree copied into each service's org directory as a restore
would, and the dues tables seeded (bench/dues_scale.py: bases and a year of payments). CLERKS staff
accounts are made before the clock starts (argon2 hashing: not measured), in groups of ten per
county spread over the province: the county's 县委 (one), two of its 基层党委 and seven 党支部 of other
基层党委 of the county. Each clerk owns the branches no more specific clerk covers, and in them a few
members complete for transfers (the transfer pool: cards completed as their clerks would have) and
the others for daily work; no two clerks share a member or a branch, so no clerk edits or pays what
another does, and every request is in the clerk's own scope. Then, for each REPLICAS count (the
busiest service, found from the RPC metrics of the first run, or `member`, gets that many answering
parts: competing consumers on its RPC queue), every clerk works SECONDS through the gateway with
asyncio + httpx: a think time drawn from an exponential distribution (mean THINK_MEAN s,
BENCH_THINK_SECONDS overrides) before each action, the action drawn by WEIGHTS —
search 30: GET /members?q= (a surname, a full name, pinyin initials or an ID-number prefix of an own member);
card view 25: GET /members/{id};
edit 12: GET /members/{id}, then PATCH it with that version (phone, address, 籍贯, 学历 or 工作岗位; not
of the few generated cards joining days before 18, which PATCH refuses whatever the change);
payment 10: GET /orgs/{branch}/dues/month, then POST /orgs/{branch}/dues/payments for 1–3 members still
payable with the prefilled 应交 (this month, else last month's 补交);
report work 10: GET /orgs/{org}/reports/{year} and its 校核 GET …/checks;
transfer step 6: a pass over the 待办 list, GET /orgs/{org}/transfers?box=todo, acting on every current
step this clerk handles, up to ACT_PER_PASS (POST /transfers/{id}/approve or /receive); with none, 发起 of
a 省内 transfer of a pool member to another branch of the county (POST /transfers), or (MAX_OPEN of its
own still open, or its pool used up) the 未办结 list (box=open);
download 5: the roster (GET /orgs/{org}/members.xlsx), the report (…/reports/{year}.xlsx), a branch's
交纳登记 (…/dues/month.xlsx) or the 介绍信 of an own transfer (GET /transfers/{id}/letter.pdf);
import 2: POST /imports/members (a 党员采集表 of 1–5 new members of an own branch), then its commit.
Any non-2xx answer or exception is an error, except a 409 on a transfer step (counted apart). Per
action: n, errors, p50/p95/p99 of the whole action; per request route too; the RPCs per service
(calls and seconds, from every answering part's /metrics) and per replica. After each run: until
no transfer is 接收办理中, every outbox empty and every queue drained, then the stats service's
reconcile of the root (repeated until clean or SETTLE_LIMIT): its differences must be [].
"""
import asyncio
import io
import math
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlparse

import httpx
import psycopg
from openpyxl import Workbook
from prometheus_client.parser import text_string_to_metric_families

from services.dues.domain import Month
from services.member.domain.id_number import check_char
from services.shared.config import DEFAULTS
from services.shared.member_sheet import IMPORT_COLUMNS
from services.shared.service_list import SERVICES

from . import dues_scale, province
from .harness import admin_client, exit_code, record, running_system, summary_ms
from .transfers_scale import COMPLETE, apply_body, dsn_of, progress

WEIGHTS = {"search": 30, "card view": 25, "edit": 12, "payment": 10, "report work": 10, "transfer step": 6,
           "download": 5, "import": 2}
THINK_MEAN = float(os.environ.get("BENCH_THINK_SECONDS") or 20)
GROUP = ("county", "committee", "committee") + ("branch",) * 7  # a county's ten clerks, in this order
TRANSFER_POOL = 8  # members a clerk keeps for transfers (at most a quarter of its sendable ones)
MAX_OPEN = 3  # transfers a clerk has sent and not yet seen received before it sends another
ACT_PER_PASS = 10  # steps acted on in one pass over the 待办 list
SETTLE_LIMIT = 1800
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDUCATIONS, OCCUPATIONS = province.EDUCATIONS, (*province.OCCUPATIONS, "8")
DOWNLOADS = {"roster": 40, "report xlsx": 20, "dues month xlsx": 20, "letter pdf": 20}


# --- the clerks ---------------------------------------------------------------------------------

@dataclass
class Clerk:
    name: str
    level: str
    org: dict
    county: dict
    branches: list = field(default_factory=list)  # owned branches (dicts)
    daily: list = field(default_factory=list)  # (id, name, initials, id_number, education, occupation)
    editable: list = field(default_factory=list)  # those of `daily` whose cards pass PATCH's checks
    pool: list = field(default_factory=list)  # (member id, branch id): the transfer pool
    targets: list = field(default_factory=list)  # branch ids of the county
    token: str = ""
    open: set = field(default_factory=set)  # transfers sent, not yet received
    letters: list = field(default_factory=list)  # every transfer sent (each has a 介绍信)


def load_tree(conn) -> dict[int, dict]:
    return {row[0]: {"id": row[0], "parent_id": row[1], "path": row[2], "type": row[3], "code": row[4],
                     "name": row[5]}
            for row in conn.execute("SELECT id, parent_id, path, type, code, name FROM org.orgs "
                                    "WHERE status = 'active'")}


def plan_clerks(orgs: dict, count: int) -> list[Clerk]:
    """Groups of ten (GROUP) in counties spread over the province, each clerk's branches assigned:
    a branch belongs to the most specific clerk whose organization covers it."""
    children = defaultdict(list)
    for org in orgs.values():
        children[org["parent_id"]].append(org)
    for kids in children.values():
        kids.sort(key=lambda o: o["id"])
    root = children[None][0]
    counties = [county for city in children[root["id"]] for county in children[city["id"]]]
    groups = math.ceil(count / len(GROUP))
    if groups > len(counties):
        raise SystemExit(f"{count} clerks need {groups} counties; the province has {len(counties)}")
    clerks = []
    for number in range(groups):
        county = counties[number * len(counties) // groups]
        committees = children[county["id"]]
        # Branches of the committees without a clerk, one per committee in turn.
        rest = [children[c["id"]] for c in committees[2:]]
        spread = [kids[i] for i in range(max(map(len, rest))) for kids in rest if i < len(kids)]
        roles = GROUP[:min(len(GROUP), count - len(clerks))]
        group = []
        for index, level in enumerate(roles):
            org = county if level == "county" else committees[index - 1] if level == "committee" \
                else spread[index - 3]
            group.append(Clerk(f"mix_{number:03d}_{index}_{level}", level, org, county))
        branches = [org for org in orgs.values() if org["type"] == "31" and org["path"].startswith(county["path"])]
        for branch in branches:
            owner = max((c for c in group if branch["path"].startswith(c.org["path"])),
                        key=lambda c: len(c.org["path"]))
            owner.branches.append(branch)
        for clerk in group:
            clerk.targets = [branch["id"] for branch in branches]
        clerks.extend(group)
    return clerks


def handlers(clerks: list[Clerk], orgs: dict) -> dict[int, Clerk]:
    """Organization id → the clerk who acts for it (the most specific one covering it)."""
    by_county = defaultdict(list)
    for clerk in clerks:
        by_county[clerk.county["id"]].append(clerk)
    out = {}
    for group in by_county.values():
        county = group[0].county["path"]
        for org in orgs.values():
            if org["path"].startswith(county):
                out[org["id"]] = max((c for c in group if org["path"].startswith(c.org["path"])),
                                     key=lambda c: len(c.org["path"]))
    return out


def fill_pools(conn, clerks: list[Clerk]) -> dict:
    """Each clerk's members: up to TRANSFER_POOL sendable ones (正式, 18 when they joined) for
    transfers, their cards completed; the others for daily work."""
    pooled = []
    for clerk in clerks:
        rows = conn.execute(
            "SELECT id, org_id, name, name_initials, id_number, education, occupation, "
            "joined_on >= birth_date + interval '18 years' AS adult, category = '01' AS full "
            "FROM member.members WHERE status = 'active' AND org_id = ANY(%s) ORDER BY md5(id::text)",
            ([b["id"] for b in clerk.branches],)).fetchall()
        sendable = [row for row in rows if row[7] and row[8]]
        chosen = sendable[:min(TRANSFER_POOL, len(sendable) // 4)]
        clerk.pool = [(row[0], row[1]) for row in chosen]
        taken = {row[0] for row in chosen}
        clerk.daily = [row[:1] + row[2:7] for row in rows if row[0] not in taken]
        # PATCH checks the whole card: one the generator made joining a few days before 18 (365 × 18
        # days) is refused whatever field the edit changes (400 入党时未满18周岁), so edits go to the others.
        clerk.editable = [row[:1] + row[2:7] for row in rows if row[0] not in taken and row[7]]
        pooled.extend(taken)
    conn.execute(f"UPDATE member.members SET {COMPLETE} WHERE id = ANY(%s)", (pooled,))
    return {"daily_members": sum(len(c.daily) for c in clerks), "transfer_pool": len(pooled),
            "not_editable": sum(len(c.daily) - len(c.editable) for c in clerks),
            "clerks_without_members": sum(1 for c in clerks if not c.daily)}


def clerk_token(base: str, admin: httpx.Client, org_id: int, username: str) -> str:
    """harness.clerk_client's steps (the account, its first login, the password change, the login
    with the new password), each retried after a 5xx or a timeout: on a loaded machine argon2 can
    outlast the gateway's RPC timeout, and a 504 may still have done its work (a 409 for the
    account, a 401 for the first password then say so)."""
    from tests.support.api import FIRST_PASSWORD, PASSWORD

    def post(client, path, body, **kwargs) -> httpx.Response | None:
        try:
            response = client.post(path, json=body, timeout=60, **kwargs)
        except httpx.TimeoutException:
            return None
        return None if response.status_code >= 500 else response

    def retried(step):
        for _ in range(8):
            answer = step()
            if answer is not None:
                return answer
            time.sleep(5)
        raise RuntimeError(f"making the account {username}: the system kept failing")

    created = retried(lambda: post(admin, "/accounts", {"username": username, "password": FIRST_PASSWORD,
                                                        "org_id": org_id}))
    if created.status_code not in (201, 409):
        created.raise_for_status()
    first = retried(lambda: post(httpx, f"{base}/session", {"username": username, "password": FIRST_PASSWORD}))
    if first.status_code == 200:
        headers = {"Authorization": f"Bearer {first.json()['token']}"}
        changed = retried(lambda: post(httpx, f"{base}/session/password",
                                       {"old_password": FIRST_PASSWORD, "new_password": PASSWORD}, headers=headers))
        if changed.status_code not in (200, 204, 400, 401):  # 400/401: a 504 before it had changed it
            changed.raise_for_status()
    session = retried(lambda: post(httpx, f"{base}/session", {"username": username, "password": PASSWORD}))
    session.raise_for_status()
    return f"Bearer {session.json()['token']}"


def make_accounts(system, admin: httpx.Client, clerks: list[Clerk]) -> float:
    started = time.perf_counter()
    base = f"{system.gateway_url}/api/v1"

    def one(clerk: Clerk) -> None:
        clerk.token = clerk_token(base, admin, clerk.org["id"], clerk.name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, clerks))
    return round(time.perf_counter() - started, 1)


# --- one run of the load ----------------------------------------------------------------------

class Failed(Exception):
    """An error: a non-2xx answer (or an exception) the load did not expect."""


class Refused(Exception):
    """A business refusal the load counts apart (a 409 on a transfer step)."""


class Recorder:
    def __init__(self):
        self.actions = defaultdict(list)
        self.errors, self.refused = Counter(), Counter()
        self.outcomes = defaultdict(Counter)
        self.requests = defaultdict(list)
        self.request_errors = Counter()
        self.samples: list[str] = []

    def sample(self, text: str) -> None:
        if len(self.samples) < 30:
            self.samples.append(text[:400])


class Load:
    """The shared state of one run: the transfers in flight between clerks, who handles what."""

    def __init__(self, clerks: list[Clerk], handler_of: dict, sender_of: dict, pooled: set, year: int,
                 rec: Recorder):
        self.clerks, self.handler_of, self.sender_of, self.pooled = clerks, handler_of, sender_of, pooled
        self.year, self.rec = year, rec
        self.imported = 0

    async def call(self, client: httpx.AsyncClient, method: str, url: str, route: str, expect: int = 200,
                   refusable: tuple = (), **kwargs) -> httpx.Response:
        started = time.perf_counter()
        label = f"{method} {route}"
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.rec.request_errors[label] += 1
            raise Failed(f"{method} {url}: {type(exc).__name__} {exc}") from None
        self.rec.requests[label].append(time.perf_counter() - started)
        if response.status_code == expect:
            return response
        detail = f"{method} {url}: {response.status_code} {response.text[:300]}"
        if response.status_code in refusable:
            raise Refused(detail)
        self.rec.request_errors[label] += 1
        raise Failed(detail)

    # Each action returns what it did (its outcome).

    async def search(self, clerk: Clerk, client, rng: random.Random) -> str:
        member = rng.choice(clerk.daily)
        kind = rng.choice(("surname", "name", "initials", "id prefix"))
        q = {"surname": member[1][0], "name": member[1], "initials": member[2], "id prefix": member[3][:10]}[kind]
        found = (await self.call(client, "GET", "/members", "/members", params={"q": q})).json()
        if not found["total"]:
            raise Failed(f"search {q!r} of {clerk.name} found nothing")
        return kind

    async def card_view(self, clerk: Clerk, client, rng: random.Random) -> str:
        member = rng.choice(clerk.daily)
        await self.call(client, "GET", f"/members/{member[0]}", "/members/{id}")
        return "card"

    async def edit(self, clerk: Clerk, client, rng: random.Random) -> str:
        member = rng.choice(clerk.editable)
        card = (await self.call(client, "GET", f"/members/{member[0]}", "/members/{id}")).json()
        what = rng.choices(("phone", "address", "native_place", "education", "occupation"), (30, 15, 15, 20, 20))[0]
        if what == "phone":
            value = f"139{rng.randrange(10**8):08d}"
        elif what == "address":
            value = f"某某市某某路{rng.randrange(1, 999)}号"
        elif what == "native_place":
            value = rng.choice(("浙江杭州", "山东济南", "四川成都", "湖北武汉", "广东广州"))
        else:
            value = rng.choice([code for code in (EDUCATIONS if what == "education" else OCCUPATIONS)
                                if code != card.get(what)])
        await self.call(client, "PATCH", f"/members/{member[0]}", "/members/{id}",
                        json={"version": card["version"], what: value})
        return what

    async def payment(self, clerk: Clerk, client, rng: random.Random) -> str:
        branch = rng.choice(clerk.branches)
        today, now = date.today(), Month.of(date.today())
        for month, outcome in ((now, "this month"), (now - 1, "last month (补交)")):
            sheet = (await self.call(client, "GET", f"/orgs/{branch['id']}/dues/month", "/orgs/{id}/dues/month",
                                     params={"month": str(month)})).json()
            payable = [m for m in sheet["members"]
                       if m["payable"] and m["suggested"] and m["member_id"] not in self.pooled]
            if payable:
                chosen = rng.sample(payable, min(len(payable), rng.randint(1, 3)))
                body = {"month": str(month), "payments": [
                    {"member_id": m["member_id"], "amount": m["suggested"], "paid_on": today.isoformat()}
                    for m in chosen]}
                answer = (await self.call(client, "POST", f"/orgs/{branch['id']}/dues/payments",
                                          "/orgs/{id}/dues/payments", expect=201, json=body)).json()
                if answer["refused"]:
                    raise Failed(f"payments refused at {branch['id']}: {answer['refused']}")
                return outcome
        return "nothing payable"

    async def report_work(self, clerk: Clerk, client, rng: random.Random) -> str:
        base = f"/orgs/{clerk.org['id']}/reports/{self.year}"
        await self.call(client, "GET", base, "/orgs/{id}/reports/{year}")
        await self.call(client, "GET", f"{base}/checks", "/orgs/{id}/reports/{year}/checks")
        return "report + 校核"

    async def transfer_step(self, clerk: Clerk, client, rng: random.Random) -> str:
        """One pass over the 待办 list, as a clerk opens it: every current step this clerk handles
        acted on (at most ACT_PER_PASS); with none, 发起 or else the 未办结 list."""
        org_id = clerk.org["id"]
        todo = (await self.call(client, "GET", f"/orgs/{org_id}/transfers", "/orgs/{id}/transfers?box=todo",
                                params={"box": "todo", "size": 50})).json()
        mine = [item for item in todo["items"]
                if item.get("current_step") and self.handler_of.get(item["current_step"]["org_id"]) is clerk]
        done = Counter()
        for item in mine[:ACT_PER_PASS]:
            action, data = ("approve", {"opinion": "同意"}) if item["current_step"]["action"] == "approve" else \
                ("receive", {"date": date.today().isoformat()})
            await self.call(client, "POST", f"/transfers/{item['id']}/{action}", f"/transfers/{{id}}/{action}",
                            refusable=(409,), json={"version": item["version"], **data})
            done[action] += 1
            if action == "receive":
                sender = self.sender_of.get(item["id"])
                if sender is not None:
                    sender.open.discard(item["id"])
        if done:
            return " + ".join(f"{action} ×{n}" for action, n in sorted(done.items()))
        if len(clerk.open) < MAX_OPEN and clerk.pool:
            member_id, branch_id = clerk.pool.pop()
            target = rng.choice([b for b in clerk.targets if b != branch_id])
            transfer = (await self.call(client, "POST", "/transfers", "/transfers", expect=201,
                                        json=apply_body(member_id, target))).json()
            clerk.open.add(transfer["id"])
            clerk.letters.append(transfer["id"])
            self.sender_of[transfer["id"]] = clerk
            return "apply (发起)"
        await self.call(client, "GET", f"/orgs/{org_id}/transfers", "/orgs/{id}/transfers?box=open",
                        params={"box": "open", "size": 20})
        return "open list"

    async def download(self, clerk: Clerk, client, rng: random.Random) -> str:
        kind = rng.choices(list(DOWNLOADS), list(DOWNLOADS.values()))[0]
        if kind == "letter pdf" and not clerk.letters:
            kind = "roster"
        org_id = clerk.org["id"]
        if kind == "roster":
            response = await self.call(client, "GET", f"/orgs/{org_id}/members.xlsx", "/orgs/{id}/members.xlsx")
        elif kind == "report xlsx":
            response = await self.call(client, "GET", f"/orgs/{org_id}/reports/{self.year}.xlsx",
                                       "/orgs/{id}/reports/{year}.xlsx")
        elif kind == "dues month xlsx":
            branch = rng.choice(clerk.branches)
            response = await self.call(client, "GET", f"/orgs/{branch['id']}/dues/month.xlsx",
                                       "/orgs/{id}/dues/month.xlsx", params={"month": str(Month.of(date.today()))})
        else:
            transfer_id = rng.choice(clerk.letters)
            response = await self.call(client, "GET", f"/transfers/{transfer_id}/letter.pdf",
                                       "/transfers/{id}/letter.pdf")
        if not response.content:
            raise Failed(f"{kind} of {clerk.name}: an empty file")
        return kind

    async def import_members(self, clerk: Clerk, client, rng: random.Random) -> str:
        branch = rng.choice(clerk.branches)
        rows = rng.randint(1, 5)
        numbers = [next_import_number() for _ in range(rows)]
        content = await asyncio.to_thread(import_sheet, numbers, branch["code"], rng.random())
        preview = (await self.call(client, "POST", "/imports/members", "/imports/members", expect=201,
                                   files={"file": ("党员采集表.xlsx", content, XLSX)})).json()
        if preview["valid"] != rows or preview["errors"]:
            raise Failed(f"import preview of {clerk.name}: {preview['valid']} of {rows} valid, {preview['errors'][:3]}")
        committed = (await self.call(client, "POST", f"/imports/{preview['id']}/commit", "/imports/{id}/commit",
                                     json={})).json()
        if committed["written"] != rows:
            raise Failed(f"import commit of {clerk.name}: {committed}")
        self.imported += rows
        return f"{rows} row(s)"

    def action(self, name: str):
        return {"search": self.search, "card view": self.card_view, "edit": self.edit, "payment": self.payment,
                "report work": self.report_work, "transfer step": self.transfer_step, "download": self.download,
                "import": self.import_members}[name]

    async def clerk(self, clerk: Clerk, base_url: str, deadline: float, seed: int) -> None:
        rng = random.Random(seed)
        names, weights = list(WEIGHTS), list(WEIGHTS.values())
        async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": clerk.token}, timeout=120) as client:
            await asyncio.sleep(rng.uniform(0, min(THINK_MEAN, deadline - time.perf_counter())))  # not all at once
            while time.perf_counter() < deadline:
                name = rng.choices(names, weights)[0]
                if not (clerk.editable if name == "edit" else clerk.daily) and name in ("search", "card view", "edit"):
                    name = "report work"
                started = time.perf_counter()
                try:
                    outcome = await self.action(name)(clerk, client, rng)
                except Refused as refused:
                    self.rec.refused[name] += 1
                    self.rec.sample(f"refused {name}: {refused}")
                except Failed as failed:
                    self.rec.errors[name] += 1
                    self.rec.sample(f"error {name}: {failed}")
                except Exception as exc:  # a malformed answer (KeyError …) is an error too
                    self.rec.errors[name] += 1
                    self.rec.sample(f"error {name}: {type(exc).__name__}: {exc}")
                else:
                    self.rec.actions[name].append(time.perf_counter() - started)
                    self.rec.outcomes[name][outcome] += 1
                await asyncio.sleep(min(rng.expovariate(1 / THINK_MEAN), max(0.0, deadline - time.perf_counter())))

    async def run(self, base_url: str, seconds: float, seed: int) -> float:
        started = time.perf_counter()
        deadline = started + seconds
        tasks = [asyncio.create_task(self.clerk(clerk, base_url, deadline, seed * 100_003 + n))
                 for n, clerk in enumerate(self.clerks)]
        reporter = asyncio.create_task(self.report_progress(started))
        try:
            await asyncio.gather(*tasks)
        finally:
            reporter.cancel()
            for task in tasks:
                task.cancel()
        return time.perf_counter() - started

    async def report_progress(self, started: float) -> None:
        while True:
            await asyncio.sleep(30)
            done = sum(map(len, self.rec.actions.values()))
            errors = sum(self.rec.errors.values())
            elapsed = time.perf_counter() - started
            progress(f"  {elapsed:.0f} s: {done} actions ({done / elapsed:.1f}/s), {errors} errors, "
                     f"{sum(self.rec.refused.values())} refused")


_import_counter = [0]


def next_import_number() -> int:
    _import_counter[0] += 1
    return _import_counter[0]


def import_sheet(numbers: list[int], branch_code: str, salt: float) -> bytes:
    """A 党员采集表 of new members (ID numbers of region codes 520100 and up: none generated)."""
    rng = random.Random(salt)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员采集表")
    sheet.append([column.header for column in IMPORT_COLUMNS])
    for number in numbers:
        first17 = f"{520100 + number // 1000:06d}19900101{number % 1000:03d}"
        name = rng.choice(province.SURNAMES) + "".join(rng.choice(province.GIVEN) for _ in range(2))
        sheet.append([name, first17 + check_char(first17), "汉族", "正式党员", "2015-07-01", branch_code])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- metrics, replicas, settling ----------------------------------------------------------------

def scrape(system) -> dict[str, dict]:
    """{child: {(service, method): [calls, seconds]}} of the RPCs each answering part (and
    replica) has served so far, from its /metrics."""
    out = {}
    for name, port in system.metrics_ports.items():
        if name not in SERVICES and not any(name.startswith(f"{s}-") and name[len(s) + 1:].isdigit()
                                            for s in SERVICES):
            continue
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        except httpx.HTTPError:
            continue
        calls = defaultdict(lambda: [0.0, 0.0])
        for family in text_string_to_metric_families(text):
            if family.name != "pmis_service_call_seconds":
                continue
            for sample in family.samples:
                if sample.labels.get("kind") != "rpc":
                    continue
                key = (sample.labels["service"], sample.labels["method"])
                if sample.name.endswith("_count"):
                    calls[key][0] = sample.value
                elif sample.name.endswith("_sum"):
                    calls[key][1] = sample.value
        out[name] = dict(calls)
    return out


def rpc_use(before: dict, after: dict) -> dict:
    """The RPCs served between two scrapes: per service (calls, busy seconds, top methods) and per process."""
    services, processes = defaultdict(lambda: defaultdict(lambda: [0, 0.0])), {}
    for name, calls in after.items():
        served = 0
        for key, (count, seconds) in calls.items():
            old = before.get(name, {}).get(key, (0, 0.0))
            services[key[0]][key[1]][0] += int(count - old[0])
            services[key[0]][key[1]][1] += seconds - old[1]
            served += int(count - old[0])
        processes[name] = served
    summary = {}
    for service, methods in services.items():
        top = sorted(methods.items(), key=lambda item: -item[1][1])[:8]
        summary[service] = {"calls": sum(v[0] for v in methods.values()),
                            "busy_s": round(sum(v[1] for v in methods.values()), 1),
                            "top_methods": {m: {"calls": v[0], "busy_s": round(v[1], 1)} for m, v in top if v[0]}}
    return {"by_service": dict(sorted(summary.items(), key=lambda item: -item[1]["busy_s"])),
            "by_process": processes}


def health_calls(system, name: str) -> int:
    return int(scrape(system).get(name, {}).get((name.rsplit("-", 1)[0], "health"), [0])[0])


def set_replicas(system, rpc, service: str, replicas: list[str], count: int) -> None:
    """`count` answering parts of `service` in all: replicas spawned (and each waited for until it
    has answered a health RPC) or stopped."""
    while len(replicas) + 1 > count:
        system.stop_child(replicas.pop())
    while len(replicas) + 1 < count:
        name = system.spawn_replica(service, len(replicas) + 2)
        replicas.append(name)
        deadline = time.perf_counter() + 180
        while not health_calls(system, name):
            if system.processes[name].poll() is not None:
                raise RuntimeError(f"replica {name} exited (code {system.processes[name].returncode})")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"replica {name} answered no RPC in 180 s")
            for _ in range(2 * count):  # round robin over the consumers: one reaches the new part
                rpc.call(service, "health")
            time.sleep(0.5)
        progress(f"replica {name} serving")


def queue_depths(env: dict) -> dict | None:
    """Messages in each queue of the system's vhost (rabbitmqctl), or None without it."""
    vhost = unquote(urlparse(env["PMIS_AMQP_URI"]).path[1:]) or "/"
    try:
        listed = subprocess.run(["rabbitmqctl", "list_queues", "-q", "-p", vhost, "name", "messages"],
                                capture_output=True, text=True, timeout=120)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    if listed.returncode:
        return None
    depths = {}
    for line in listed.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            depths[parts[0]] = int(parts[1])
    return depths


def settle(env: dict, dsn: str, rpc, root_id: int) -> dict:
    """Until nothing is in flight (transfers 接收办理中, outboxes, queues), then the reconcile of the
    root, again until clean or SETTLE_LIMIT."""
    started = time.perf_counter()
    deadline = started + SETTLE_LIMIT
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            receiving = conn.execute("SELECT count(*) FROM transfer.transfers WHERE state = 'receiving'").fetchone()[0]
            pending = sum(rpc.call(service, "health")["outbox_pending"] for service in SERVICES)
            depths = queue_depths(env)
            queued = sum(n for name, n in (depths or {}).items() if not name.startswith("dlq."))
            if not (receiving or pending or queued):
                break
            if time.perf_counter() > deadline:
                break
            time.sleep(1)
        states = dict(conn.execute("SELECT state, count(*) FROM transfer.transfers GROUP BY state").fetchall())
    drained = time.perf_counter() - started
    attempts, result = 0, None
    while True:
        attempts += 1
        checked = time.perf_counter()
        result = rpc.call("stats", "reconcile", org_id=root_id)
        seconds = time.perf_counter() - checked
        if not result["total_differences"] or time.perf_counter() > deadline:
            break
        time.sleep(2)
    depths = queue_depths(env) or {}
    return {"drained_s": round(drained, 1), "in_flight_left": {"receiving": receiving, "outbox": pending,
                                                               "queued": queued},
            "reconcile": {"differences": result["total_differences"], "attempts": attempts,
                          "last_s": round(seconds, 1), "first_differences": result["differences"][:10]},
            "clean_after_s": round(time.perf_counter() - started, 1),
            "dead_letters": {name: n for name, n in depths.items() if name.startswith("dlq.") and n},
            "transfer_states": states}


# --- the benchmark ------------------------------------------------------------------------------

def summarize(rec: Recorder, elapsed: float, window: float) -> dict:
    per_action = {}
    for name in WEIGHTS:
        seconds = rec.actions.get(name, [])
        per_action[name] = {**(summary_ms(seconds) if seconds else {"n": 0}), "errors": rec.errors[name],
                            "refused_409": rec.refused[name], "outcomes": dict(rec.outcomes[name])}
    done = sum(len(v) for v in rec.actions.values()) + sum(rec.errors.values()) + sum(rec.refused.values())
    # Every action began within the window (the last ones end after it: `seconds`).
    return {"seconds": round(elapsed, 1), "actions": done, "actions_per_s": round(done / window, 2),
            "errors": sum(rec.errors.values()), "refused_409": sum(rec.refused.values()), "per_action": per_action,
            "requests": {label: {**summary_ms(v), "errors": rec.request_errors[label]}
                         for label, v in sorted(rec.requests.items())},
            "error_samples": rec.samples}


def main(members: int = 1_000_000, clerks_count: int = 300, seconds: int = 600, *replica_counts: int) -> int:
    replica_counts = replica_counts or (1,)
    with running_system(PMIS_METRICS_PORT="auto") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        seeded = dues_scale.seed_dues(dsn)
        progress(f"dues seeded: {seeded}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            orgs = load_tree(conn)
            clerks = plan_clerks(orgs, clerks_count)
            pools = fill_pools(conn, clerks)
        root_id = next(org["id"] for org in orgs.values() if org["parent_id"] is None)
        handler_of = handlers(clerks, orgs)
        pooled = {member_id for clerk in clerks for member_id, _ in clerk.pool}
        levels = Counter(clerk.level for clerk in clerks)
        progress(f"{len(clerks)} clerks planned ({dict(levels)}), pools {pools}; making their accounts")
        accounts_s = make_accounts(system, admin, clerks)
        progress(f"accounts made in {accounts_s} s (not measured)")
        base_url = f"{system.gateway_url}/api/v1"
        results = {
            "method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "weights": WEIGHTS,
            "think_mean_s": THINK_MEAN, "members": members, "clerks": len(clerks), "clerk_levels": dict(levels),
            "groups": math.ceil(len(clerks) / len(GROUP)), "seconds": seconds, "generated": generated,
            "dues_seeded": seeded, "pools": pools, "accounts_s": accounts_s,
            "settings": {key: env.get(key) or DEFAULTS[key] for key in (
                "PMIS_EVENT_QUEUE_TYPE", "PMIS_STATS_INGESTERS", "PMIS_MAX_WORKERS", "PMIS_RPC_TIMEOUT",
                "PMIS_BATCH_NICE")},
            "offered_actions_per_s": round(len(clerks) / THINK_MEAN, 2), "runs": {}}
        service, replicas, sender_of, failed = "member", [], {}, False
        results["replicated_service"] = {"service": service, "why": "default (the first run had more than one replica)"}
        for number, count in enumerate(replica_counts):
            set_replicas(system, rpc, service, replicas, count)
            progress(f"run {number + 1}: {count} answering part(s) of {service}, {len(clerks)} clerks, {seconds} s")
            before = scrape(system)
            rec = Recorder()
            load = Load(clerks, handler_of, sender_of, pooled, date.today().year, rec)
            elapsed = asyncio.run(load.run(base_url, seconds, number + 1))
            used = rpc_use(before, scrape(system))
            run = {"replicas": count, **summarize(rec, elapsed, seconds), "members_imported": load.imported,
                   "rpc": used}
            progress(f"run {number + 1} done: {run['actions']} actions ({run['actions_per_s']}/s), "
                     f"{run['errors']} errors, {run['refused_409']} refused; settling")
            run["settle"] = settle(env, dsn, rpc, root_id)
            run["passed"] = not run["errors"] and not run["settle"]["reconcile"]["differences"]
            failed |= not run["passed"]
            progress(f"settled: {run['settle']['reconcile']} after {run['settle']['clean_after_s']} s")
            for name, figures in run["per_action"].items():
                progress(f"  {name:14} n={figures['n']:5} p95={figures.get('p95_ms', '-')} ms "
                         f"errors={figures['errors']} refused={figures['refused_409']}")
            if number == 0 and count == 1 and used["by_service"]:
                service = next(iter(used["by_service"]))
                results["replicated_service"] = {"service": service,
                                                 "why": "most RPC busy seconds in the first run (1 replica)"}
            key = f"{count} replica(s)"
            results["runs"][key if key not in results["runs"] else f"{key}, run {number + 1}"] = run
            record("mixed_load", results)  # each run kept as it ends
        results["scaling"] = {key: {"actions_per_s": run["actions_per_s"], "errors": run["errors"],
                                    "p95_ms": {name: figures.get("p95_ms")
                                               for name, figures in run["per_action"].items()},
                                    "reconcile_differences": run["settle"]["reconcile"]["differences"]}
                              for key, run in results["runs"].items()}
        record("mixed_load", results)
        admin.close()
    return 1 if failed else 0


if __name__ == "__main__":  # MEMBERS CLERKS SECONDS [REPLICAS ...] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
