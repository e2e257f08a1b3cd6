"""The shared observability pieces (services/shared/observability/): the log formatters, the metric
helpers, the trace context carried in context data, envelopes and event headers, and the nameko
worker dependency that measures and traces each worker. Spans go to the SDK's in-memory exporter."""
import json
import logging
import sys
import types

import pytest
from nameko.containers import WorkerContext
from nameko.events import EventHandler
from nameko.rpc import Rpc
from nameko.timer import Timer
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import REGISTRY

from services.shared.context import Caller
from services.shared.messaging.outbox import envelope
from services.shared.messaging.relay import event_message
from services.shared.observability import logs, metrics, tracing
from services.shared.observability.workers import Observed, entrypoint_kind
from services.stats.ingest import _lag_seconds
from tests.support.tracing import in_memory_exporter

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def spans():
    exporter = in_memory_exporter()
    exporter.clear()
    yield exporter
    exporter.clear()


def record(message: str = "已保存", exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("pmis.test", logging.WARNING, __file__, 1, message, (), exc_info)


# --- logs ------------------------------------------------------------------------------------

def test_a_json_line_carries_the_request_id_of_the_running_request():
    token = logs.REQUEST_ID.set("req-42")
    try:
        line = json.loads(logs.JsonFormatter().format(record()))
    finally:
        logs.REQUEST_ID.reset(token)
    assert line["request_id"] == "req-42" and line["message"] == "已保存" and line["level"] == "WARNING"
    assert line["logger"] == "pmis.test" and line["time"].endswith("+00:00") and line["trace_id"] == ""
    # outside a request the field is there, empty
    assert json.loads(logs.JsonFormatter().format(record()))["request_id"] == ""


def test_a_json_line_keeps_an_exception_and_chinese_text_readable():
    try:
        raise ValueError("数据有误")
    except ValueError:
        line = logs.JsonFormatter().format(record("失败", sys.exc_info()))
    assert "失败" in line  # not \\u escapes
    assert "ValueError: 数据有误" in json.loads(line)["exc_info"]


def test_a_text_line_shows_the_request_id_in_brackets():
    token = logs.REQUEST_ID.set("req-7")
    try:
        line = logs.TextFormatter().format(record())
    finally:
        logs.REQUEST_ID.reset(token)
    assert "WARNING pmis.test [req-7] 已保存" in line


def test_the_line_carries_the_trace_id_of_the_current_span(spans):
    with tracing.tracer().start_as_current_span("work") as span:
        line = json.loads(logs.JsonFormatter().format(record()))
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")


def test_the_format_follows_the_setting(monkeypatch):
    monkeypatch.setenv("PMIS_LOG_FORMAT", "json")
    assert isinstance(logs.formatter(), logs.JsonFormatter)
    monkeypatch.setenv("PMIS_LOG_FORMAT", "text")
    assert isinstance(logs.formatter(), logs.TextFormatter)
    monkeypatch.setenv("PMIS_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="PMIS_LOG_FORMAT"):
        logs.formatter()


# --- metrics ---------------------------------------------------------------------------------

def test_labels_come_from_bounded_sets():
    assert metrics.method_label("GET") == "GET" and metrics.method_label("PROPFIND") == "other"
    assert metrics.status_class(201) == "2xx" and metrics.status_class(503) == "5xx"


def test_the_port_setting(monkeypatch):
    monkeypatch.delenv("PMIS_METRICS_PORT", raising=False)
    assert metrics.port() == 0  # local default: no /metrics
    monkeypatch.setenv("PMIS_METRICS_PORT", "9100")
    assert metrics.port() == 9100
    monkeypatch.setenv("PMIS_METRICS_PORT", "auto")  # the launcher's word, replaced per process
    assert metrics.port() == 0


def test_a_measurement_is_due_once_per_interval_and_only_when_metrics_are_served(monkeypatch):
    monkeypatch.setitem(metrics._served, "port", None)
    assert not metrics.due("unit-test", 10, now=1000.0)
    monkeypatch.setitem(metrics._served, "port", 9100)
    assert metrics.due("unit-test", 10, now=1000.0)
    assert not metrics.due("unit-test", 10, now=1005.0)
    assert metrics.due("unit-test", 10, now=1010.0)


# --- trace context ----------------------------------------------------------------------------

def test_context_data_carries_the_traceparent_both_ways(spans):
    assert tracing.inject({}) == {}  # no span: nothing to carry
    span = tracing.start_span("child", {"traceparent": PARENT, "user_id": "1"})
    assert format(span.get_span_context().trace_id, "032x") == PARENT.split("-")[1]
    assert span.parent.span_id == int(PARENT.split("-")[2], 16)
    carrier = tracing.carrier_of(span)
    assert carrier["traceparent"].split("-")[1:3] == [PARENT.split("-")[1], format(span.get_span_context().span_id,
                                                                                     "016x")]
    span.end()
    assert tracing.start_span("root", {"traceparent": 5}).parent is None  # not a traceparent: a new trace


def test_an_envelope_written_in_a_traced_worker_names_its_span_and_the_relay_passes_it_on(spans):
    caller = Caller.system("req-1")
    assert "trace" not in envelope("member_created", 1, 1, {}, caller)
    with tracing.tracer().start_as_current_span("member.create_member") as span:
        written = envelope("member_created", 1, 1, {}, caller)
    assert written["trace"]["traceparent"].split("-")[2] == format(span.get_span_context().span_id, "016x")
    message = event_message(written, {"traceparent": PARENT})
    assert message.headers["nameko.traceparent"] == PARENT and message.headers["nameko.request_id"] == "req-1"
    assert "nameko.traceparent" not in event_message(written).headers


def test_ingest_lag_is_the_age_of_the_oldest_event():
    from datetime import datetime, timezone
    now = datetime(2026, 12, 4, 12, 0, 10, tzinfo=timezone.utc)
    events = [{"occurred_at": "2026-12-04T12:00:07+00:00"}, {"occurred_at": "2026-12-04T12:00:04+00:00"}, {}]
    assert _lag_seconds(events, now) == 6.0
    assert _lag_seconds([{}], now) == 0.0


# --- the nameko worker dependency ----------------------------------------------------------------

def worker(entrypoint, method: str = "get_thing", data: dict | None = None) -> WorkerContext:
    entrypoint.method_name = method
    container = types.SimpleNamespace(config={}, service_name="demo")
    return WorkerContext(container, object(), entrypoint, data=data or {})


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_entrypoint_kinds():
    assert entrypoint_kind(Rpc()) == ("rpc", SpanKind.SERVER)
    assert entrypoint_kind(EventHandler("org", "org_created")) == ("event", SpanKind.CONSUMER)
    assert entrypoint_kind(Timer(interval=1)) == ("timer", SpanKind.INTERNAL)


def test_a_worker_is_measured_traced_and_labelled_with_its_request_id(spans):
    observed = Observed("answering")
    ctx = worker(Rpc(), data={"request_id": "req-9", "traceparent": PARENT})
    before = sample("pmis_service_call_seconds_count", service="demo", method="get_thing", kind="rpc")
    observed.worker_setup(ctx)
    assert logs.REQUEST_ID.get() == "req-9"
    # what the worker calls next is a child of the worker's span, in the caller's trace
    assert ctx.context_data["traceparent"].split("-")[1] == PARENT.split("-")[1]
    assert ctx.context_data["traceparent"] != PARENT
    observed.worker_result(ctx, result=1)
    assert logs.REQUEST_ID.get() == "" and not trace.get_current_span().get_span_context().is_valid
    assert sample("pmis_service_call_seconds_count", service="demo", method="get_thing", kind="rpc") == before + 1
    (span,) = spans.get_finished_spans()
    assert span.name == "demo.get_thing" and span.kind == SpanKind.SERVER
    assert span.parent.span_id == int(PARENT.split("-")[2], 16)
    assert span.attributes["pmis.request_id"] == "req-9"


def test_a_refusal_is_an_expected_error_and_a_fault_an_unexpected_one(spans):
    observed = Observed("answering")
    for error, label, status in ((KeyError("x"), "expected", StatusCode.UNSET),
                                 (RuntimeError("boom"), "unexpected", StatusCode.ERROR)):
        spans.clear()
        before = sample("pmis_service_call_errors_total", service="demo", method="save", kind="rpc", error=label)
        ctx = worker(Rpc(expected_exceptions=KeyError), "save")
        observed.worker_setup(ctx)
        observed.worker_result(ctx, exc_info=(type(error), error, None))
        assert sample("pmis_service_call_errors_total", service="demo", method="save", kind="rpc",
                      error=label) == before + 1
        (span,) = spans.get_finished_spans()
        assert span.status.status_code == status and span.events[0].name == "exception"


def test_a_timer_is_measured_but_starts_no_trace(spans):
    observed = Observed("background")
    before = sample("pmis_service_call_seconds_count", service="demo", method="fold_counter_deltas", kind="timer")
    ctx = worker(Timer(interval=1), "fold_counter_deltas")
    observed.worker_setup(ctx)
    assert "traceparent" not in ctx.context_data and tracing.inject({}) == {}
    observed.worker_result(ctx)
    assert spans.get_finished_spans() == ()
    assert sample("pmis_service_call_seconds_count", service="demo", method="fold_counter_deltas",
                  kind="timer") == before + 1
