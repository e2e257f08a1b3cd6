"""Fixtures of the end-to-end tests that drive the web pages."""
import httpx
import pytest

from tests.support.factories import code
from tests.support.helpers import csrf_of

PASSWORD = "Web#Pass2026z"


@pytest.fixture(scope="module")
def browser_session(system, api, root_id):
    """A logged-in web session (cookie) of a fresh account, past its first password change."""
    username = f"web{code('')}"
    assert api.post("/accounts", json={"username": username, "password": "Init#Pass2026w",
                                       "org_id": root_id}).status_code == 201
    client = httpx.Client(base_url=system.url, timeout=20, follow_redirects=False)
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": "Init#Pass2026w",
                                           "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/password"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "pmis_session=" in cookie and "samesite=lax" in cookie.lower()
    form = client.get("/password")
    response = client.post("/password", data={"old_password": "Init#Pass2026w", "new_password": PASSWORD,
                                              "confirm_password": PASSWORD, "csrf_token": csrf_of(form.text)})
    assert response.status_code == 303
    yield client
    client.close()
