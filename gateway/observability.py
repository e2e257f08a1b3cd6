"""Each request measured, traced and logged: latency by route template (not the raw path, whose ids
would make a label value per record), method and status class; a server span whose parent is the
caller's `traceparent`, if it sent one; the request id in the context of every log line written
while it runs, and one access line at its end.

The gateway's /metrics is not a route of this application (reachable from outside): like every
process it serves it on its own PMIS_METRICS_PORT (services/shared/observability/metrics.py)."""
import contextlib
import logging
import time

from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.requests import Request
from starlette.routing import Mount

from services.shared.observability import logs, metrics, tracing

from .auth import request_id

log = logging.getLogger("pmis.gateway.access")
QUIET_ROUTES = frozenset({"/healthz", "/readyz"})  # probes: measured, not logged


def route_template(scope: dict, root_path: str) -> str:
    """The template of the route that answered ("/api/v1/orgs/{id}"), from what Starlette's routers
    left in the scope: the innermost route and the root path its mounts added."""
    route = scope.get("route")
    if route is None:
        return metrics.UNMATCHED_ROUTE
    mounted = scope.get("root_path", "")
    prefix = mounted[len(root_path):] if mounted.startswith(root_path) else mounted
    if isinstance(route, Mount):  # a mounted app without routes of its own (static files)
        return f"{prefix}/{{path}}"
    return f"{prefix}{route.path}"


class Observability:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(Request(scope))
        request_token = logs.REQUEST_ID.set(rid)
        method, root_path = metrics.method_label(scope["method"]), scope.get("root_path", "")
        status = 500  # unless a response starts: an exception escaping here becomes the 500 page

        async def send_with_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        span_context = contextlib.nullcontext()
        if tracing.enabled():
            traceparent = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
                           if key == b"traceparent"}
            span_context = tracing.tracer().start_as_current_span(
                f"{method} {scope['path']}", context=tracing.extract(traceparent), kind=SpanKind.SERVER,
                attributes={"http.request.method": scope["method"], "pmis.request_id": rid})
        with span_context as span:
            try:
                await self.app(scope, receive, send_with_status)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope, root_path)
                if status >= 500:
                    metrics.HTTP_ERRORS.labels(route, method, str(status)).inc()
                metrics.HTTP_SECONDS.labels(route, method, metrics.status_class(status)).observe(seconds)
                if span is not None:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                if route not in QUIET_ROUTES:
                    log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, seconds * 1000)
                logs.REQUEST_ID.reset(request_token)
