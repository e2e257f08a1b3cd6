"""A PostgreSQL cluster and a RabbitMQ node of one's own, on free ports, for the chaos suite: it
restarts and kills them, which it must never do to the machine's shared servers. Benchmarks start
the PostgreSQL one with the production overlay's parameters (bench/harness.py).

Both run from the machine's installed binaries (Debian's postgresql-15 and rabbitmq-server) with
their data in a temporary directory, removed on `close`. PostgreSQL refuses to run as root, so
as root its commands run as the `postgres` user.
"""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from launcher.ports import free_port

PG_BIN = Path(os.environ.get("PMIS_CHAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))
RABBIT_BIN = Path(os.environ.get("PMIS_CHAOS_RABBIT_BIN", "/usr/lib/rabbitmq/bin"))


def available() -> str | None:
    """Why the private servers cannot run here, or None when they can."""
    for needed in (PG_BIN / "initdb", PG_BIN / "pg_ctl", RABBIT_BIN / "rabbitmq-server", RABBIT_BIN / "rabbitmqctl"):
        if not needed.exists():
            return f"needs {needed}"
    return None


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    def __init__(self, settings: dict | None = None):
        """`settings`: server parameters over the small defaults below (a benchmark passes the
        production overlay's: bench/harness.py)."""
        self.settings = {"max_connections": "300", "shared_buffers": "128MB", **(settings or {})}
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="pmis-private-pg-"))
        self.data = self.base / "data"
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True, timeout=120)

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1" + "".join(
            f" -c {name}={value}" for name, value in self.settings.items())
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"),
                                     "-o", options, "-w", "-t", str(int(timeout)), *args]),
                       check=True, capture_output=True, timeout=timeout + 10)

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """`immediate`: every backend ends at once and the next start recovers from the WAL, as after a crash."""
        self._ctl("stop", "-m", mode)

    def close(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.base, ignore_errors=True)


class PrivateRabbit:
    def __init__(self):
        self.port, self.dist_port = free_port(), free_port()
        self.base = Path(tempfile.mkdtemp(prefix="pmis-chaos-rabbit-"))
        self.node = f"pmis-chaos-{self.port}@localhost"
        (self.base / "enabled_plugins").write_text("[].\n")  # not the machine's management plugin and its port
        self.env = {**os.environ, "HOME": str(self.base), "RABBITMQ_NODENAME": self.node,
                    "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
                    "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"), "RABBITMQ_LOG_BASE": str(self.base / "log"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
                    "RABBITMQ_PLUGINS_EXPAND_DIR": str(self.base / "plugins"),
                    "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq"),
                    "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.base / "advanced.config"),
                    "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf")}
        self.process: subprocess.Popen | None = None

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """rabbitmqctl on this node."""
        return subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args], env=self.env,
                              cwd=self.base, capture_output=True, text=True, timeout=timeout)

    def start(self, timeout: float = 120) -> None:
        with open(self.base / "server.log", "ab") as out:
            self.process = subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=self.env, cwd=self.base,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self.ctl("await_startup", "--timeout", "10", timeout=30).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {self.node} did not start: {self.base / 'server.log'}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None:
            return
        self.ctl("stop", timeout=120)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self) -> None:
        """The whole node at once (its Erlang VM and epmd-free children), as a crash would."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, 9)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)
            self.process = None

    def close(self) -> None:
        try:
            self.stop()
        finally:
            self.kill()
            shutil.rmtree(self.base, ignore_errors=True)
