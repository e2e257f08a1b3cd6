"""The supervisor with real processes (no system needed): a dead child is restarted after its
backoff, its backoff starts over once it stayed up, and children die with their launcher."""
import logging
import subprocess
import sys
import threading
import time

import psutil

from launcher import supervisor
from launcher.supervisor import Child, Supervisor, launch


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
