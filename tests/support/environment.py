"""Backing services for one test session, isolated from `make run` and from other sessions.

Order of preference: PMIS_TEST_* variables; testcontainers when a Docker engine answers; the
services already running on localhost (CI here). Each session gets its own database, its own
RabbitMQ vhost, free ports and a state directory (where the launcher keeps the local SeaweedFS
store and its generated keys when no S3 endpoint is given), and removes them afterwards.
"""
import os
import shutil
import subprocess
import tempfile
import uuid
from contextlib import ExitStack

import psycopg
from psycopg import sql

from launcher.ports import free_port

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_HOST = "guest:guest@127.0.0.1:5672"


def _docker_containers(stack: ExitStack) -> dict | None:
    """Start PostgreSQL, RabbitMQ and MinIO containers; None when there is no Docker engine."""
    try:
        from docker.errors import DockerException
        from testcontainers.community.minio import MinioContainer
        from testcontainers.community.postgres import PostgresContainer
        from testcontainers.community.rabbitmq import RabbitMqContainer
    except ImportError:
        return None
    try:
        postgres = PostgresContainer("postgres:16", driver=None)
    except DockerException:  # raised within milliseconds when no engine is reachable
        return None
    postgres = stack.enter_context(postgres)
    rabbit = stack.enter_context(RabbitMqContainer("rabbitmq:3.13"))
    minio = stack.enter_context(MinioContainer())
    minio_cfg = minio.get_config()
    return {
        "admin_dsn": postgres.get_connection_url(),
        "amqp": f"amqp://guest:guest@{rabbit.get_container_host_ip()}:{rabbit.get_exposed_port(5672)}/",
        "s3": {"PMIS_S3_ENDPOINT": minio_cfg["endpoint"], "PMIS_S3_ACCESS_KEY": minio_cfg["access_key"],
               "PMIS_S3_SECRET_KEY": minio_cfg["secret_key"]},
        "vhost_tool": False,
    }


def manage_vhost(name: str, action: str) -> None:
    subprocess.run(["rabbitmqctl", f"{action}_vhost", name], capture_output=True, timeout=60)
    if action == "add":
        subprocess.run(["rabbitmqctl", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"],
                       capture_output=True, timeout=60, check=True)


class TestEnvironment:
    def __init__(self, admin_dsn: str | None = None):
        """`admin_dsn`: the PostgreSQL server to use (a benchmark's private one), whatever else is set."""
        self.stack = ExitStack()
        self.server_dsn = admin_dsn
        self.tag = f"t{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.database = f"pmis_test_{self.tag}"
        self.vhost = None
        self.admin_dsn = None
        self.state_dir = None
        self.env: dict[str, str] = {}

    def start(self) -> dict:
        found = None
        if not (self.server_dsn or os.environ.get("PMIS_TEST_DATABASE_URL") or os.environ.get("PMIS_TEST_AMQP_URI")):
            found = _docker_containers(self.stack)
        if found is None:
            found = {"admin_dsn": self.server_dsn or os.environ.get("PMIS_TEST_ADMIN_DSN", LOCAL_PG),
                     "amqp": os.environ.get("PMIS_TEST_AMQP_URI"), "s3": {},
                     "vhost_tool": shutil.which("rabbitmqctl") is not None}
        self.admin_dsn = found["admin_dsn"]
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        base = psycopg.conninfo.conninfo_to_dict(self.admin_dsn)
        db_url = (f"postgresql+psycopg://{base.get('user', 'postgres')}"
                  f"{':' + base['password'] if base.get('password') else ''}@{base.get('host', '127.0.0.1')}:"
                  f"{base.get('port', 5432)}/{self.database}")
        amqp = found["amqp"]
        if amqp is None:
            if found["vhost_tool"]:
                self.vhost = f"pmis-{self.tag}"
                manage_vhost(self.vhost, "add")
                amqp = f"amqp://{LOCAL_AMQP_HOST}/{self.vhost}"
            else:
                amqp = f"amqp://{LOCAL_AMQP_HOST}/"
        self.state_dir = tempfile.mkdtemp(prefix=f"pmis-{self.tag}-")
        self.env = {
            "PMIS_STATE_DIR": self.state_dir,
            "PMIS_DATABASE_URL": db_url,
            "PMIS_AMQP_URI": amqp,
            "PMIS_GATEWAY_HOST": "127.0.0.1",
            "PMIS_GATEWAY_PORT": str(free_port()),
            "PMIS_S3_LOCAL_PORT": str(free_port()),
            "PMIS_S3_BUCKET": "pmis-media-test",
            "PMIS_SECRET_KEY": uuid.uuid4().hex,
            "PMIS_ADMIN_PASSWORD": "Init#Admin2026",
            # argon2's cheapest parameters: a run makes ~1,000 hashes and verifies, which took 0.6–1.2 s
            # each on the loaded 2-core machine (a quarter of all request time). The deployment's own
            # profile is tested in tests/unit/org/test_lockout.py and used by the benchmarks and `make run`.
            "PMIS_PASSWORD_HASH_PROFILE": "CHEAPEST",
            "PMIS_RELAY_HEARTBEAT_DIR": f"/tmp/{self.tag}",
            "PMIS_STATS_INGESTERS": "2",  # competing ingesters in every test run
            # Background work at the services' priority: a CI machine loaded far beyond any deployment
            # (two test systems, Chromium) starved the lowered relays into timeouts. The lowering itself
            # is tested in tests/integration/test_batch_priority.py.
            "PMIS_BATCH_NICE": "0",
            "PMIS_COMPACTOR_NICE": "0",
            "PMIS_PROVINCE_DIVISION": "44",  # 流动党员 to 44xxxx count 省内, to other provinces 跨省
            # Classic event queues on the machine's shared broker, where each test system is a vhost:
            # quorum queues created in one vhost stalled connections to another for 122 s
            # (messaging/queues.py); tests/integration/test_event_queues.py checks the quorum queues.
            "PMIS_EVENT_QUEUE_TYPE": "classic" if amqp.startswith(f"amqp://{LOCAL_AMQP_HOST}/") else "quorum",
            # A failing event is parked after 4 tries ~0.5 s apart (~1.5 s): tests see both sides.
            "PMIS_EVENT_MAX_ATTEMPTS": "4",
            "PMIS_EVENT_RETRY_SECONDS": "0.5",
            **found["s3"],
        }
        os.makedirs(self.env["PMIS_RELAY_HEARTBEAT_DIR"], exist_ok=True)
        return self.env

    def stop(self) -> None:
        if self.admin_dsn:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database)))
        if self.vhost:
            manage_vhost(self.vhost, "delete")
        if self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        self.stack.close()
