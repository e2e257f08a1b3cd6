"""Home-page reminders for the account's own organization, and the overdue-probation
supervision list of a subtree (JSON, Excel and page)."""
import io
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook

from services.member.domain.probation import add_years
from tests.conftest import login
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error

TODAY = date.today()
PASSWORD = "Remind#Pass2026"


def other_month(day: date) -> date:
    return day.replace(month=day.month % 12 + 1, day=min(day.day, 28))


@pytest.fixture(scope="module")
def branch(api, root_id):
    committee = api.post("/orgs", json={"name": "提醒测试党委", "code": code(), "type": "11",
                                        "parent_id": root_id}).json()["id"]
    branch_id = api.post("/orgs", json={"name": "提醒测试支部", "code": code(), "type": "31",
                                        "parent_id": committee}).json()["id"]
    people = {
        "soon": dict(category="预备党员", joined_on=add_years(TODAY + timedelta(days=10), -1).isoformat(),
                     id_number=id_number(birth=other_month(date(1990, TODAY.month, 15)))),
        "overdue": dict(category="预备党员", joined_on=add_years(TODAY, -2).isoformat(),
                        id_number=id_number(birth=other_month(date(1991, TODAY.month, 15)))),
        "birthday": dict(category="正式党员", joined_on="2010-07-01",
                         id_number=id_number(birth=date(1970, TODAY.month, min(TODAY.day, 28)))),
        "plain": dict(category="正式党员", joined_on="2010-07-01",
                      id_number=id_number(birth=other_month(date(1972, TODAY.month, 3)))),
    }
    ids = {}
    for name, fields in people.items():
        created = api.post("/members", json=member_data(branch_id, name=name, **fields))
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
    return {"committee": committee, "id": branch_id, "members": ids}


@pytest.fixture(scope="module")
def branch_user(system, api, branch):
    username = f"rm{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026r", "org_id": branch["id"]})
    client = login(system.url, username, "Init#Pass2026r")
    client.post("/session/password", json={"old_password": "Init#Pass2026r", "new_password": PASSWORD})
    return username, login(system.url, username, PASSWORD)


def test_reminders_of_the_own_organization(branch_user):
    reminders = branch_user[1].get("/reminders").json()
    assert [m["name"] for m in reminders["probation_ending"]] == ["soon"]
    assert reminders["probation_ending"][0]["probation_ends"] == (TODAY + timedelta(days=10)).isoformat()
    assert [m["name"] for m in reminders["birthdays"]] == ["birthday"]


def test_reminders_do_not_include_sub_organizations(api, branch):
    """The administrator is bound to the root: the branch's members are not the root's own."""
    names = {m["name"] for kind in ("birthdays", "probation_ending") for m in api.get("/reminders").json()[kind]}
    assert not names & {"soon", "birthday"}


def test_overdue_probation_lists_the_subtree(api, branch):
    result = api.get(f"/orgs/{branch['committee']}/supervision/overdue-probation").json()
    assert [m["name"] for m in result["items"]] == ["overdue"] and result["total"] == 1
    book = load_workbook(io.BytesIO(api.get(f"/orgs/{branch['committee']}/supervision/overdue-probation.xlsx").content))
    rows = list(book["预备期超期"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == ["overdue"]
    assert rows[0][-1] == "提醒测试支部"


def test_supervision_outside_the_scope_is_403(branch_user, branch, root_id):
    assert_error(branch_user[1].get(f"/orgs/{root_id}/supervision/overdue-probation"), 403)
    assert_error(branch_user[1].get(f"/orgs/{branch['id']}/supervision/overdue-probation", params={"page": "x"}),
                 400)


def test_home_and_supervision_pages(system, branch_user, branch):
    username = branch_user[0]
    with httpx.Client(base_url=system.url, follow_redirects=True) as web:
        page = web.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        home = web.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert "30天内预备期满的预备党员（1）" in home.text and ">soon<" in home.text
        assert "本月过生日的党员（1）" in home.text and ">birthday<" in home.text
        supervision = web.get(f"/orgs/{branch['id']}/supervision")
        assert supervision.status_code == 200 and ">overdue<" in supervision.text
