"""One log format for every process, chosen by PMIS_LOG_FORMAT (text | json).

The request id lives in a context variable: the gateway's middleware sets it for a request, the
nameko worker dependency (workers.py) for a worker. Context variables are per asyncio task and per
greenlet, so concurrent requests and workers never see each other's id. The formatter reads it (and
the current trace id) when it formats, so every line carries them, whichever logger wrote it.
"""
import json
import logging
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

from ..config import setting
from . import tracing

REQUEST_ID: ContextVar[str] = ContextVar("pmis_request_id", default="")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
FORMATS = ("text", "json")
QUIET_LOGGERS = ("kombu", "amqp", "aio_pika", "aiormq")
_process = {"name": ""}


def set_process(name: str) -> None:
    """The process's name on its JSON lines (e.g. "member-answering", "gateway")."""
    _process["name"] = name


def _stamp(record: logging.LogRecord) -> None:
    if not hasattr(record, "request_id"):
        record.request_id = REQUEST_ID.get()
    if not hasattr(record, "trace_id"):
        record.trace_id = tracing.current_trace_id()


class TextFormatter(logging.Formatter):
    def __init__(self, fmt: str = TEXT_FORMAT, **kwargs):
        super().__init__(fmt, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, trace_id,
    process; exc_info when there is an exception."""

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.request_id,
            "trace_id": record.trace_id,
            "process": _process["name"],
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_format() -> str:
    chosen = setting("PMIS_LOG_FORMAT").strip().lower()
    if chosen not in FORMATS:
        raise ValueError(f"PMIS_LOG_FORMAT 只能是 {' 或 '.join(FORMATS)}，不是 {chosen!r}")
    return chosen


def formatter() -> logging.Formatter:
    """The formatter PMIS_LOG_FORMAT asks for; nameko.yaml names this factory in its LOGGING section.
    From now on Python's warnings are log lines too (one printed before, at an import, stays plain)."""
    logging.captureWarnings(True)
    return JsonFormatter() if log_format() == "json" else TextFormatter()


def configure(process: str, level: int = logging.INFO) -> None:
    """Log to stderr in the chosen format: the entry of every process that is not `nameko run`
    (nameko configures itself from nameko.yaml's LOGGING)."""
    set_process(process)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
