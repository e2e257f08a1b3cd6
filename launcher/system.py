"""Start and stop every process of PMIS: migrations and bootstrap, the six nameko services,
their outbox relays, the stats ingesters and the gateway."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from services.shared.topology import SERVICES

from .local_s3 import LocalS3

ROOT = Path(__file__).resolve().parent.parent


class StartupFailed(RuntimeError):
    pass


class System:
    def __init__(self, env: dict, log_dir: Path):
        self.env = {**os.environ, **env, "PSYCOPG_WAIT_FUNC": "wait_select", "PYTHONUNBUFFERED": "1"}
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.local_s3: LocalS3 | None = None
        self.bootstrap_output = ""

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

    def _spawn(self, name: str, args: list[str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def start(self, timeout: float = 60) -> None:
        if not self.env.get("PMIS_S3_ENDPOINT"):
            self.local_s3 = LocalS3(int(self.env.get("PMIS_S3_LOCAL_PORT") or 9000))
            self.local_s3.start()
            self.env["PMIS_S3_ENDPOINT"] = self.local_s3.endpoint
        self._run_once("数据库迁移", "-m", "services.shared.migrate")
        self.bootstrap_output = self._run_once("初始化", "-m", "services.org.bootstrap")
        nameko = str(Path(sys.executable).with_name("nameko"))
        for service in SERVICES:
            self._spawn(service, [nameko, "run", "--config", "services/nameko.yaml", f"services.{service}.service"])
            self._spawn(f"{service}-relay", self._python("-m", "services.shared.relay", service))
        # Stats ingesters compete for the same event queues; any number gives the same counts.
        for number in range(1, int(self.env.get("PMIS_STATS_INGESTERS") or 1) + 1):
            self.spawn_ingester(number)
        self._spawn("gateway", self._python("-m", "gateway"))
        self._wait_ready(timeout)

    def spawn_ingester(self, number: int) -> str:
        name = f"stats-ingest-{number}"
        self._spawn(name, self._python("-m", "services.stats.ingest"))
        return name

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = set(SERVICES) | {"gateway"}
        while pending:
            self._check_alive()
            if time.monotonic() > deadline:
                raise StartupFailed(f"启动超时，尚未就绪：{', '.join(sorted(pending))}（日志见 {self.log_dir}）")
            for name in sorted(pending):
                if self._ready(name):
                    pending.discard(name)
            time.sleep(0.2)

    def _ready(self, name: str) -> bool:
        if name == "gateway":
            try:
                return httpx.get(f"{self.gateway_url}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        result = subprocess.run(self._python("-m", "services.shared.healthcheck", name), cwd=ROOT, env=self.env,
                                capture_output=True)
        return result.returncode == 0

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-2000:]
                raise StartupFailed(f"进程 {name} 已退出（代码 {process.returncode}）：\n{tail}")

    def wait(self) -> int:
        """Block until a process dies (returns 1) or Ctrl-C (returns 0)."""
        try:
            while True:
                self._check_alive()
                time.sleep(0.5)
        except StartupFailed as exc:
            print(exc, file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if self.local_s3:
            self.local_s3.stop()
            self.local_s3 = None
