"""Start and stop every process of PMIS: the local S3 store when none is configured, migrations
and bootstrap, the six nameko services (each in two parts: RPCs, and events + timers), their
outbox relays, the stats ingesters and the gateway.
Once started, a supervisor restarts any child that dies."""
import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from services.shared.config import DEFAULTS
from services.shared.healthcheck import health_problem
from services.shared.service_list import SERVICES

from .local_s3 import LocalS3
from .ports import free_port
from .supervisor import Child, Supervisor, launch

ROOT = Path(__file__).resolve().parent.parent
NAMEKO = str(Path(sys.executable).with_name("nameko"))  # the services' runner, beside this Python
LOCAL_S3 = "s3"  # the local store's child name
# The readiness checks' RPC proxies close while a publisher confirm may still arrive; py-amqp warns
# "Received method … during closing channel", which is no news on the launcher's console.
logging.getLogger("amqp").setLevel(logging.ERROR)


class StartupFailed(RuntimeError):
    pass


class System:
    """Call `start` and `stop` from one long-lived thread: children die with the thread that
    started them (see supervisor.py)."""

    def __init__(self, env: dict, log_dir: Path):
        self.env = {**os.environ, **env, "PSYCOPG_WAIT_FUNC": "wait_select", "PYTHONUNBUFFERED": "1"}
        self.log_dir = log_dir
        self.state_dir = Path(self.setting("PMIS_STATE_DIR"))
        self.children: dict[str, Child] = {}
        self.local_s3: LocalS3 | None = None
        self.bootstrap_output = ""
        self._lock = threading.RLock()
        self.supervisor = Supervisor(self.children, self.env, self._lock,
                                     limit=int(self.setting("PMIS_RESTART_LIMIT")),
                                     window=float(self.setting("PMIS_RESTART_WINDOW")))

    def setting(self, name: str) -> str:
        """A setting as this system runs with it: its environment's, else the default."""
        return self.env.get(name) or DEFAULTS[name]

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        """The current process of every child (a restarted child has a new one)."""
        with self._lock:
            return {name: child.process for name, child in self.children.items()}

    @property
    def gateway_url(self) -> str:
        host = self.env.get("PMIS_GATEWAY_HOST") or "127.0.0.1"
        return f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{self.env.get('PMIS_GATEWAY_PORT') or '8000'}"

    def _python(self, *args) -> list[str]:
        return [sys.executable, *args]

    def _run_once(self, name: str, *args) -> str:
        result = subprocess.run(self._python(*args), cwd=ROOT, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise StartupFailed(f"{name} 失败：\n{result.stdout}\n{result.stderr}")
        return result.stdout

    @property
    def metrics_ports(self) -> dict[str, int]:
        """{child name: its /metrics port} when PMIS_METRICS_PORT is "auto" (each process a free port of
        its own: 20 processes on one machine cannot share one); empty otherwise."""
        with self._lock:
            return {name: int(child.env["PMIS_METRICS_PORT"]) for name, child in self.children.items()
                    if "PMIS_METRICS_PORT" in child.env}

    def _spawn(self, name: str, args: list[str], cwd: Path = ROOT) -> None:
        """Start child `name` unless it runs already (a dead one is started now, not after its backoff)."""
        with self._lock:
            child = self.children.get(name)
            if child and child.process.poll() is None:
                return
            if child is None:
                child = Child(name, args, cwd, self.log_dir / f"{name}.log")
                if self.env.get("PMIS_METRICS_PORT") == "auto" and name != LOCAL_S3:
                    child.env["PMIS_METRICS_PORT"] = str(free_port())
            launch(child, self.env)
            self.children[name] = child

    def remove(self, name: str) -> subprocess.Popen:
        """Take child `name` out of supervision (it is no longer restarted) and return its process."""
        with self._lock:
            return self.children.pop(name).process

    def stop_child(self, name: str, grace: float = 30) -> None:
        """Take child `name` out of supervision and stop it (SIGTERM, SIGKILL after `grace` s): an
        ingester or a replica a benchmark no longer wants."""
        _terminate([self.remove(name)], grace)

    def start(self, timeout: float = 60) -> None:
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        if not self.env.get("PMIS_S3_ENDPOINT"):
            self._spawn_local_s3()
        # The local store takes ~6 s to answer: the migrations and the bootstrap need only the database.
        self._run_once("数据库迁移", "-m", "services.shared.migrate")
        self.bootstrap_output = self._run_once("初始化", "-m", "services.org.bootstrap")
        if self.local_s3:
            self._wait_local_s3(deadline)
        for service in SERVICES:
            # Two parts per service (services/shared/service_parts.py): RPCs, and events + timers.
            self._spawn(service, [NAMEKO, *part_arguments(service, "answering")])
            self._spawn(f"{service}-background", [NAMEKO, *part_arguments(service, "background")])
            self._spawn(f"{service}-relay", self._python("-m", "services.shared.messaging.relay", service))
        # Stats ingesters compete for the same event queues; any number gives the same counts.
        for number in range(1, int(self.env.get("PMIS_STATS_INGESTERS") or 1) + 1):
            self.spawn_ingester(number)
        self._spawn("gateway", self._python("-m", "gateway"))
        self._wait_ready(timeout)
        # Only now: a child that dies during start-up is a configuration error to report, not retry.
        self.supervisor.start()

    def _spawn_local_s3(self) -> None:
        self.local_s3 = LocalS3(self.state_dir / "s3", int(self.setting("PMIS_S3_LOCAL_PORT")))
        self.env.update(self.local_s3.settings())
        try:
            command = self.local_s3.command()
        except FileNotFoundError as exc:  # no weed: a set-up answer, not a traceback
            raise StartupFailed(str(exc)) from None
        self._spawn(LOCAL_S3, command, cwd=self.local_s3.directory)

    def _wait_local_s3(self, deadline: float) -> None:
        while not self.local_s3.ready():
            self._check_alive()
            if time.monotonic() > deadline:
                raise StartupFailed(f"本地 S3（SeaweedFS）启动超时（日志见 {self.log_dir / 's3.log'}）")
            time.sleep(0.25)

    def spawn_ingester(self, number: int) -> str:
        name = f"stats-ingest-{number}"
        self._spawn(name, self._python("-m", "services.stats.ingest"))
        return name

    def spawn_replica(self, service: str, number: int) -> str:
        """Another answering part of `service` (`<service>-<number>`, number 2 and up): a competing
        consumer on its RPC queue, as a deployment scales the service's Pods. Supervised like the
        rest; `stop_child` stops it."""
        name = f"{service}-{number}"
        self._spawn(name, [NAMEKO, *part_arguments(service, "answering")])
        return name

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = set(SERVICES) | {"gateway"}
        while pending:
            self._check_alive()
            if time.monotonic() > deadline:
                raise StartupFailed(f"启动超时，尚未就绪：{', '.join(sorted(pending))}（日志见 {self.log_dir}）")
            for name in sorted(pending):
                if self.ready(name):
                    pending.discard(name)
            time.sleep(0.2)

    def ready(self, name: str) -> bool:
        """Does the gateway or nameko service `name` answer its health check?"""
        if name == "gateway":
            try:
                return httpx.get(f"{self.gateway_url}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        return health_problem(name, self.setting("PMIS_AMQP_URI"), timeout=2) is None

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-2000:]
                raise StartupFailed(f"进程 {name} 已退出（代码 {process.returncode}）：\n{tail}")

    def wait(self, interval: float = 1) -> int:
        """Serve until Ctrl-C or SIGTERM (returns 0) or until the supervisor gives up on a child
        that keeps dying (returns 1); the supervisor restarts dead children meanwhile."""
        try:
            while self.supervisor.failed is None:
                time.sleep(interval)
        except KeyboardInterrupt:
            return 0
        return 1

    def stop(self) -> None:
        """Stop every child (SIGTERM, then SIGKILL after 10 s), the local S3 store last (the services
        may still be writing to it) and with 2 s: SeaweedFS takes 15 s past SIGTERM in its filer's
        gRPC graceful stop whatever it has to do, so it was always killed at the 10 s. Safe to call twice."""
        with self._lock:
            self.supervisor.stopping = True
            store = self.children.get(LOCAL_S3)
            processes = [child.process for child in self.children.values() if child.process and child is not store]
            _terminate(processes, grace=10)
            if store and store.process:
                _terminate([store.process], grace=2)
            self.children.clear()
        self.supervisor.join()
        self.local_s3 = None
        atexit.unregister(self.stop)


def part_arguments(service: str, part: str) -> list[str]:
    """`nameko` arguments running one part of a service (compose and k8s run the same)."""
    return ["run", "--config", "services/nameko.yaml", f"services.shared.service_parts:{service}_{part}"]


def _terminate(processes: list[subprocess.Popen], grace: float) -> None:
    for process in processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # it ended between the check and the signal
        pass
