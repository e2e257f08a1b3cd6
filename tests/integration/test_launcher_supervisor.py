"""The supervisor with real processes (no system needed): a dead child is restarted after its
backoff, its backoff starts over once it stayed up, one that keeps dying stops the system, and
children die with their launcher."""
import logging
import subprocess
import sys
import threading
import time

import psutil

from launcher import supervisor
from launcher.supervisor import Child, Supervisor, launch
from launcher.system import System


def child(tmp_path, *args) -> Child:
    return Child("sleeper", [sys.executable, "-c", *args], tmp_path, tmp_path / "sleeper.log")


def test_a_dead_child_is_restarted_after_its_backoff_with_a_log_line(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="pmis.launcher")
    sleeper = child(tmp_path, "import sys; sys.exit(3)")
    launch(sleeper, {})
    sleeper.process.wait()
    tender = Supervisor({}, {}, threading.Lock())
    now = time.monotonic()
    tender.tend(sleeper, now)
    assert "进程 sleeper 退出（代码 3），第 1 次重启，等待 0.5 秒" in caplog.messages
    first = sleeper.process
    tender.tend(sleeper, now + 0.4)
    assert sleeper.process is first  # still waiting out its delay
    tender.tend(sleeper, now + 0.5)
    assert sleeper.process is not first
    sleeper.process.wait()
    tender.tend(sleeper, now + 1)
    assert "进程 sleeper 退出（代码 3），第 2 次重启，等待 1 秒" in caplog.messages
    assert [entry["code"] for entry in sleeper.history] == [3, 3]


def test_the_backoff_starts_over_once_a_child_stayed_up(tmp_path):
    sleeper = child(tmp_path, "import time; time.sleep(30)")
    launch(sleeper, {})
    try:
        sleeper.restarts = 4
        tender = Supervisor({}, {}, threading.Lock())
        tender.tend(sleeper, sleeper.started_at + 1)
        assert sleeper.restarts == 4
        tender.tend(sleeper, sleeper.started_at + supervisor.STABLE_AFTER)
        assert sleeper.restarts == 0
    finally:
        sleeper.process.kill()
        sleeper.process.wait()


def test_a_child_that_keeps_dying_is_given_up_and_the_system_stops_non_zero(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="pmis.launcher")
    system = System({"PMIS_RESTART_LIMIT": "2", "PMIS_RESTART_WINDOW": "10", "PMIS_STATE_DIR": str(tmp_path)},
                    tmp_path / "logs")
    system._spawn("crasher", [sys.executable, "-c", "import sys; sys.exit(7)"])
    system._spawn("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    steady = system.processes["steady"]
    started = time.monotonic()
    system.supervisor.start()
    try:
        assert system.wait(interval=0.1) == 1  # deaths 1 and 2 restarted after 0.5 s and 1 s; 3 is one too many
        assert time.monotonic() - started < 10
        crasher = system.children["crasher"]
        assert [entry["code"] for entry in crasher.history] == [7, 7, 7]
        assert "进程 crasher 在 10 秒内已退出 3 次（最后退出代码 7），不再重启，停止整个系统" in caplog.messages
        time.sleep(1.5)  # longer than its next backoff: it stays dead
        assert len(crasher.history) == 3 and crasher.process.poll() == 7
    finally:
        system.stop()
    assert steady.poll() is not None  # the whole system stopped, not just the flapping child


LAUNCHER = """
import sys, time
from pathlib import Path
from launcher.supervisor import Child, launch
child = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], Path("."), Path(sys.argv[1]))
launch(child, {})
print(child.process.pid, flush=True)
time.sleep(60)
"""


def test_children_die_when_their_launcher_is_killed_outright(tmp_path):
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(tmp_path / "sleeper.log")],
                                stdout=subprocess.PIPE, text=True)
    grandchild = psutil.Process(int(launcher.stdout.readline()))
    assert grandchild.is_running()
    launcher.kill()
    launcher.wait()
    grandchild.wait(timeout=5)  # raises TimeoutExpired if it outlived the launcher
