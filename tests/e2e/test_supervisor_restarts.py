"""The launcher's supervisor: a relay and a stats ingester killed with SIGKILL in the middle of
500 member creations are restarted by themselves, and nothing is lost or counted twice."""
import logging
import os
import re
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import wait_for

from ..conftest import ADMIN_PASSWORD, login

MEMBERS = 500


def kill_when(count: list[int], at: int, system, name: str, killed: dict, done: threading.Event) -> None:
    """SIGKILL child `name` once `at` members were created; remember the pid it had."""
    while count[0] < at and not done.is_set():
        done.wait(0.01)
    process = system.processes[name]
    killed[name] = process.pid
    os.kill(process.pid, signal.SIGKILL)


def test_a_killed_relay_and_ingester_are_restarted_and_nothing_is_lost(system, api, root_id, caplog):
    caplog.set_level(logging.WARNING, logger="pmis.launcher")
    committee = create_org(api, root_id, "监护测试党委", "党委")
    branch = create_org(api, committee, "监护测试支部")
    launched = system.system
    created, killed, done = [0], {}, threading.Event()
    lock = threading.Lock()
    client = login(system.url, "admin", ADMIN_PASSWORD)

    def create(number: int) -> int:
        response = client.post("/members", json=member_data(branch, name=f"监护党员{number}"))
        with lock:
            created[0] += 1
        return response.status_code

    killers = [threading.Thread(target=kill_when, args=(created, at, launched, name, killed, done))
               for at, name in ((100, "member-relay"), (250, "stats-ingest-1"))]
    for killer in killers:
        killer.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(create, range(MEMBERS)))
    finally:
        done.set()
        for killer in killers:
            killer.join()
        client.close()
    assert codes == [201] * MEMBERS
    assert set(killed) == {"member-relay", "stats-ingest-1"}

    for name, old_pid in killed.items():
        process = wait_for(lambda n=name: launched.processes[n], lambda p: p.pid != old_pid and p.poll() is None,
                           timeout=30, what=f"{name} to be restarted")
        assert process.pid != old_pid
        pattern = rf"进程 {name} 退出（代码 -9），第 \d+ 次重启，等待 [\d.]+ 秒"
        assert any(re.fullmatch(pattern, record.getMessage()) for record in caplog.records), caplog.text

    listed = api.get(f"/orgs/{branch}/members", params={"size": 1})
    assert listed.status_code == 200 and listed.json()["total"] == MEMBERS, listed.text
    assert system.wait_consistent(timeout=90) == []  # outbox drained by the new relay, counters exact
