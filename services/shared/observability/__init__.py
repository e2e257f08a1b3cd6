"""Logs, metrics and traces of every PMIS process (docs/OBSERVABILITY.md).

logs.py: one formatter (text or JSON) that puts the request id and trace id on every line.
metrics.py: the Prometheus metrics and each process's /metrics port.
tracing.py: OpenTelemetry set-up and the trace context carried in nameko context data.
workers.py: the nameko dependency that measures, traces and labels every worker of a service.
"""
