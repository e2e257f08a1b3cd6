"""Refuse URLs carrying a NUL before any route sees them.

A NUL cannot be stored in PostgreSQL text; one in a search term or a path value would otherwise
reach a service and fail there as a server error. JSON bodies are checked by api.common.read_json."""
from urllib.parse import unquote_to_bytes

from .errors import error_response


class RequestGuard:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _has_nul(scope):
            response = error_response(400, "malformed", "请求地址含有空字符（%00），无法处理")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope) -> bool:
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogatepass")
    return b"\x00" in unquote_to_bytes(raw_path) or b"\x00" in unquote_to_bytes(scope.get("query_string", b""))
