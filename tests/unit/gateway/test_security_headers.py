"""The security-header policy (pure): no inline script or style, the S3 origin only where the
browser needs it, and only static assets cacheable."""

from gateway.security_headers import SecurityHeaders, cacheable, content_security_policy
from tests.support.helpers import run_coroutine


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_the_policy_allows_only_self_and_storage_for_images_and_uploads():
    policy = directives(content_security_policy("http://s3.example:9000"))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "http://s3.example:9000"]
    assert policy["connect-src"] == ["'self'", "http://s3.example:9000"]
    assert "script-src" not in policy and "style-src" not in policy  # default-src 'self': nothing inline
    assert "unsafe" not in content_security_policy("http://s3.example:9000")
    # A video is played from the phone's own file (blob:) only to draw its poster frame; the stored
    # videos are downloaded through signed links, never played from the storage origin.
    assert policy["media-src"] == ["'self'", "blob:"]


def test_without_storage_the_policy_is_self_only():
    policy = directives(content_security_policy(""))
    assert policy["img-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]


def test_only_static_assets_are_cacheable():
    assert cacheable("/static/pmis.css")
    for path in ("/", "/members/1", "/api/v1/members/1/registration.xlsx", "/api/v1/media/photos/x/thumb",
                 "/staticx"):
        assert not cacheable(path)


def run(app, path: str) -> dict[bytes, list[bytes]]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    run_coroutine(SecurityHeaders(app, "")({"type": "http", "path": path}, receive, send))
    headers: dict[bytes, list[bytes]] = {}
    for name, value in sent[0]["headers"]:
        headers.setdefault(name, []).append(value)
    return headers


async def _app_with_its_own_cache_header(scope, receive, send):
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"cache-control", b"private, max-age=60"), (b"location", b"/x")]})
    await send({"type": "http.response.body", "body": b""})


def test_a_response_s_own_cache_header_is_replaced_except_on_static():
    page = run(_app_with_its_own_cache_header, "/api/v1/media/photos/x/thumb")
    assert page[b"cache-control"] == [b"no-store"]
    assert page[b"x-content-type-options"] == [b"nosniff"] and page[b"x-frame-options"] == [b"DENY"]
    assert page[b"location"] == [b"/x"]
    static = run(_app_with_its_own_cache_header, "/static/pmis.css")
    assert static[b"cache-control"] == [b"private, max-age=60"]
    assert len(static[b"content-security-policy"]) == 1
