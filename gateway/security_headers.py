"""Security headers on every response the gateway sends: pages, JSON, files, static, errors.

A pure ASGI wrapper (not BaseHTTPMiddleware) placed outside Starlette's error middleware, so even
the 500 page gets them. The policy allows no inline script or style: pages load only PMIS's own
files; photos come from the S3 endpoint through presigned links and the browser uploads straight
to it, so that one origin is added to img-src and connect-src. A video about to be uploaded is
played from its local blob: URL to capture its poster frame (media-src).
"""
from services.shared.config import setting

STATIC_PREFIX = "/static/"


def s3_origin() -> str:
    """The origin browsers reach object storage at ('' when none is configured)."""
    endpoint = setting("PMIS_S3_PUBLIC_ENDPOINT") or setting("PMIS_S3_ENDPOINT")
    if not endpoint:
        return ""
    scheme = "https" if setting("PMIS_S3_SECURE") == "1" else "http"
    return f"{scheme}://{endpoint}"


def content_security_policy(storage_origin: str) -> str:
    extra = f" {storage_origin}" if storage_origin else ""
    return "; ".join([
        "default-src 'self'",
        f"img-src 'self'{extra}",
        f"connect-src 'self'{extra}",
        # A video being uploaded is opened from the phone's own file (a blob: URL) so the browser
        # can draw its poster frame: the server has no video decoder (docs/ORGLIFE.md).
        "media-src 'self' blob:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def security_headers(storage_origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(storage_origin).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]


def cacheable(path: str) -> bool:
    """Only the static assets may be cached: every page, JSON answer, export and photo link may
    hold personal data (a redirect to a photo carries a signed link)."""
    return path.startswith(STATIC_PREFIX)


class SecurityHeaders:
    def __init__(self, app, storage_origin: str):
        self.app = app
        self.headers = security_headers(storage_origin)
        self.replaced = {name for name, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        no_store = not cacheable(scope["path"])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                replaced = self.replaced | ({b"cache-control", b"pragma"} if no_store else set())
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in replaced]
                headers += self.headers
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
