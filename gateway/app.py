"""The Starlette gateway: web UI, JSON API, sessions, one RPC connection per process."""
import asyncio
import contextlib
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from services.shared.config import setting
from services.shared.heap import freeze_startup_heap
from services.shared.unavailable import BROKER_ERRORS

from .auth import Tokens, new_secret, request_id
from .errors import HttpError, as_http_error, error_response
from .observability import Observability
from .request_guard import RequestGuard
from .routing import IndexedRouter
from .rpc import RemoteError, RpcClient, RpcError
from .security_headers import SecurityHeaders, s3_origin
from .session_cache import SessionCache
from .web import pages

log = logging.getLogger("pmis.gateway")
STATIC = Path(__file__).parent / "web" / "static"


def secret_key() -> str:
    secret = setting("PMIS_SECRET_KEY")
    if not secret:
        log.warning("PMIS_SECRET_KEY 未设置：使用临时密钥，重启后所有登录失效")
        secret = new_secret()
    return secret


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    app.state.rpc = RpcClient(setting("PMIS_AMQP_URI"), timeout=float(setting("PMIS_RPC_TIMEOUT")))
    connecting = asyncio.create_task(connect_when_possible(app))
    freeze_startup_heap()
    try:
        yield
    finally:
        connecting.cancel()
        await app.state.rpc.close()


async def connect_when_possible(app: Starlette, retry_seconds: float = 1.0) -> None:
    """Connect to the broker, trying again until it answers: a gateway started while RabbitMQ is
    down (restarted beside it) serves 503s and /readyz says so, instead of exiting and being
    restarted with a growing backoff. Once connected, the robust connection reconnects by itself:
    should the session listener fail after it, the next try reuses it (a second would stay open)."""
    while True:
        try:
            if app.state.rpc.connection is None:
                await app.state.rpc.connect()
            await app.state.sessions.listen(app.state.rpc.connection)
            return
        except (*BROKER_ERRORS, OSError, asyncio.TimeoutError) as exc:
            log.warning("无法连接消息队列（%r），%g 秒后重试", exc, retry_seconds)
            await asyncio.sleep(retry_seconds)


async def handle_error(request: Request, exc: Exception):
    error = as_http_error(exc, request_id(request))
    if request.url.path.startswith("/api/"):
        return error_response(error.status, error.code, error.message, error.fields)
    return pages.error_page(request, error)


# Starlette's own errors (no such route, method not allowed) get the same answers as ours.
_ROUTING_ERRORS = {404: ("not_found", "资源不存在"), 405: ("method_not_allowed", "不支持该请求方法")}


async def handle_routing_error(request: Request, exc: HTTPException):
    code, message = _ROUTING_ERRORS.get(exc.status_code, ("bad_request", "请求有误"))
    response = await handle_error(request, HttpError(exc.status_code, code, message))
    response.headers.update(exc.headers or {})
    return response


async def healthz(request: Request):
    return JSONResponse({"ok": True})


async def readyz(request: Request):
    rpc = request.app.state.rpc
    if not rpc.connected:
        return error_response(503, "unavailable", "未连接消息队列")
    return JSONResponse({"ok": True})


class Gateway(Starlette):
    def __init__(self, routes: list, lifespan, **options):
        super().__init__(routes=routes, lifespan=lifespan, **options)
        self.router = IndexedRouter(routes, lifespan=lifespan)  # Starlette's, indexed (routing.py)

    def build_middleware_stack(self):
        # Outermost, so the responses of Starlette's error middleware (the 500 page) get them too.
        return SecurityHeaders(super().build_middleware_stack(), s3_origin())


def create_app() -> Starlette:
    from .api.routes import routes as api_routes

    app = Gateway(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/api/v1", app=IndexedRouter(routes=api_routes)),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            *pages.routes,
        ],
        exception_handlers={HttpError: handle_error, RemoteError: handle_error, RpcError: handle_error,
                            HTTPException: handle_routing_error, Exception: handle_error},
        lifespan=lifespan,
        middleware=[Middleware(Observability), Middleware(RequestGuard)],
    )
    app.state.tokens = Tokens(secret_key())
    app.state.sessions = SessionCache()
    return app
