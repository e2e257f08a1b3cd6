"""OpenTelemetry traces: one request followed from the gateway through RPCs and events to the
stats ingesters.

The trace context travels as W3C `traceparent` in nameko context data, so it crosses RabbitMQ as
the `nameko.traceparent` header of RPCs and events, like the request id; an event written to the
outbox keeps it in its envelope (`trace`) until the relay publishes it.

Exporters: OTLP over HTTP when PMIS_OTLP_ENDPOINT is set; span files (one JSON span a line, a
file per process) in PMIS_TRACE_DIR when that is set (the tests); neither: the API's no-op
tracer, whose spans cost next to nothing and carry no context."""
import os
from pathlib import Path

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from ..config import setting

TRACEPARENT = "traceparent"
_PROPAGATOR = TraceContextTextMapPropagator()
_configured = {"done": False}

__all__ = ["SpanKind", "carrier_of", "current_trace_id", "enabled", "extract", "inject", "install", "setup",
           "start_span", "tracer"]


def setup(service: str, process: str) -> bool:
    """Install the SDK's tracer provider if an exporter is configured; once per process.
    Returns whether spans are now recorded."""
    if _configured["done"]:
        return True
    endpoint, trace_dir = setting("PMIS_OTLP_ENDPOINT"), setting("PMIS_TRACE_DIR")
    if not endpoint and not trace_dir:
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"pmis-{service}",
                                                        "service.instance.id": f"{process}-{os.getpid()}"}))
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    if trace_dir:
        provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter(Path(trace_dir), process)))
    install(provider)
    return True


def install(provider) -> None:
    """Make `provider` the process's tracer provider (setup; the unit tests' in-memory one)."""
    trace.set_tracer_provider(provider)
    _configured["done"] = True


def enabled() -> bool:
    """Are spans recorded in this process? When not, the hot paths (the gateway's middleware and RPC
    client, each worker) open none: even a no-op span costs ~60 µs here."""
    return _configured["done"]


class FileSpanExporter:
    """Finished spans as JSON lines in `<dir>/<process>-<pid>.jsonl` (a SpanExporter): each process
    its own file, so no two processes write one file."""

    def __init__(self, directory: Path, process: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{process}-{os.getpid()}.jsonl"

    def export(self, spans):
        from opentelemetry.sdk.trace.export import SpanExportResult
        with open(self.path, "a", encoding="utf-8") as out:
            out.write("".join(span.to_json(indent=None) + "\n" for span in spans))
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def tracer():
    return trace.get_tracer("pmis")


def inject(carrier: dict | None = None) -> dict:
    """`carrier` (a new dict by default) with the current span's traceparent, if there is one."""
    carrier = {} if carrier is None else carrier
    _PROPAGATOR.inject(carrier)
    return carrier


def extract(carrier) -> otel_context.Context:
    """The context whose parent is the span a carrier (context data, headers, an envelope's
    `trace`) names; an empty context when it names none."""
    if not carrier or not isinstance(carrier.get(TRACEPARENT), str):
        return otel_context.Context()
    return _PROPAGATOR.extract({TRACEPARENT: carrier[TRACEPARENT]})


def start_span(name: str, parent_carrier=None, kind: SpanKind = SpanKind.INTERNAL, **kwargs) -> Span:
    """A span (not made current) whose parent is the one `parent_carrier` names, if any."""
    return tracer().start_span(name, context=extract(parent_carrier), kind=kind, **kwargs)


def carrier_of(span: Span) -> dict:
    """The traceparent naming `span` as the parent of what follows it."""
    carrier: dict = {}
    _PROPAGATOR.inject(carrier, context=trace.set_span_in_context(span))
    return carrier


def current_trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""
