"""Settings from environment variables (the README's table is the reference).

Read at call time, not import time, so tests and the launcher can set them first.
"""
import os

DEFAULTS = {
    "PMIS_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/pmis",
    "PMIS_AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/",
    "PMIS_S3_ENDPOINT": "",
    "PMIS_S3_PUBLIC_ENDPOINT": "",
    "PMIS_S3_ACCESS_KEY": "pmis-local",
    "PMIS_S3_SECRET_KEY": "pmis-local-secret",
    "PMIS_S3_BUCKET": "pmis-media",
    "PMIS_S3_SECURE": "0",
    "PMIS_S3_REGION": "us-east-1",
    "PMIS_S3_LOCAL_PORT": "9000",
    "PMIS_GATEWAY_HOST": "127.0.0.1",
    "PMIS_GATEWAY_PORT": "8000",
    "PMIS_GATEWAY_KEEPALIVE_SECONDS": "75",
    # quorum (replicated; production) or classic: messaging/queues.py, and why the tests use classic.
    "PMIS_EVENT_QUEUE_TYPE": "quorum",
    # Gateway processes on one port (gateway/__main__.py): 1 in k8s, where Pods scale instead.
    "PMIS_GATEWAY_WORKERS": "1",
    "PMIS_SECRET_KEY": "",
    "PMIS_ROOT_ORG_NAME": "中共示例省委员会",
    "PMIS_ROOT_ORG_CODE": "000001",
    "PMIS_PROVINCE_DIVISION": "",
    "PMIS_ADMIN_PASSWORD": "",
    # argon2's parameter set (services/org/passwords.py); CHEAPEST only on test systems.
    "PMIS_PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    "PMIS_MAX_WORKERS": "10",
    "PMIS_RPC_TIMEOUT": "10",
    "PMIS_SESSION_KEEP_SECONDS": "5",
    "PMIS_STATE_DIR": ".pmis",
    "PMIS_STATS_INGESTERS": "1",
    # 2,000 not 500: +21 % events/s at 100k members, the batch's fixed costs spread (docs/BENCHMARKS.md).
    "PMIS_STATS_BATCH": "2000",
    "PMIS_STATS_BATCH_WAIT_MS": "50",
    "PMIS_BATCH_NICE": "19",
    "PMIS_COMPACTOR_NICE": "10",
    "PMIS_EVENT_MAX_ATTEMPTS": "5",
    "PMIS_EVENT_RETRY_SECONDS": "1",
    "PMIS_IMPORT_WORKERS": "2",
    "PMIS_IMPORT_MEMORY_MB": "1024",
    "PMIS_IMPORT_TIMEOUT": "120",
    "PMIS_TRANSFER_EXPIRY_SECONDS": "300",
    "PMIS_TRANSFER_ROUTE": "nearest",
    "PMIS_RESTART_LIMIT": "5",
    "PMIS_RESTART_WINDOW": "120",
    # Observability (docs/OBSERVABILITY.md): log format, the /metrics port of each process (0 = none;
    # "auto" only for the launcher: a free port per process), OTLP traces, span files for the tests.
    "PMIS_LOG_FORMAT": "text",
    "PMIS_METRICS_PORT": "0",
    "PMIS_OTLP_ENDPOINT": "",
    "PMIS_TRACE_DIR": "",
}


def setting(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def int_setting(name: str) -> int:
    return int(setting(name))


def database_url() -> str:
    return setting("PMIS_DATABASE_URL")


def plain_dsn() -> str:
    """The database URL for psycopg itself (no SQLAlchemy driver suffix)."""
    return database_url().replace("postgresql+psycopg://", "postgresql://", 1)


def amqp_uri() -> str:
    return setting("PMIS_AMQP_URI")
