"""Metrics, JSON logs and traces of a whole system started with them on (docs/OBSERVABILITY.md):
a request through the gateway appears in the gateway's /metrics under its route template and in the
service's under its RPC; its log lines carry its request id; and a member created through the API
leaves one trace with spans of the gateway, the member service's RPC, the relay and a stats ingester."""
import json
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import signed_in_admin, started_system
from tests.support.api import FIRST_PASSWORD
from tests.support.factories import code, member_data


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    trace_dir = tmp_path_factory.mktemp("traces")
    with started_system({"PMIS_METRICS_PORT": "auto", "PMIS_LOG_FORMAT": "json",
                         "PMIS_TRACE_DIR": str(trace_dir)}) as running:
        with signed_in_admin(running) as client:
            yield running, client, trace_dir


def scrape(running, process: str) -> str:
    port = running.system.metrics_ports[process]
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def sample(text: str, name: str, **labels) -> float | None:
    """The value of the sample `name` whose labels include `labels`, or None."""
    for line in text.splitlines():
        if line.startswith((name + "{", name + " ")) and all(f'{key}="{value}"' in line
                                                              for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def wait_for(check, timeout: float = 30, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(interval)


def log_lines(running, process: str) -> list[dict]:
    lines = []
    for line in (running.system.log_dir / f"{process}.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def spans(trace_dir: Path) -> list[dict]:
    found = []
    for path in trace_dir.glob("*.jsonl"):
        found += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return found


def test_a_request_is_measured_by_route_template_in_the_gateway_and_by_rpc_in_the_service(observed):
    running, client, _ = observed
    assert client.get(f"/orgs/{running.root_id}").status_code == 200
    gateway = scrape(running, "gateway")
    assert sample(gateway, "pmis_http_request_seconds_count", route="/api/v1/orgs/{id}", method="GET",
                  status="2xx") >= 1
    assert f"/api/v1/orgs/{running.root_id}" not in gateway  # the raw path is no label value
    org = scrape(running, "org")
    assert sample(org, "pmis_service_call_seconds_count", service="org", method="get_org", kind="rpc") >= 1
    # A refusal counts as an expected error of the RPC and a 4xx of the route.
    assert client.get("/orgs/987654321").status_code == 404
    assert sample(scrape(running, "org"), "pmis_service_call_errors_total", service="org", method="get_org",
                  error="expected") >= 1
    assert sample(scrape(running, "gateway"), "pmis_http_request_seconds_count", route="/api/v1/orgs/{id}",
                  status="4xx") >= 1


def test_background_parts_relays_and_ingesters_serve_their_metrics(observed):
    running, _, _ = observed
    background = wait_for(lambda: sample(scrape(running, "stats-background"), "pmis_service_call_seconds_count",
                                         service="stats", method="fold_counter_deltas", kind="timer"))
    assert background >= 1
    relay = wait_for(lambda: sample(scrape(running, "member-relay"), "pmis_outbox_unsent", service="member")
                     is not None, timeout=40)
    assert relay
    relay_text = scrape(running, "stats-relay")
    assert sample(relay_text, "pmis_queue_messages", queue="evt-member-member_created--stats.on_member_created") \
        is not None
    assert sample(relay_text, "pmis_dead_letters", queue="evt-member-member_created--stats.on_member_created") == 0
    assert "pmis_stats_ingested_events_total" in scrape(running, "stats-ingest-1")
    assert wait_for(lambda: sample(scrape(running, "stats-background"), "pmis_stats_compactor_backlog") is not None)


def test_log_lines_are_json_with_the_request_id_of_the_request(observed):
    running, client, _ = observed
    request_id = f"obs{code('')}"
    assert client.get("/orgs/987654322", headers={"x-request-id": request_id}).status_code == 404
    gateway = wait_for(lambda: [line for line in log_lines(running, "gateway") if line["request_id"] == request_id])
    assert gateway and gateway[0]["logger"] == "pmis.gateway.access" and gateway[0]["process"] == "gateway"
    assert "/api/v1/orgs/987654322 404" in gateway[0]["message"]
    # nameko logs the refusal (an expected error) inside the org service's worker
    org = wait_for(lambda: [line for line in log_lines(running, "org") if line["request_id"] == request_id])
    assert org and org[0]["process"] == "org-answering" and org[0]["trace_id"] == gateway[0]["trace_id"] != ""
    # Once logging is set up, every line of each process's log is JSON with the fields, whether or not
    # a request is running (eventlet's deprecation notice, printed at an import before that, is not).
    for process in ("member", "member-background", "member-relay", "stats-ingest-1", "gateway"):
        text = (running.system.log_dir / f"{process}.log").read_text(errors="replace").splitlines()
        configured = text[next(n for n, line in enumerate(text) if line.startswith("{")):]
        assert all('"request_id": ' in line for line in configured if line.strip()), (process, configured[:5])


def test_one_trace_follows_a_member_create_from_the_gateway_to_the_stats_ingester(observed):
    running, client, trace_dir = observed
    branch = client.post("/orgs", json={"name": "追踪测试支部", "code": code(), "type": "31",
                                        "parent_id": running.root_id}).json()["id"]
    request_id = f"trace{code('')}"
    response = client.post("/members", json=member_data(branch), headers={"x-request-id": request_id})
    assert response.status_code == 201, response.text

    def trace_of_request():
        found = spans(trace_dir)
        roots = [s for s in found if s["attributes"].get("pmis.request_id") == request_id
                 and s["kind"] == "SpanKind.SERVER" and s["resource"]["attributes"]["service.name"] == "pmis-gateway"]
        if not roots:
            return None
        trace_id = roots[0]["context"]["trace_id"]
        in_trace = [s for s in found if s["context"]["trace_id"] == trace_id]
        if not any(s["name"].startswith("stats.ingest member_created") for s in in_trace):
            return None
        return in_trace

    in_trace = wait_for(trace_of_request, timeout=40)
    assert in_trace, "no trace reached the stats ingester"
    by_name = {s["name"]: s for s in in_trace}
    services = {s["resource"]["attributes"]["service.name"] for s in in_trace}
    assert {"pmis-gateway", "pmis-member", "pmis-stats"} <= services
    assert "POST /api/v1/members" in by_name
    kinds = {(s["name"], s["kind"], s["resource"]["attributes"]["service.name"]) for s in in_trace}
    assert ("member.create_member", "SpanKind.CLIENT", "pmis-gateway") in kinds
    assert ("member.create_member", "SpanKind.SERVER", "pmis-member") in kinds
    assert "publish member_created" in by_name
    ingest = by_name["stats.ingest member_created"]
    # parent chain: ingest ← relay publish ← member RPC ← gateway RPC client ← gateway request
    ids = {s["context"]["span_id"]: s for s in in_trace}
    chain, span = [], ingest
    while span is not None:
        chain.append(span["name"])
        span = ids.get(span.get("parent_id"))
    assert chain[0] == "stats.ingest member_created" and chain[-1] == "POST /api/v1/members", chain
    assert "publish member_created" in chain and "member.create_member" in chain, chain


def test_a_session_is_checked_with_the_org_service_once_then_kept_until_a_change(observed):
    """gateway/session_cache.py: requests after the first check their session with no RPC, until
    the org service announces a change (here: another account disabled), which makes the next
    request ask again."""
    running, client, _ = observed

    def resolved() -> float:
        return sample(scrape(running, "org"), "pmis_service_call_seconds_count", service="org",
                      method="resolve_session", kind="rpc") or 0

    assert client.get(f"/orgs/{running.root_id}").status_code == 200
    before = resolved()
    for _ in range(20):
        assert client.get(f"/orgs/{running.root_id}").status_code == 200
    assert resolved() - before <= 1  # one more only if the keep time (5 s) ran out meanwhile
    created = client.post("/accounts", json={"username": f"kept{code()}", "password": FIRST_PASSWORD,
                                             "org_id": running.root_id})
    assert created.status_code == 201, created.text
    assert client.post(f"/accounts/{created.json()['id']}/disable").status_code == 200
    before = resolved()
    assert client.get(f"/orgs/{running.root_id}").status_code == 200
    assert wait_for(lambda: resolved() >= before + 1, timeout=5)
    assert resolved() == before + 1
