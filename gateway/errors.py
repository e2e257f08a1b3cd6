"""One error body everywhere: {"error": {"code", "message", "fields"}}; never a stack trace."""
import logging

from starlette.responses import JSONResponse

from services.shared.errors import BY_NAME

from .rpc import RemoteError, RpcTimeout, ServiceUnavailable

log = logging.getLogger("pmis.gateway")

# nameko's own errors for a call the service could not take (wrong arguments).
_BAD_CALL = {"MethodNotFound", "IncorrectSignature", "MalformedRequest"}


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return JSONResponse(body, status_code=status)


def as_http_error(exc: Exception, request_id: str = "") -> HttpError:
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, RemoteError):
        known = BY_NAME.get(exc.exc_type)
        if known is not None:
            message = exc.exc_args[0] if exc.exc_args else exc.value
            fields = exc.exc_args[1] if len(exc.exc_args) > 1 and isinstance(exc.exc_args[1], dict) else {}
            return HttpError(known.status, known.code, str(message), fields)
        if exc.exc_type in _BAD_CALL:
            return HttpError(400, "bad_request", "请求参数有误")
        log.error("request %s: remote %s: %s", request_id, exc.exc_type, exc.value)
    elif isinstance(exc, RpcTimeout):
        return HttpError(504, "timeout", "服务响应超时，请稍后重试")
    elif isinstance(exc, ServiceUnavailable):
        return HttpError(503, "unavailable", "服务暂不可用，请稍后重试")
    else:
        log.exception("request %s failed", request_id, exc_info=exc)
    return HttpError(500, "internal", f"服务内部错误，请稍后重试（请求编号 {request_id}）")
