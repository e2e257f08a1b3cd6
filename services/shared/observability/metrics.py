"""The Prometheus metrics of PMIS and each process's /metrics port.

Every process serves its own registry on PMIS_METRICS_PORT (prometheus_client's HTTP server in a
thread); 0, the local default, serves nothing: a machine running the launcher's ~20 processes
would need a port each (the launcher gives them one with PMIS_METRICS_PORT=auto). In k8s each
container gets a fixed port (docs/OBSERVABILITY.md). Labels take values from bounded sets only:
route templates, not paths; entrypoint names; queue names; status classes."""
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess, start_http_server

from ..config import setting

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"

# Gateway
HTTP_SECONDS = Histogram("pmis_http_request_seconds", "Gateway requests: time to the end of the response",
                         ["route", "method", "status"], buckets=LATENCY_BUCKETS)
HTTP_ERRORS = Counter("pmis_http_errors_total", "Gateway requests answered with a server error (5xx)",
                      ["route", "method", "status"])
# Services: each worker (an RPC, an event handler, a timer run)
CALL_SECONDS = Histogram("pmis_service_call_seconds", "Service workers: time from set-up to result",
                         ["service", "method", "kind"], buckets=LATENCY_BUCKETS)
CALL_ERRORS = Counter("pmis_service_call_errors_total",
                      "Service workers that raised: expected (a refusal, 4xx) or unexpected (a fault)",
                      ["service", "method", "kind", "error"])
# Relays: the outbox and the queues of the service's subscriptions
OUTBOX_UNSENT = Gauge("pmis_outbox_unsent", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge("pmis_outbox_oldest_unsent_seconds", "Age of the oldest unpublished outbox row",
                              ["service"])
RELAY_PUBLISHED = Counter("pmis_relay_published_total", "Events the relay published", ["service"])
QUEUE_MESSAGES = Gauge("pmis_queue_messages", "Messages ready in an event queue", ["queue"])
DEAD_LETTERS = Gauge("pmis_dead_letters", "Events parked in an event queue's dead-letter queue", ["queue"])
# Stats
INGESTED_EVENTS = Counter("pmis_stats_ingested_events_total", "Events the stats ingesters applied")
INGEST_LAG_SECONDS = Gauge("pmis_stats_ingest_lag_seconds",
                           "Age (since it was written) of the oldest event in the last batch applied")
INGEST_BATCH_SECONDS = Histogram("pmis_stats_ingest_batch_seconds", "Time to apply one ingest batch",
                                 buckets=LATENCY_BUCKETS)
COMPACTOR_BACKLOG = Gauge("pmis_stats_compactor_backlog",
                          "Counter deltas not folded yet (an upper bound: ids from the fold's floor to the last)")

_served = {"port": None}
_last_run: dict[str, float] = {}


def port() -> int:
    """This process's /metrics port (0: none)."""
    value = setting("PMIS_METRICS_PORT").strip()
    if value == "auto":  # meant for the launcher, which replaces it per process
        return 0
    return int(value)


def enabled() -> bool:
    return _served["port"] is not None


def serve() -> int | None:
    """Serve /metrics on PMIS_METRICS_PORT (once per process); the port, or None when disabled."""
    if _served["port"] is None and port() > 0:
        start_http_server(port())
        _served["port"] = port()
    return _served["port"]


def serve_workers(directory: str) -> int | None:
    """Serve /metrics for a parent whose worker processes record into `directory` (prometheus_client's
    multiprocess mode: they were started with PROMETHEUS_MULTIPROC_DIR set to it)."""
    if _served["port"] is None and port() > 0:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        start_http_server(port(), registry=registry)
        _served["port"] = port()
    return _served["port"]


def due(name: str, every: float, now: float | None = None) -> bool:
    """Is a measurement (a database or broker query) due again? True at most once per `every`
    seconds per name, and never while metrics are not served."""
    now = time.monotonic() if now is None else now
    if not enabled() or now - _last_run.get(name, float("-inf")) < every:
        return False
    _last_run[name] = now
    return True


def method_label(method: str) -> str:
    return method if method in HTTP_METHODS else "other"


def status_class(status: int) -> str:
    return f"{status // 100}xx"
