"""The chaos suite (`make chaos`; issue 18): the whole system on a PostgreSQL cluster and a RabbitMQ
node of its own (tests/support/private_backends.py), while PMIS_CHAOS_CHANGES changes (10,000 by
default) flow through the API — member creations, edits, leaves and 省内 transfers, each step a change —
restarts RabbitMQ, restarts PostgreSQL and kills with SIGKILL every service part, relay, ingester and
the gateway in turn, again and again until the changes are done. Then, once the system is quiet:

- every change the API accepted (2xx) is in the database, and the statistics count every member
  exactly once (the root's reconcile finds no difference), with no event parked in a dead-letter queue;
- no request was answered 500: while a dependency is down the API says 503 (or 504 for a request
  caught in flight), and it recovered without anyone's help (the supervisor gave up on nothing).

The figures (changes per second, answers by status, each fault's outage and recovery) are written to
test-artifacts/chaos.json and recorded in docs/BENCHMARKS.md.
"""
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest

from bench.harness import admin_client, running_system
from launcher.system import LOCAL_S3
from services.shared.service_list import SERVICES
from tests.support.factories import COMPLETE_CARD, code, member_data
from tests.support.helpers import plain_dsn
from tests.support.private_backends import PrivatePostgres, PrivateRabbit, available
from tests.support.rpc import SyncRpc

pytestmark = pytest.mark.skipif(available() is not None, reason=available() or "")

CHANGES = int(os.environ.get("PMIS_CHAOS_CHANGES", "10000"))
CLIENTS = 6
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "chaos.json"
DUES = f"{date.today().year}-01"
TODAY = date.today().isoformat()
DOWN_SECONDS = 4  # how long a stopped PostgreSQL or RabbitMQ stays down
FAULT_PAUSE = 1.0  # between one fault's recovery and the next fault
RETRY_PAUSE = 0.5  # a client's wait after "try again"


@pytest.fixture(scope="module")
def backends():
    postgres, rabbit = PrivatePostgres(), PrivateRabbit()
    try:
        postgres.start()
        rabbit.start()
        yield postgres, rabbit
    finally:
        try:
            rabbit.close()
        finally:
            postgres.close()


@pytest.fixture(scope="module")
def chaos_system(backends):
    postgres, rabbit = backends
    saved = {name: os.environ.get(name) for name in ("PMIS_TEST_ADMIN_DSN", "PMIS_TEST_AMQP_URI")}
    os.environ.update(PMIS_TEST_ADMIN_DSN=postgres.admin_dsn, PMIS_TEST_AMQP_URI=rabbit.amqp_uri)
    try:
        # The deployment's settings: quorum event queues (a node of our own), two competing ingesters,
        # a 15 s RPC timeout (long enough for argon2 on a loaded VM, short enough to see 504s).
        with running_system(PMIS_STATS_INGESTERS="2", PMIS_RPC_TIMEOUT="15",
                            PMIS_EVENT_QUEUE_TYPE="quorum") as (system, rpc, env):
            yield system, env, rpc.call("org", "root")["id"]
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Ledger:
    """What the clients asked and what the API answered."""

    def __init__(self, target: int):
        self.target = target
        self.lock = threading.Lock()
        self.accepted = Counter()          # kind → accepted changes
        self.statuses = Counter()          # HTTP status (or the client's error) → answers
        self.failures: list[str] = []      # 500s and other surprises, with their bodies
        self.created: set[int] = set()     # members whose creation was accepted
        self.left: set[int] = set()        # members whose leave was accepted
        self.moved: dict[int, tuple] = {}  # member → (organization its accepted 接收 moves it to, transfer)
        self.pool: list[int] = []          # members free for the next edit, leave or transfer
        self.aborted: str | None = None    # why the run stopped early (the chaos thread failed)

    @property
    def done(self) -> bool:
        return self.aborted is not None or sum(self.accepted.values()) >= self.target

    def answer(self, kind: str, response: httpx.Response | None, error: str = "") -> bool:
        """Record an answer; True when the change was accepted."""
        with self.lock:
            if response is None:
                self.statuses[error] += 1
                return False
            self.statuses[response.status_code] += 1
            if response.status_code < 300:
                self.accepted[kind] += 1
                return True
            if response.status_code not in (409, 503, 504):  # a 500 above all
                self.failures.append(f"{kind} {response.status_code} {response.text[:300]}")
            return False

    def take(self) -> int | None:
        with self.lock:
            if not self.pool:
                return None
            return self.pool.pop(random.randrange(len(self.pool)))

    def give_back(self, member_id: int) -> None:
        with self.lock:
            self.pool.append(member_id)


def call(ledger: Ledger, kind: str, send) -> httpx.Response | None:
    """The answer when the change was accepted; after "try again" (503, 504, no connection) a
    clerk's pause before the next request."""
    try:
        response = send()
    except httpx.HTTPError as exc:  # the gateway itself killed: the connection drops
        ledger.answer(kind, None, type(exc).__name__)
        time.sleep(RETRY_PAUSE)
        return None
    if ledger.answer(kind, response):
        return response
    if response.status_code in (503, 504):
        time.sleep(RETRY_PAUSE)
    return None


def create(client, ledger: Ledger, branches: list[int]) -> None:
    data = member_data(random.choice(branches), name="混沌党员", **COMPLETE_CARD)
    if (response := call(ledger, "create", lambda: client.post("/members", json=data))) is not None:
        member_id = response.json()["id"]
        with ledger.lock:
            ledger.created.add(member_id)
        ledger.give_back(member_id)


def current(client, member_id: int) -> dict | None:
    try:
        response = client.get(f"/members/{member_id}")
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def edit(client, ledger: Ledger, member_id: int) -> None:
    if (member := current(client, member_id)) is not None:
        education = "研究生" if member.get("education") != "研究生" else "大学本科"
        call(ledger, "edit", lambda: client.patch(f"/members/{member_id}",
                                                  json={"version": member["version"], "education": education}))
    ledger.give_back(member_id)


def leave(client, ledger: Ledger, member_id: int) -> None:
    member = current(client, member_id)
    if member is None:
        return ledger.give_back(member_id)
    body = {"kind": "停止党籍", "date": TODAY, "reason": "长期失联", "version": member["version"]}
    if call(ledger, "leave", lambda: client.post(f"/members/{member_id}/leave", json=body)):
        with ledger.lock:
            ledger.left.add(member_id)
    # Not accepted: with 503/504 or a dropped connection it may still have happened (the reply was
    # lost), so the member is not used again; the database says at the end.


def transfer(client, ledger: Ledger, member_id: int, branches: dict[int, int]) -> None:
    """发起 → 审批 → 审批 → 接收 by the administrator; a step refused by an outage ends the try (the
    transfer stays in flight). A member sent once leaves the pool: the move after 接收 is the saga's,
    later than the answer, so its organization is not known when the next change would start."""
    member = current(client, member_id)
    if member is None:
        return ledger.give_back(member_id)
    to_org = branches[member["org_id"]]
    body = {"member_id": member_id, "kind": "within", "to_org_id": to_org, "reason": "01", "dues_paid_to": DUES,
            "phone": "13900000000", "address": "某某市某某路1号", "postcode": "100020"}
    response = call(ledger, "transfer", lambda: client.post("/transfers", json=body))
    if response is None:  # perhaps applied after all (see leave): the member is not used again
        return None
    step = response.json()
    for action, data in (("approve", {}), ("approve", {}), ("receive", {"date": TODAY})):
        payload = {"version": step["version"], **data}
        response = call(ledger, "transfer", lambda: client.post(f"/transfers/{step['id']}/{action}", json=payload))
        if response is None:
            return None
        step = response.json()
    with ledger.lock:
        ledger.moved[member_id] = (to_org, step["id"])


def client_loop(client, ledger: Ledger, branches: list[int], partner: dict[int, int], seed: int) -> None:
    rng = random.Random(seed)
    while not ledger.done:
        roll = rng.random()
        member_id = ledger.take() if roll >= 0.55 else None
        if member_id is None:
            create(client, ledger, branches)
        elif roll < 0.75:
            edit(client, ledger, member_id)
        elif roll < 0.85:
            leave(client, ledger, member_id)
        else:
            transfer(client, ledger, member_id, partner)


class Probe:
    """What the API answers to a read of the root organization."""

    def __init__(self, client: httpx.Client, root_id: int):
        self.client, self.path = client, f"/orgs/{root_id}"

    def __call__(self) -> int | str:
        try:
            return self.client.get(self.path, timeout=20).status_code
        except httpx.HTTPError as exc:
            return type(exc).__name__


def wait_until(check, timeout: float = 180, interval: float = 0.2) -> float:
    """Seconds until `check()` held."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(getattr(check, "__name__", "condition"))
        time.sleep(interval)
    return time.monotonic() - started


def outage(probe, stop, start) -> dict:
    """Stop a dependency, ask the API what it says while it is down, start it again, time the recovery."""
    answers = Counter()
    stop()
    down_until = time.monotonic() + DOWN_SECONDS
    while time.monotonic() < down_until:
        answers[probe()] += 1
        time.sleep(0.3)
    started = time.monotonic()
    start()
    restarted = time.monotonic() - started
    recovered = wait_until(lambda: probe() == 200)
    return {"answers_while_down": dict(answers), "start_s": round(restarted, 2),
            "api_recovered_after_start_s": round(recovered + restarted, 2)}


def kill(system, name: str) -> dict:
    # A part may have exited by itself a moment ago (a nameko part on a lost broker): kill its replacement.
    wait_until(lambda: system.processes[name].poll() is None)
    old = system.processes[name].pid
    killed = time.monotonic()
    try:
        os.kill(old, signal.SIGKILL)
    except ProcessLookupError:  # it died in between: the supervisor's restart is what we time
        pass
    restarted = wait_until(lambda: system.processes[name].pid != old and system.processes[name].poll() is None)
    return {"restarted_s": round(restarted, 2), "since_kill_s": round(time.monotonic() - killed, 2)}


def chaos_loop(system, backends, probe, ledger: Ledger, faults: list[dict], pause: float) -> None:
    try:
        inflict_faults(system, backends, probe, ledger, faults, pause)
    except Exception as exc:  # a fault the system did not recover from: stop the load and fail
        ledger.aborted = f"{faults[-1]['fault'] if faults else 'start'} → {exc!r}"
        raise


def inflict_faults(system, backends, probe, ledger: Ledger, faults: list[dict], pause: float) -> None:
    postgres, rabbit = backends
    children = [name for name in system.processes if name != LOCAL_S3]
    plan = ["rabbitmq", *children[: len(children) // 2], "postgres", *children[len(children) // 2:]]
    rounds = 0
    while not ledger.done or rounds == 0:
        for fault in plan:
            if ledger.done and rounds:  # every fault once at least; then only while changes flow
                return
            time.sleep(pause)
            at = sum(ledger.accepted.values())
            if fault == "rabbitmq":
                result = outage(probe, rabbit.stop, rabbit.start)
            elif fault == "postgres":
                result = outage(probe, lambda: postgres.stop("immediate"), postgres.start)
            else:
                result = kill(system, fault)
            faults.append({"fault": fault, "round": rounds + 1, "changes_before": at, **result})
            print(faults[-1], flush=True)
        rounds += 1


def dead_letters(rabbit: PrivateRabbit) -> dict[str, int]:
    listed = rabbit.ctl("list_queues", "-q", "--no-table-headers", "name", "messages", timeout=60)
    counts = {}
    for line in listed.stdout.splitlines():
        name, _, messages = line.rpartition("\t")
        if name.startswith("dlq.") and messages.strip().isdigit() and int(messages):
            counts[name] = int(messages)
    return counts


def quiet(system, env) -> dict:
    """Every outbox empty and the root's counters equal to a recount."""
    rpc = SyncRpc(env["PMIS_AMQP_URI"], timeout=60)
    try:
        pending = {s: rpc.call(s, "health")["outbox_pending"] for s in SERVICES}
        root_id = rpc.call("org", "root")["id"]
        return {"pending": pending, "reconcile": rpc.call("stats", "reconcile", org_id=root_id)}
    finally:
        rpc.close()


def test_every_accepted_change_is_counted_once_through_restarts_and_kills(chaos_system, backends):
    import psycopg

    system, env, root_id = chaos_system
    postgres, rabbit = backends
    admin = admin_client(system, env)
    committees = [admin.post("/orgs", json={"name": f"混沌党委{n}", "code": code(), "type": "党委",
                                            "parent_id": root_id}).json()["id"] for n in (1, 2)]
    branches = {c: [admin.post("/orgs", json={"name": f"混沌支部{c}-{n}", "code": code(), "type": "党支部",
                                              "parent_id": c}).json()["id"] for n in (1, 2)] for c in committees}
    (a1, a2), (b1, b2) = branches[committees[0]], branches[committees[1]]
    partner = {a1: b1, b1: a1, a2: b2, b2: a2}  # each 省内 transfer crosses to the other 党委

    ledger, faults = Ledger(CHANGES), []
    clients = [httpx.Client(base_url=str(admin.base_url), headers=dict(admin.headers), timeout=40)
               for _ in range(CLIENTS)]
    probe = Probe(httpx.Client(base_url=str(admin.base_url), headers=dict(admin.headers), timeout=20), root_id)
    started = time.monotonic()
    workers = [threading.Thread(target=client_loop, args=(c, ledger, list(partner), partner, n), daemon=True)
               for n, c in enumerate(clients)]
    chaos = threading.Thread(target=chaos_loop, args=(system, backends, probe, ledger, faults, FAULT_PAUSE),
                             daemon=True)
    for thread in (*workers, chaos):
        thread.start()
    for thread in workers:
        thread.join()
    load_seconds = time.monotonic() - started
    chaos.join()
    chaos_seconds = time.monotonic() - started

    state = {}

    def settled() -> bool:
        state.update(quiet(system, env), dead_letters=dead_letters(rabbit))
        with psycopg.connect(plain_dsn(system)) as conn:  # every accepted 接收 through the saga
            state["receiving"] = conn.execute("SELECT count(*) FROM transfer.transfers WHERE state = 'receiving'"
                                              ).fetchone()[0]
        return (not any(state["pending"].values()) and state["reconcile"]["total_differences"] == 0
                and not state["receiving"])

    try:
        settle_seconds = wait_until(settled, timeout=300, interval=2)
    except TimeoutError:
        pytest.fail(f"not quiet 300 s after the load: {state}")
    with psycopg.connect(plain_dsn(system)) as conn:
        rows = conn.execute("SELECT id, org_id, status FROM member.members WHERE id = ANY(%s)",
                            (list(ledger.created),)).fetchall()
        transfers = dict(conn.execute("SELECT id, state FROM transfer.transfers").fetchall())
    members = {member_id: (org_id, status) for member_id, org_id, status in rows}
    report = {
        "changes_target": CHANGES, "accepted": dict(ledger.accepted), "accepted_total": sum(ledger.accepted.values()),
        "answers": {str(k): v for k, v in ledger.statuses.items()}, "failures": ledger.failures[:20],
        "load_s": round(load_seconds, 1), "chaos_s": round(chaos_seconds, 1), "settle_s": round(settle_seconds, 1),
        "changes_per_s": round(sum(ledger.accepted.values()) / load_seconds, 1), "faults": faults,
        "restarts": {name: len(child.history) for name, child in system.children.items()},
        "dead_letters": state["dead_letters"], "reconcile_differences": state["reconcile"]["total_differences"],
    }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "faults"}, ensure_ascii=False, indent=2))

    assert ledger.aborted is None, ledger.aborted
    assert not ledger.failures, ledger.failures[:5]
    assert ledger.statuses.get(500, 0) == 0
    assert system.supervisor.failed is None
    assert {f["fault"] for f in faults} >= {"rabbitmq", "postgres", *[n for n in system.children if n != LOCAL_S3]}
    assert all(503 in f["answers_while_down"] for f in faults if f["fault"] in ("rabbitmq", "postgres"))
    assert state["dead_letters"] == {}
    missing = ledger.created - members.keys()
    assert not missing, f"{len(missing)} accepted creations are not in the database"
    assert all(members[m][1] == "left" for m in ledger.left)
    astray = {m: (members[m][0], org, transfers.get(transfer)) for m, (org, transfer) in ledger.moved.items()
              if members[m][0] != org}
    assert not astray, f"members not where their accepted 接收 sent them (is, should be, transfer state): {astray}"
    for client in (*clients, probe.client, admin):
        client.close()
