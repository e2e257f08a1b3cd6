"""The gateway's observability middleware on a small Starlette app: requests are measured by route
template (not the raw path), method and status class, server errors counted, a server span opened
as the child of the caller's traceparent, and the request id set for the request's log lines."""
import httpx
import pytest
from opentelemetry import trace
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from gateway.observability import Observability
from services.shared.observability import logs
from tests.support.helpers import run_coroutine
from tests.support.tracing import in_memory_exporter

seen = {}


async def thing(request):
    seen["request_id"] = logs.REQUEST_ID.get()
    seen["trace_id"] = trace.get_current_span().get_span_context().trace_id
    return PlainTextResponse("ok")


async def broken(request):
    raise RuntimeError("boom")


async def static(scope, receive, send):
    await PlainTextResponse("css")(scope, receive, send)


class Client:
    """Requests straight into the ASGI app (httpx's transport), each in an event loop of its own."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, path: str, headers: dict | None = None) -> httpx.Response:
        async def send():
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                return await client.request(method, path, headers=headers)
        return run_coroutine(send())

    def get(self, path: str, headers: dict | None = None) -> httpx.Response:
        return self.request("GET", path, headers)


@pytest.fixture(scope="module")
def client():
    return Client(Starlette(routes=[Mount("/api/v1", routes=[Route("/things/{id}", thing), Route("/broken", broken)]),
                                    Mount("/static", app=static)],
                            middleware=[Middleware(Observability)]))


def count(route: str, method: str, status: str) -> float:
    return REGISTRY.get_sample_value("pmis_http_request_seconds_count",
                                     {"route": route, "method": method, "status": status}) or 0.0


def test_a_request_is_counted_under_its_route_template(client):
    before = count("/api/v1/things/{id}", "GET", "2xx")
    assert client.get("/api/v1/things/5").status_code == 200
    assert client.get("/api/v1/things/6").status_code == 200
    assert count("/api/v1/things/{id}", "GET", "2xx") == before + 2
    assert REGISTRY.get_sample_value("pmis_http_request_seconds_count",
                                     {"route": "/api/v1/things/5", "method": "GET", "status": "2xx"}) is None


def test_unmatched_paths_mounted_apps_and_odd_methods_share_bounded_labels(client):
    before = count("unmatched", "GET", "4xx"), count("/static/{path}", "GET", "2xx"), count("unmatched", "other", "4xx")
    assert client.get("/no/such/page/123").status_code == 404
    assert client.get("/static/pmis.css").status_code == 200
    client.request("PROPFIND", "/x")
    after = count("unmatched", "GET", "4xx"), count("/static/{path}", "GET", "2xx"), count("unmatched", "other", "4xx")
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_a_server_error_is_counted(client):
    before = REGISTRY.get_sample_value("pmis_http_errors_total",
                                       {"route": "/api/v1/broken", "method": "GET", "status": "500"}) or 0.0
    assert client.get("/api/v1/broken").status_code == 500
    assert REGISTRY.get_sample_value("pmis_http_errors_total",
                                     {"route": "/api/v1/broken", "method": "GET", "status": "500"}) == before + 1
    assert count("/api/v1/broken", "GET", "5xx") >= 1


def test_the_request_id_reaches_the_handler_and_the_request_is_a_span_in_the_callers_trace(client):
    exporter = in_memory_exporter()
    exporter.clear()
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    client.get("/api/v1/things/1", headers={"x-request-id": "abc123", "traceparent": parent})
    assert seen["request_id"] == "abc123"
    assert logs.REQUEST_ID.get() == ""  # reset after the request
    assert format(seen["trace_id"], "032x") == parent.split("-")[1]
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /api/v1/things/{id}" and span.attributes["http.route"] == "/api/v1/things/{id}"
    assert span.parent.span_id == int(parent.split("-")[2], 16) and span.attributes["pmis.request_id"] == "abc123"
