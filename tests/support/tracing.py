"""The SDK's in-memory span exporter as this test process's tracer provider (OpenTelemetry allows one
provider per process, so every unit test module shares it)."""
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.shared.observability import tracing

_exporter: list[InMemorySpanExporter] = []


def in_memory_exporter() -> InMemorySpanExporter:
    if not _exporter:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracing.install(provider)
        _exporter.append(exporter)
    return _exporter[0]
