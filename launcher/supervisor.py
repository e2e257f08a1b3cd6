"""Keep the launcher's children running: restart a dead one with backoff, give up on one that
keeps dying (the launcher then stops everything: flapping forever hides the fault), and make
every child die with the launcher, even when the launcher itself is killed with SIGKILL."""
import logging
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.shared.config import DEFAULTS
from services.shared.parent_death import die_with_parent

log = logging.getLogger("pmis.launcher")

FIRST_DELAY = 0.5
MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # a child up this long starts its backoff again from the first delay
# A child that died more often than this within RESTART_WINDOW seconds is not restarted.
RESTART_LIMIT = int(DEFAULTS["PMIS_RESTART_LIMIT"])
RESTART_WINDOW = float(DEFAULTS["PMIS_RESTART_WINDOW"])


def backoff_seconds(restarts: int) -> float:
    """Delay before the `restarts`-th restart in a row (1-based): 0.5, 1, 2, 4 … capped at 30 s."""
    return min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, restarts - 1))


def flapping(deaths: list[float], now: float, limit: int = RESTART_LIMIT, window: float = RESTART_WINDOW) -> bool:
    """Has a child that died at the (monotonic) times `deaths` died more than `limit` times
    within the `window` seconds up to `now`? Then restarting it again only hides its fault."""
    return sum(1 for at in deaths if now - at < window) > limit


def _die_with(parent_pid: int):
    def preexec() -> None:
        # SIGKILL, not SIGTERM: a launcher killed outright cannot wait for graceful stops, and a
        # child that ignored SIGTERM would live on holding its ports. Outbox and inbox make an
        # abrupt end safe. The signal follows the parent *thread* that forked the child.
        die_with_parent()
        if os.getppid() != parent_pid:  # the launcher died before prctl took effect
            os._exit(1)
    return preexec


@dataclass
class Child:
    name: str
    args: list[str]
    cwd: Path
    log_path: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0  # restarts in a row, reset once the child has stayed up STABLE_AFTER
    restart_at: float | None = None  # when a dead child is due to be started again
    history: list[dict] = field(default_factory=list)
    given_up: bool = False  # it kept dying: left dead, and the system is to stop
    env: dict = field(default_factory=dict)  # this child's own settings, over the system's (its metrics port)


def launch(child: Child, env: dict) -> None:
    child.log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(child.log_path, "ab") as out:
        # A new session keeps the terminal's Ctrl-C for the launcher alone; it stops the children.
        child.process = subprocess.Popen(child.args, cwd=child.cwd, env={**env, **child.env}, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=_die_with(os.getpid()))
    child.started_at = time.monotonic()
    child.restart_at = None


class Supervisor:
    """A thread that restarts dead children. The children it restarts die if this thread ends
    (PR_SET_PDEATHSIG follows the forking thread), so it ends only after they are stopped:
    call `stop_children` and then `join`."""

    def __init__(self, children: dict[str, Child], env: dict, lock: threading.Lock, interval: float = 0.2,
                 limit: int = RESTART_LIMIT, window: float = RESTART_WINDOW):
        self.children, self.env, self.lock, self.interval = children, env, lock, interval
        self.limit, self.window = limit, window
        self.stopping = False
        self.failed: Child | None = None  # the child given up on; whoever runs the system stops it
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pmis-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            with self.lock:
                if not self.stopping:
                    for child in list(self.children.values()):
                        self.tend(child, time.monotonic())

    def tend(self, child: Child, now: float) -> None:
        process = child.process
        if child.given_up or process is None or (process.poll() is None and child.restart_at is None):
            if process is not None and child.restarts and now - child.started_at >= STABLE_AFTER:
                child.restarts = 0
            return
        if child.restart_at is None:
            child.history.append({"pid": process.pid, "code": process.returncode, "died_at": time.time(), "at": now})
            if flapping([entry["at"] for entry in child.history], now, self.limit, self.window):
                child.given_up, self.failed = True, child
                log.error("进程 %s 在 %g 秒内已退出 %d 次（最后退出代码 %s），不再重启，停止整个系统",
                          child.name, self.window, self.limit + 1, process.returncode)
                return
            child.restarts += 1
            delay = backoff_seconds(child.restarts)
            child.restart_at = now + delay
            log.warning("进程 %s 退出（代码 %s），第 %d 次重启，等待 %g 秒",
                        child.name, process.returncode, child.restarts, delay)
        elif now >= child.restart_at:
            try:
                launch(child, self.env)
            except OSError as exc:  # e.g. too many open files: try again after the next delay
                child.restart_at = None
                log.error("进程 %s 重启失败：%s", child.name, exc)
                return
            child.history[-1]["restarted_pid"] = child.process.pid
            log.warning("进程 %s 已重启（pid %d）", child.name, child.process.pid)

    def join(self) -> None:
        self._done.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
