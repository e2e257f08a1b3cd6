"""Setting up through the JSON API: organizations, and staff accounts bound to one."""
from datetime import date

import httpx

from .factories import COMPLETE_CARD, code, member_data

FIRST_PASSWORD = "Start#Pass2026s"
PASSWORD = "Staff#Work2026s"


def create_org(api: httpx.Client, parent_id: int, name: str, type_: str = "党支部") -> int:
    response = api.post("/orgs", json={"name": name, "code": code(), "type": type_, "parent_id": parent_id})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def new_staff_account(system, api: httpx.Client, org_id: int, username: str) -> str:
    """A new account bound to `org_id`, its first password already changed to PASSWORD."""
    from tests.conftest import login  # the session's login helper

    assert api.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                       "org_id": org_id}).status_code == 201
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    return username


def staff_client(system, api: httpx.Client, org_id: int, prefix: str = "staff") -> httpx.Client:
    """A logged-in API client of a new account bound to `org_id`, past its first password change."""
    from tests.conftest import login

    username = new_staff_account(system, api, org_id, f"{prefix}{code('')}".lower())
    return login(system.url, username, PASSWORD)


def complete_member(api: httpx.Client, org_id: int, name: str = "转接党员") -> int:
    """A member whose card passes 校核, with last year's 民主评议 (a transfer can send it)."""
    response = api.post("/members", json=member_data(org_id, name=name, **COMPLETE_CARD))
    assert response.status_code == 201, response.text
    member = api.get(f"/members/{response.json()['id']}").json()
    evaluation = {"version": member["version"], "year": date.today().year - 1, "grade": "合格"}
    assert api.post(f"/members/{member['id']}/info/evaluations", json=evaluation).status_code == 201
    return member["id"]
