"""操作日志 at provincial scale (issue 16): `python -m bench.audit_scale [MEMBERS] [ENTRIES]` (defaults
100,000 · 50,000,000).

The whole system runs (private database and vhost); a province of MEMBERS members is generated
(bench/province.py). 100,000 members is enough: the searches measured depend on the tree (16 cities,
160 counties, 1,920 committees: the same at 100,000 and at 1,000,000 members), on the entries a day
and on the entries of one member, account or subtree, which ENTRIES sets; a million members would
add minutes of generation and nothing to the audit figures (an entry's member only needs to exist).
Then ENTRIES audit entries are written straight into `org.audit_entries` by COPY, as the org
service's consumer would have stored them over three years (`seed_entries`): time-ordered (ids grow
with time, as an append-only log's do), five working days a week busier than the weekend, mostly in
office hours (China time); 70 % about members (member ids of the province, the member's branch as
org_path), 12 % 党费 payments, 10 % logins (the account's own organization), 4 % transfers, 3 %
organizations, 1 % 组织生活; made by ≈ 300 accounts (a clerk per county and city, one committee in
sixteen with its own, and the administrator: the clerk whose subtree holds the entity); `changes`
like the real commands' (field, before, after in Chinese); a unique event_id each. The secondary
indexes are dropped before the load and built again after it (faster than keeping them up to date
row by row, the random event_id's above all), then VACUUM ANALYZE (what autovacuum would have done
to a table this old). Then, through the gateway (HTTP → RPC → org service → PostgreSQL), 20 warm-up
requests and 200 timed ones each (p50/p95), each request a different target:
1. one member's log (`GET /audit?entity=member&entity_id=…`, the first page of 50), as the administrator;
2. one account's month (`account=…&from=&to=` a calendar month), as the administrator;
3. a subtree's day (`org_id=<county>&from=day&to=day`): a county, a city and the whole province (no
   org_id) as the administrator, and a county's own clerk without org_id (their scope is the county);
4. a member edit (`PATCH /members/{id}`, the phone) with its audit entry as always (A), and with the
   entry's outbox row dropped by a BEFORE INSERT trigger on member.outbox (B: no row written, relayed,
   consumed or stored; the entry is still built and its INSERT still sent, a few per cent of a
   PostgreSQL round trip). The services run in other processes, so this is the honest switch: A and B
   alternate in blocks of 25 edits (a busy machine drifts), 200 edits each; the audit's cost is
   p95(A) / p95(B) − 1.
For each search, 50 of the timed requests are also run inside PostgreSQL (EXPLAIN ANALYZE of the
service's own statement, `services.org.audit.statement`: `in_database`, what the indexes do apart
from the RPC and JSON around them), and one plan is recorded with the figures.
"""
import json
import random
import sys
import time
from datetime import date, datetime, timedelta

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from services.org.audit import statement
from services.org.domain.lockout import CHINA_TIME
from services.shared.context import Caller
from services.shared.paths import path_ids
from services.shared.service_list import SERVICES

from . import province
from .harness import admin_client, clerk_client, exit_code, record, running_system, summary_ms
from .transfers_scale import dsn_of, progress

DAYS = 3 * 365
WARM, TIMED, BLOCK = 20, 200, 25
# (entity, share %, source) of the entries seeded.
KINDS = (("member", 70, "member"), ("dues_payment", 12, "dues"), ("account", 10, "org"),
         ("transfer", 4, "transfer"), ("org", 3, "org"), ("meeting", 1, "org"))
MEMBER_EDITS = (
    ("修改基本信息", "联系电话", lambda r: f"13{r.randrange(10**9):09d}", lambda r: f"13{r.randrange(10**9):09d}"),
    ("修改基本信息", "家庭住址", lambda r: f"第{r.randrange(1, 99)}街道{r.randrange(1, 300)}号",
     lambda r: f"第{r.randrange(1, 99)}街道{r.randrange(1, 300)}号"),
    ("修改基本信息", "学历", lambda r: r.choice(("大学专科", "高中")), lambda r: r.choice(("大学本科", "研究生"))),
    ("修改基本信息", "工作岗位", lambda r: r.choice(("工人", "农牧渔民", "专业技术人员")),
     lambda r: r.choice(("企事业单位管理人员", "离退休人员"))),
    ("新增奖惩信息", "奖惩名称", lambda r: None, lambda r: r.choice(("优秀共产党员", "优秀党务工作者"))),
    ("修改学历学位", "毕业院校", lambda r: "", lambda r: f"第{r.randrange(1, 40)}中学"),
    ("组织关系转接", "所在党组织", lambda r: f"第{r.randrange(1, 17)}市党支部",
     lambda r: f"第{r.randrange(1, 17)}县党支部"),
    ("上传照片", "照片", lambda r: None, lambda r: f"{r.randrange(300, 900)}×{r.randrange(400, 1200)}像素，"
                                                  f"{r.randrange(20, 200)} KB"),
)
OTHER_ACTIONS = {
    "dues_payment": ("登记党费", "作废党费记录"), "account": ("登录", "登录", "登录", "退出登录", "登录失败"),
    "transfer": ("发起", "审批同意", "接收", "登记回执"), "org": ("修改党组织信息", "排序", "修改民主评议情况"),
    "meeting": ("录入组织生活", "修改组织生活", "签认组织生活"),
}
POOL = 4000  # distinct `changes` texts of each kind, drawn from


def _lines(*pairs) -> str:
    return json.dumps([{"field": f, "before": b, "after": a} for f, b, a in pairs], ensure_ascii=False)


def change_pools(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """(action, changes JSON) choices for each entity kind."""
    pools: dict[str, list[tuple[str, str]]] = {kind: [] for kind, _, _ in KINDS}
    for _ in range(POOL):
        action, field, before, after = rng.choice(MEMBER_EDITS)
        pools["member"].append((action, _lines((field, before(rng), after(rng)))))
        month = f"20{rng.randrange(23, 27)}-{rng.randrange(1, 13):02d}"
        pools["dues_payment"].append((rng.choice(OTHER_ACTIONS["dues_payment"]), _lines(
            ("所属月份", None, month), ("金额", None, f"{rng.randrange(1, 300)}.{rng.randrange(100):02d}"),
            ("交纳日期", None, f"{month}-{rng.randrange(1, 29):02d}"))))
        action = rng.choice(OTHER_ACTIONS["account"])
        pools["account"].append((action, "[]" if action != "登录失败" else _lines(("原因", None, "密码错误"))))
        pools["transfer"].append((rng.choice(OTHER_ACTIONS["transfer"]), _lines(
            ("状态", "待审批", rng.choice(("已同意", "待接收", "已转入"))), ("意见", None, "同意"))))
        pools["org"].append((rng.choice(OTHER_ACTIONS["org"]), _lines(
            ("联系电话", f"0{rng.randrange(10**9):09d}", f"0{rng.randrange(10**9):09d}"))))
        pools["meeting"].append((rng.choice(OTHER_ACTIONS["meeting"]), _lines(
            ("会议类型", None, rng.choice(("支部党员大会", "支部委员会", "党小组会", "党课"))),
            ("应到人数", None, str(rng.randrange(5, 40))), ("实到人数", None, str(rng.randrange(3, 40))))))
    for pool in pools.values():
        for action, changes in pool:  # COPY's text format: none of its special characters
            assert not any(c in action + changes for c in "\\\t\n\r"), changes
    return pools


class Accounts:
    """The ≈ 300 accounts that made the entries: a clerk per city and county, one committee in
    sixteen with its own, the administrator; an entity's entry is made by a clerk whose subtree holds it."""

    def __init__(self, rng: random.Random, orgs: list[tuple[int, str]], root_path: str):
        self.rng, self.by_path, self.above = rng, {}, {}
        self.admin = ("1", "admin", root_path)
        account_id = 1000
        for org_id, path in orgs:
            depth = len(path_ids(path))  # root 1, city 2, county 3, committee 4
            if depth in (2, 3) or (depth == 4 and rng.random() < 1 / 16):
                account_id += 1
                name = ("city", "county", "committee")[depth - 2] + str(org_id)
                self.by_path[path] = (str(account_id), name, path)
        self.all = [self.admin, *self.by_path.values()]
        self.ips = [f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for _ in range(4096)]

    def clerks(self, path: str) -> list[tuple[str, str, str]]:
        """The clerks whose subtree holds `path`, the nearest first."""
        if (found := self.above.get(path)) is None:
            ids = path_ids(path)
            prefixes = ["/" + "/".join(map(str, ids[:n])) + "/" for n in range(len(ids), 0, -1)]
            found = self.above[path] = [self.by_path[p] for p in prefixes if p in self.by_path]
        return found

    def maker(self, path: str) -> tuple[str, str, str]:
        """Who made an entry about an entity at `path`: the nearest clerk mostly, sometimes a higher one."""
        clerks = self.clerks(path)
        draw = self.rng.random()
        if draw < 0.02 or not clerks:
            return self.admin
        return clerks[0] if draw < 0.85 or len(clerks) == 1 else clerks[1 + int(draw * 1000) % (len(clerks) - 1)]


def settle(dsn: str, timeout: float = 120) -> None:
    """Wait until every service's outbox is sent and the audit entries stop arriving: the load drops
    the unique index the consumer's ON CONFLICT needs, so nothing should be on its way then."""
    deadline, last = time.monotonic() + timeout, None
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            unsent = sum(conn.execute(f"SELECT count(*) FROM {s}.outbox WHERE sent_at IS NULL").fetchone()[0]
                         for s in SERVICES)
            stored = conn.execute("SELECT count(*) FROM org.audit_entries").fetchone()[0]
            if not unsent and stored == last:
                return
            last = stored
            time.sleep(2)
    progress("the outboxes did not settle; loading anyway")


KIND_NAMES, SHARES, SOURCES = [k for k, _, _ in KINDS], [s for _, s, _ in KINDS], {k: s for k, _, s in KINDS}
CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
OFFICE, OFFICE_HOURS = 8 * 3600, 10 * 3600


def day_rows(rng: random.Random, day: date, count: int, first_id: int, pools: dict, accounts: Accounts,
             orgs: list, members: list) -> str:
    """One day's `count` entries in COPY's text format, in time order, ids from `first_id` (random()
    and getrandbits rather than randrange and choice: this loop runs 50 million times)."""
    draw, bits = rng.random, rng.getrandbits
    seconds = sorted(OFFICE + int(draw() * OFFICE_HOURS) if draw() < 0.85 else int(draw() * 86400)
                     for _ in range(count))
    ips = accounts.ips
    n_members, n_orgs, n_accounts, n_ips = len(members), len(orgs), len(accounts.all), len(ips)
    lines = []
    for entry_id, second, kind in zip(range(first_id, first_id + count), seconds,
                                      rng.choices(KIND_NAMES, SHARES, k=count)):
        if kind == "account":
            account_id, username, path = accounts.all[int(draw() * n_accounts)]
            entity_id = account_id
        elif kind == "org":
            entity_id, path = orgs[int(draw() * n_orgs)]
            account_id, username, _ = accounts.maker(path)
        else:
            member_id, path = members[int(draw() * n_members)]
            entity_id = member_id if kind == "member" else 1 + int(draw() * 10 * n_members)
            account_id, username, _ = accounts.maker(path)
        pool = pools[kind]
        action, changes = pool[int(draw() * len(pool))]
        lines.append(f"{entry_id}\t{bits(128):032x}\t{SOURCES[kind]}\t{day} {CLOCK[second]}.{bits(19):06d}+08\t"
                     f"{account_id}\t{username}\t{ips[int(draw() * n_ips)]}\t{bits(64):016x}\t{path}\t{kind}\t"
                     f"{entity_id}\t{action}\t{changes}\n")
    return "".join(lines)


def seed_entries(dsn: str, entries: int, seed: int = 2026) -> dict:
    """ENTRIES audit entries over the last three years (see the module's text); timings and sizes."""
    rng = random.Random(seed)
    pools = change_pools(rng)
    settle(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        root_path = conn.execute("SELECT path FROM org.orgs WHERE parent_id IS NULL").fetchone()[0]
        orgs = conn.execute("SELECT id, path FROM org.orgs ORDER BY id").fetchall()
        members = conn.execute("SELECT id, org_path FROM member.members ORDER BY id").fetchall()
        accounts = Accounts(rng, orgs, root_path)
        # Ids reserved above what the running system has used: the seeded entries take them in time
        # order; the system's own entries (today's) get higher ones from the sequence.
        first_id = conn.execute("SELECT nextval('org.audit_entries_id_seq')").fetchone()[0] + 1
        conn.execute("SELECT setval('org.audit_entries_id_seq', %s)", (first_id + entries + 1,))
        indexes = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) "
            "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
            "WHERE i.indrelid = 'org.audit_entries'::regclass AND NOT i.indisprimary").fetchall()
        for name, _, constraint, _ in indexes:
            conn.execute(f"ALTER TABLE org.audit_entries DROP CONSTRAINT {constraint}" if constraint
                         else f"DROP INDEX {name}")
    today = datetime.now(CHINA_TIME).date()
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]  # up to yesterday: today is the system's
    weights = [1.0 if d.weekday() < 5 else 0.25 for d in days]
    per_weight = entries / sum(weights)
    started, written, next_id, report_at = time.perf_counter(), 0, first_id, 0
    with psycopg.connect(dsn) as conn:
        conn.execute("SET synchronous_commit = off")
        carried = 0.0
        for index, day in enumerate(days):
            exact = weights[index] * per_weight + carried
            count = int(exact) if index < len(days) - 1 else entries - written
            carried = exact - count
            text = day_rows(rng, day, count, next_id, pools, accounts, orgs, members)
            next_id += count
            with conn.cursor().copy("COPY org.audit_entries (id, event_id, source, at, account_id, username, ip, "
                                    "request_id, org_path, entity, entity_id, action, changes) FROM STDIN") as copy:
                copy.write(text)
            conn.commit()
            written += count
            if written >= report_at:
                rate = written / (time.perf_counter() - started)
                progress(f"audit entries: {written:,} of {entries:,} ({rate:,.0f} rows/s), up to {day}")
                report_at = written + max(entries // 20, 1)
    copied = time.perf_counter() - started
    progress(f"{written:,} entries copied in {copied:.0f} s; building the indexes")
    timings = {"copy_s": round(copied, 1), "rows_per_s": round(written / copied)}
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition, constraint, constraint_def in indexes:
            conn.execute(f"ALTER TABLE org.audit_entries ADD CONSTRAINT {constraint} {constraint_def}" if constraint
                         else definition)
        timings["index_s"] = round(time.perf_counter() - started, 1)
        progress(f"indexes built in {timings['index_s']} s; VACUUM ANALYZE")
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE) org.audit_entries")
        timings["vacuum_s"] = round(time.perf_counter() - started, 1)
        sizes = conn.execute(
            "SELECT pg_table_size('org.audit_entries'), pg_indexes_size('org.audit_entries')").fetchone()
        index_sizes = dict(conn.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = 'org.audit_entries'::regclass").fetchall())
    return {"entries": written, "first_day": str(days[0]), "last_day": str(days[-1]), "accounts": len(accounts.all),
            **timings, "table_bytes": sizes[0], "index_bytes": sizes[1], "indexes": index_sizes,
            "accounts_list": accounts}


def timed(client, requests: list[dict]) -> dict:
    """The first WARM requests warm up, the next TIMED are timed (each its own parameters)."""
    for params in requests[:WARM]:
        client.get("/audit", params=params).raise_for_status()
    timings, found = [], 0
    for params in requests[WARM:WARM + TIMED]:
        started = time.perf_counter()
        response = client.get("/audit", params=params)
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
        found += len(response.json()["items"])
    return {**summary_ms(timings), "mean_items": round(found / len(timings), 1)}


def explain(engine, scope_path: str, filters: dict) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the service's own search statement for `filters` (its first page)."""
    with Session(engine) as session:
        query = statement(session, Caller(user_id="bench", scope_path=scope_path), filters, None, 50)
        sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        sql = sql.replace("%%", "%")  # the dialect doubles it for its driver; run here without parameters
    with psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        plan = [row[0] for row in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
    executed = next(float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time"))
    return {"filters": filters, "sql": sql, "plan": plan, "execution_ms": executed}


def in_database(engine, scope_path: str, requests: list[dict], n: int = 50) -> dict:
    """The statement's own execution time in PostgreSQL for `n` of the timed requests (EXPLAIN ANALYZE):
    what the index does, apart from the RPC and JSON around it (on a busy machine, most of a request)."""
    times = [explain(engine, scope_path, params)["execution_ms"] for params in requests[WARM:WARM + n]]
    return summary_ms([t / 1000 for t in times])


def member_edits(client, dsn: str, member_ids: list[int]) -> dict:
    """PATCH /members/{id} (the phone), A (audit as always) and B (its outbox row dropped), alternating."""
    trigger = ("CREATE OR REPLACE FUNCTION member.bench_drop_audit() RETURNS trigger LANGUAGE plpgsql AS "
               "$$ BEGIN RETURN NULL; END $$; "
               "CREATE TRIGGER bench_drop_audit BEFORE INSERT ON member.outbox FOR EACH ROW "
               "WHEN (NEW.event_type = 'audit_recorded') EXECUTE FUNCTION member.bench_drop_audit()")
    untrigger = "DROP TRIGGER IF EXISTS bench_drop_audit ON member.outbox"

    def edit(member_id: int, n: int) -> float:
        card = client.get(f"/members/{member_id}").json()
        started = time.perf_counter()
        response = client.patch(f"/members/{member_id}", json={"version": card["version"],
                                                                "phone": f"139{n:08d}"})
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return elapsed

    timings = {"A": [], "B": []}
    ids = iter(member_ids)
    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            for n in range(WARM):
                edit(next(ids), n)
            n = WARM
            for block in range(2 * TIMED // BLOCK):
                arm = "AB"[block % 2]
                conn.execute(trigger if arm == "B" else untrigger)
                for _ in range(BLOCK):
                    timings[arm].append(edit(next(ids), n))
                    n += 1
        finally:
            conn.execute(untrigger)
            conn.execute("DROP FUNCTION IF EXISTS member.bench_drop_audit()")
    a, b = summary_ms(timings["A"]), summary_ms(timings["B"])
    return {"with_audit": a, "without_audit_row": b,
            "audit_adds_p95_pct": round(100 * (a["p95_ms"] / b["p95_ms"] - 1), 1),
            "audit_adds_p50_pct": round(100 * (a["p50_ms"] / b["p50_ms"] - 1), 1)}


def month_bounds(day: date) -> tuple[str, str]:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return str(first), str(last)


def main(members: int = 100_000, entries: int = 50_000_000) -> int:
    rng = random.Random(7)
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, _rpc, env):
        dsn = dsn_of(env)
        admin = admin_client(system, env)
        generated = province.generate(dsn, members)
        generated["org_directories_s"] = province.fill_org_directories(dsn)
        progress(f"province generated: {generated}")
        seeded = seed_entries(dsn, entries)
        accounts = seeded.pop("accounts_list")
        progress(f"audit seeded: {seeded}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            root_id, root_path = conn.execute("SELECT id, path FROM org.orgs WHERE parent_id IS NULL").fetchone()
            cities = conn.execute("SELECT id, path FROM org.orgs WHERE parent_id = %s ORDER BY id",
                                  (root_id,)).fetchall()
            counties = conn.execute("SELECT id, path FROM org.orgs WHERE parent_id = ANY(%s) ORDER BY id",
                                    ([c[0] for c in cities],)).fetchall()
            member_ids = [r[0] for r in conn.execute(
                "SELECT id FROM member.members WHERE status = 'active' ORDER BY md5(id::text) LIMIT 1000")]
        first_day = date.fromisoformat(seeded["first_day"])
        last_day = date.fromisoformat(seeded["last_day"])

        def some_day() -> date:
            while True:
                day = first_day + timedelta(days=rng.randrange((last_day - first_day).days + 1))
                if day.weekday() < 5:
                    return day

        n = WARM + TIMED
        clerks = [a for a in accounts.all if a[1].startswith(("county", "committee"))]
        queries = {
            "member_log": ({"entity": "member", "entity_id": str(m)} for m in member_ids[:n]),
            "account_month": ({"account": a[1], **dict(zip(("from", "to"), month_bounds(some_day())))}
                              for a in (rng.choice(clerks) for _ in range(n))),
            "county_day": ({"org_id": rng.choice(counties)[0], "from": str(d), "to": str(d)}
                           for d in (some_day() for _ in range(n))),
            "city_day": ({"org_id": rng.choice(cities)[0], "from": str(d), "to": str(d)}
                         for d in (some_day() for _ in range(n))),
            "province_day": ({"from": str(d), "to": str(d)} for d in (some_day() for _ in range(n))),
        }
        results, plans = {}, {}
        engine = create_engine(env["PMIS_DATABASE_URL"])
        for name, requests in queries.items():
            requests = list(requests)
            results[name] = timed(admin, requests)
            results[name]["in_database"] = in_database(engine, root_path, requests)
            progress(f"{name}: {results[name]}")
            plans[name] = explain(engine, root_path, requests[-1])
        county_id, county_path = counties[0]
        clerk = clerk_client(system, admin, county_id, "bench_county_clerk")
        requests = [{"from": str(d), "to": str(d)} for d in (some_day() for _ in range(n))]
        results["county_day_as_its_clerk"] = timed(clerk, requests)
        results["county_day_as_its_clerk"]["in_database"] = in_database(engine, county_path, requests)
        progress(f"county_day_as_its_clerk: {results['county_day_as_its_clerk']}")
        day = str(some_day())
        plans["county_day_as_its_clerk"] = explain(engine, county_path, {"from": day, "to": day})
        engine.dispose()
        results["member_edit"] = member_edits(admin, dsn, member_ids[n:])
        progress(f"member_edit: {results['member_edit']}")
    record(f"audit_scale_{members}_{entries}", {
        "method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "members": members, "generated": generated,
        "seeded": seeded, **results, "plans": plans})
    return 0


if __name__ == "__main__":  # [MEMBERS] [ENTRIES] (smaller: a smoke run)
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
