"""`Observed`: the nameko dependency every service part has (service_parts.part adds it).

For each worker it sets the request id of its log lines, opens a span whose parent is the caller's
(the `traceparent` in the context data) and puts this span's traceparent in the worker's context
data, so the RPCs and events the worker makes are its children; at the result it records the
worker's latency and error in the metrics and ends the span. At container set-up it names the
process in the logs, sets up tracing and serves /metrics."""
import time
from weakref import WeakKeyDictionary

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from . import logs, metrics, tracing

_KINDS = ((Rpc, "rpc", SpanKind.SERVER), (EventHandler, "event", SpanKind.CONSUMER),
          (Timer, "timer", SpanKind.INTERNAL))


def entrypoint_kind(entrypoint) -> tuple[str, SpanKind]:
    for cls, kind, span_kind in _KINDS:
        if isinstance(entrypoint, cls):
            return kind, span_kind
    return "other", SpanKind.INTERNAL


class Observed(DependencyProvider):
    def __init__(self, part: str = "whole"):
        self.part = part
        self._workers = WeakKeyDictionary()

    def setup(self):
        service = self.container.service_name
        process = f"{service}-{self.part}"
        logs.set_process(process)
        tracing.setup(service, process)
        metrics.serve()

    def worker_setup(self, worker_ctx):
        kind, span_kind = entrypoint_kind(worker_ctx.entrypoint)
        service, method = worker_ctx.service_name, worker_ctx.entrypoint.method_name
        span, context_token = trace.INVALID_SPAN, None
        # A timer (heartbeats, the compactor every second) would start a trace of its own each run: it is
        # measured, not traced.
        if tracing.enabled() and kind != "timer":
            span = tracing.start_span(f"{service}.{method}", worker_ctx.data, span_kind,
                                      attributes={"rpc.system": "nameko", "rpc.service": service,
                                                  "rpc.method": method, "pmis.kind": kind,
                                                  "pmis.request_id": str(worker_ctx.data.get("request_id") or "")})
            worker_ctx.data.update(tracing.carrier_of(span))
            context_token = otel_context.attach(trace.set_span_in_context(span))
        request_token = logs.REQUEST_ID.set(str(worker_ctx.data.get("request_id") or ""))
        self._workers[worker_ctx] = (time.perf_counter(), kind, span, context_token, request_token)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started, kind, span, context_token, request_token = self._workers.pop(worker_ctx)
        service, method = worker_ctx.service_name, worker_ctx.entrypoint.method_name
        metrics.CALL_SECONDS.labels(service, method, kind).observe(time.perf_counter() - started)
        if exc_info is not None:
            expected = isinstance(exc_info[1], worker_ctx.entrypoint.expected_exceptions or ())
            metrics.CALL_ERRORS.labels(service, method, kind, "expected" if expected else "unexpected").inc()
            span.record_exception(exc_info[1])
            if not expected:
                span.set_status(Status(StatusCode.ERROR, type(exc_info[1]).__name__))
        span.end()
        if context_token is not None:
            otel_context.detach(context_token)
        logs.REQUEST_ID.reset(request_token)
