"""Several gateway processes on one port (PMIS_GATEWAY_WORKERS, gateway/__main__.py): requests on
new connections reach different processes and all are answered; a logout through one process ends
the session in every one (each hears the session change notices); the parent's /metrics sums the
workers' requests; a parent killed outright takes its workers with it, freeing the port."""
import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from launcher.ports import free_port
from tests.support.api import PASSWORD, new_staff_account
from tests.support.factories import code
from tests.support.helpers import wait_for

from ..conftest import ROOT, login

WORKERS = 2


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def workers_that_served(parent: int) -> set[int]:
    """Workers that recorded a request: prometheus_client's multiprocess mode writes a file per
    process when it first records a labelled value (the directory is in each worker's environment)."""
    served = set()
    for pid in children_of(parent):
        try:
            environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        directory = next((item.split(b"=", 1)[1].decode() for item in environ
                          if item.startswith(b"PROMETHEUS_MULTIPROC_DIR=")), None)
        if directory and os.path.exists(os.path.join(directory, f"histogram_{pid}.db")):
            served.add(pid)
    return served


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def gateway(system):
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, **system.env, "PMIS_GATEWAY_WORKERS": str(WORKERS), "PMIS_GATEWAY_PORT": str(port),
           "PMIS_METRICS_PORT": str(metrics_port)}
    log = open(ROOT / "test-artifacts" / "logs" / f"gateway-workers-{port}.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "gateway"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(url), bool, timeout=90, what="the gateway's workers")
        yield {"url": url, "process": process, "port": port, "metrics": f"http://127.0.0.1:{metrics_port}/metrics"}
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def fresh_get(url: str, token: str, path: str) -> int:
    """One request on a connection of its own (the kernel hands it to any worker)."""
    with httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=20) as one:
        return one.get(path).status_code


def test_every_worker_answers_and_a_logout_ends_the_session_in_all(system, api, root_id, gateway):
    assert len(children_of(gateway["process"].pid)) >= WORKERS
    username = new_staff_account(system, api, root_id, f"gw{code('')}".lower())
    client = login(gateway["url"], username, PASSWORD)
    token = client.headers["Authorization"].split(" ", 1)[1]
    assert [fresh_get(gateway["url"], token, f"/orgs/{root_id}") for _ in range(20)] == [200] * 20
    assert len(workers_that_served(gateway["process"].pid)) >= 2
    assert client.delete("/session").status_code == 204
    # every worker had the session kept; each must refuse it now, not after its keep time
    assert [fresh_get(gateway["url"], token, f"/orgs/{root_id}") for _ in range(20)] == [401] * 20


def test_the_parent_serves_the_workers_metrics(gateway):
    text = httpx.get(gateway["metrics"], timeout=10).text
    counts = {line.split("status=")[1][1:4]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith("pmis_http_request_seconds_count") and 'route="/api/v1/orgs/{id}"' in line}
    assert counts == {"2xx": 20.0, "4xx": 20.0}  # the first test's requests, whichever worker took them


def test_a_parent_killed_outright_takes_its_workers_with_it(gateway):
    workers = children_of(gateway["process"].pid)
    gateway["process"].send_signal(signal.SIGKILL)
    gateway["process"].wait(timeout=10)
    wait_for(lambda: [pid for pid in workers if os.path.exists(f"/proc/{pid}")], lambda alive: not alive,
             timeout=20, what="the workers to end")
    wait_for(lambda: port_free(gateway["port"]), bool, timeout=20, what="the port to be free")
