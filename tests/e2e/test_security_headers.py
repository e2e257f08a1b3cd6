"""Security headers on every kind of response the gateway sends: a page, a JSON answer, an error
(JSON and page), an Excel export, a photo link and a static file."""
import httpx
import pytest

from tests.support.factories import code, member_data

from .test_member_photo import attach, jpeg_with_gps

NO_STORE = "no-store"


def policy_of(response: httpx.Response) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def assert_secure(response: httpx.Response, cache: str | None = NO_STORE) -> None:
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"], policy
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers.get_list("content-security-policy") == [response.headers["content-security-policy"]]
    if cache is not None:
        assert response.headers["cache-control"] == cache


@pytest.fixture(scope="module")
def member(api, root_id) -> int:
    branch = api.post("/orgs", json={"name": "安全头测试支部", "code": code(), "type": "31", "parent_id": root_id})
    assert branch.status_code == 201, branch.text
    created = api.post("/members", json=member_data(branch.json()["id"], name="安全头党员"))
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_pages_carry_the_headers_and_are_not_stored(system, browser_session, member):
    for path in ("/", f"/members/{member}", "/query"):
        page = browser_session.get(path)
        assert page.status_code == 200, (path, page.text)
        assert_secure(page)
    assert_secure(httpx.get(f"{system.url}/login"))


def test_json_answers_and_json_errors_carry_the_headers(api, member):
    assert_secure(api.get(f"/members/{member}"))
    missing = api.get("/members/999999999")
    assert missing.status_code == 404
    assert_secure(missing)
    no_route = api.get("/no-such-route")
    assert no_route.status_code == 404
    assert_secure(no_route)
    refused = api.post("/media/uploads", json={"member_id": member, "content_type": "text/html", "size": 10})
    assert refused.status_code == 400
    assert_secure(refused)


def test_error_pages_carry_the_headers(browser_session):
    missing = browser_session.get("/orgs/999999999")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert_secure(missing)


def test_excel_exports_are_not_stored(api, member):
    export = api.get(f"/members/{member}/registration.xlsx")
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert_secure(export)


def test_a_photo_link_is_not_stored_and_the_storage_origin_is_allowed_for_images(system, api, member):
    attach(api, member, jpeg_with_gps(), "image/jpeg")
    photo = api.get(f"/members/{member}").json()["photo"]
    redirect = api.get(f"{system.url}{photo['thumb_url']}")
    assert redirect.status_code == 302
    assert_secure(redirect)
    storage = httpx.URL(redirect.headers["location"])
    origin = f"{storage.scheme}://{storage.netloc.decode()}"
    policy = policy_of(redirect)
    assert origin in policy["img-src"] and origin in policy["connect-src"]  # photos and direct uploads


def test_static_assets_carry_the_headers_and_may_be_cached(system):
    css = httpx.get(f"{system.url}/static/pmis.css")
    assert css.status_code == 200
    assert_secure(css, cache=None)
    assert css.headers.get("cache-control") != NO_STORE
    assert ".htmx-indicator" in css.text  # htmx's own <style> is refused by the policy
    missing = httpx.get(f"{system.url}/static/no-such-file.js")
    assert missing.status_code == 404
    assert_secure(missing, cache=None)
