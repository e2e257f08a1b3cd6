"""Roles and module rights (issue 16, docs/ACCOUNTS.md): a root administrator makes an
organization's 系统管理员, who makes a 党费-only clerk and a read-only account; every service
checks the right itself; administrators reach only their own organization's 业务用户 and the
系统管理员 below; a reset password is one-time; the last root administrator stays."""
from contextlib import closing
from datetime import date

import httpx
import pytest

from services.dues.domain import Month
from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, csrf_of, wait_for

from ..conftest import login

START = Month.of(date.today()) - 3


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def new_login(system, admin: httpx.Client, org_id: int, prefix: str, role: str | None = None,
              **extra) -> tuple[httpx.Client, int]:
    """An account made by `admin`, past its first password change, logged in; and its id."""
    username = f"{prefix}{code('')}".lower()
    body = {"username": username, "password": FIRST_PASSWORD, "org_id": org_id, **extra}
    if role is not None:
        body["role"] = role
    created = ok(admin.post("/accounts", json=body), 201)
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    return login(system.url, username, PASSWORD), created["id"]


@pytest.fixture(scope="module")
def world(system, api, root_id):
    orgs = {"A": create_org(api, root_id, "权限测试党委", "党委")}
    orgs["A1"] = create_org(api, orgs["A"], "权限测试第一支部")
    orgs["B"] = create_org(api, root_id, "权限测试乙党委", "党委")
    member = ok(api.post("/members", json=member_data(orgs["A1"], name="权限党员")), 201)["id"]
    outsider = ok(api.post("/members", json=member_data(orgs["B"], name="范围外党员")), 201)["id"]
    admin_a, admin_a_id = new_login(system, api, orgs["A"], "rtadm", "系统管理员")
    role = ok(admin_a.post("/roles", json={"name": f"党费经办{code('')}", "rights": {"dues": "write"}}), 201)
    clerk, clerk_id = new_login(system, admin_a, orgs["A"], "rtclerk", role["name"], name="张会计",
                                phone="13800000000")
    reader, reader_id = new_login(system, admin_a, orgs["A"], "rtread", "只读")
    clients = {"admin_a": admin_a, "clerk": clerk, "reader": reader}
    wait_for(lambda: clerk.get(f"/members/{member}/dues").status_code, lambda s: s == 200,
             what="the dues service's projection of the member")
    yield {"orgs": orgs, "member": member, "outsider": outsider, "role": role, **clients,
           "ids": {"admin_a": admin_a_id, "clerk": clerk_id, "reader": reader_id}}
    for client in clients.values():
        client.close()


def refused_for_right(response, module: str) -> None:
    error = assert_error(response, 403, "forbidden")
    assert error["message"].startswith("无权操作") and f"“{module}”" in error["message"], error


def test_the_roles_and_the_login_carry_the_rights(system, world):
    roles = {r["name"]: r for r in ok(world["admin_a"].get("/roles"))["items"]}
    assert roles["系统管理员"]["builtin"] and roles["系统管理员"]["rights"]["system"] == "approve"
    assert "system" not in roles["业务管理员"]["rights"] and roles["业务管理员"]["rights"]["dues"] == "approve"
    assert set(roles["只读"]["rights"].values()) == {"read"}
    assert roles[world["role"]["name"]]["rights"] == {"dues": "write"} and not roles[world["role"]["name"]]["builtin"]
    listed = {a["id"]: a for a in ok(world["admin_a"].get("/accounts", params={"size": 200}))["items"]}
    clerk = listed[world["ids"]["clerk"]]
    assert clerk["role"] == world["role"]["name"] and clerk["name"] == "张会计" and clerk["disabled"] is False
    assert clerk["last_login"] and clerk["manageable"] is True and clerk["org_id"] == world["orgs"]["A"]


def test_the_dues_clerk_does_dues_and_nothing_else(world):
    clerk, member, orgs = world["clerk"], world["member"], world["orgs"]
    ok(clerk.put(f"/orgs/{orgs['A1']}/dues/settings", json={"registration_start": str(START)}))
    ok(clerk.put(f"/members/{member}/dues/base", json={"kind": "employed", "amount": "5000",
                                                       "from_month": str(START)}))
    paid = ok(clerk.post(f"/orgs/{orgs['A1']}/dues/payments", json={"month": str(START), "payments": [
        {"member_id": member, "amount": "50.00", "paid_on": date.today().isoformat()}]}), 201)
    assert paid["count"] == 1
    assert ok(clerk.get(f"/orgs/{orgs['A1']}/dues/month", params={"month": str(START)}))["totals"]
    assert ok(clerk.get(f"/orgs/{orgs['A']}"))["id"] == orgs["A"]  # the tree everyone navigates

    before = ok(world["admin_a"].get(f"/members/{member}"))
    refused_for_right(clerk.get(f"/members/{member}"), "日常管理")
    refused_for_right(clerk.patch(f"/members/{member}", json={"version": before["version"], "name": "改名"}),
                      "日常管理")
    refused_for_right(clerk.post("/members", json=member_data(orgs["A1"], name="不该有")), "日常管理")
    refused_for_right(clerk.post("/transfers", json={"member_id": member}), "关系接转")
    refused_for_right(clerk.get(f"/orgs/{orgs['A']}/transfers"), "关系接转")
    refused_for_right(clerk.post(f"/orgs/{orgs['A1']}/meetings", json={}), "组织生活")
    refused_for_right(clerk.get(f"/orgs/{orgs['A']}/mobility"), "流动党员")
    refused_for_right(clerk.post(f"/orgs/{orgs['A']}/terms", json={}), "换届")
    refused_for_right(clerk.get(f"/orgs/{orgs['A']}/applicants"), "发展党员")
    refused_for_right(clerk.get(f"/orgs/{orgs['A']}/reports/2025"), "统计报表")
    refused_for_right(clerk.get("/accounts"), "系统工具")
    refused_for_right(clerk.post("/roles", json={"name": "自封", "rights": {"dues": "write"}}), "系统工具")
    after = ok(world["admin_a"].get(f"/members/{member}"))
    assert after["name"] == before["name"] and after["version"] == before["version"]
    # 审批 is a level above 维护.
    applied = ok(clerk.post(f"/members/{member}/dues/exemptions", json={
        "from_month": str(START), "to_month": str(START + 1), "kind": "exempt", "reason": "重病住院"}), 201)
    refused_for_right(clerk.post(f"/dues/exemptions/{applied['id']}/approve", json={}), "党费")


def test_out_of_scope_is_still_refused_with_the_right(world):
    clerk, orgs = world["clerk"], world["orgs"]
    error = assert_error(clerk.get(f"/orgs/{orgs['B']}/dues/month"), 403, "forbidden")
    assert "管理范围" in error["message"]
    assert_error(clerk.get(f"/members/{world['outsider']}/dues"), 403, "forbidden")


def test_the_read_only_account_reads_and_writes_nothing(world):
    reader, member, orgs = world["reader"], world["member"], world["orgs"]
    current = ok(reader.get(f"/members/{member}"))
    assert ok(reader.get(f"/orgs/{orgs['A1']}/dues/month", params={"month": str(START)}))
    assert ok(reader.get(f"/orgs/{orgs['A']}/transfers"))
    refused_for_right(reader.patch(f"/members/{member}", json={"version": current["version"], "name": "改名"}),
                      "日常管理")
    refused_for_right(reader.post(f"/orgs/{orgs['A1']}/dues/payments", json={"month": str(START), "payments": []}),
                      "党费")
    refused_for_right(reader.post("/accounts", json={"username": f"x{code('')}", "password": FIRST_PASSWORD,
                                                    "org_id": orgs["A"], "role": "只读"}), "系统工具")
    assert ok(reader.get(f"/members/{member}"))["version"] == current["version"]


def test_nobody_grants_more_than_they_hold(system, world):
    admin_a, orgs = world["admin_a"], world["orgs"]
    # A 党费 clerk with 系统工具 maintenance: may manage accounts, but not give more than 党费.
    keeper_role = ok(admin_a.post("/roles", json={"name": f"账号员{code('')}",
                                                   "rights": {"dues": "write", "system": "write"}}), 201)
    keeper, _ = new_login(system, admin_a, orgs["A"], "rtkeep", keeper_role["name"])
    try:
        error = assert_error(keeper.post("/roles", json={"name": f"越权{code('')}",
                                                         "rights": {"dues": "approve"}}), 403, "forbidden")
        assert "党费" in error["message"]
        grantable = {r["name"]: r["grantable"] for r in ok(keeper.get("/roles"))["items"]}
        assert grantable[world["role"]["name"]] is True and grantable["只读"] is False
        assert_error(keeper.post("/accounts", json={"username": f"x{code('')}", "password": FIRST_PASSWORD,
                                                    "org_id": orgs["A"], "role": "只读"}), 403, "forbidden")
        assert_error(keeper.patch(f"/accounts/{world['ids']['clerk']}", json={"role": "业务管理员"}), 403)
        made = ok(keeper.post("/accounts", json={"username": f"rtk{code('')}".lower(), "password": FIRST_PASSWORD,
                                                 "org_id": orgs["A"], "role": world["role"]["name"]}), 201)
        assert made["role"] == world["role"]["name"]
    finally:
        keeper.close()
    bad = assert_error(admin_a.post("/roles", json={"name": "坏角色", "rights": {"dues": "all", "cash": "read"}}), 400)
    assert set(bad["fields"]) == {"rights.dues", "rights.cash"}
    assert_error(admin_a.post("/roles", json={"name": world["role"]["name"], "rights": {"dues": "read"}}), 409)


def test_who_administers_whom(system, api, world):
    admin_a, orgs, ids = world["admin_a"], world["orgs"], world["ids"]
    # A's administrator: its own organization's 业务用户, not itself, not the root's, not a sibling's.
    listed = {a["id"]: a for a in ok(admin_a.get("/accounts", params={"size": 200}))["items"]}
    assert listed[ids["admin_a"]]["manageable"] is False and listed[ids["clerk"]]["manageable"] is True
    b_admin = ok(api.post("/accounts", json={"username": f"rtb{code('')}".lower(), "password": FIRST_PASSWORD,
                                             "org_id": orgs["B"]}), 201)
    assert b_admin["role"] == "系统管理员"  # no role named: the one kind of account there was before roles
    assert_error(admin_a.post(f"/accounts/{b_admin['id']}/reset-password"), 403, "forbidden")
    assert_error(admin_a.patch(f"/accounts/{b_admin['id']}", json={"disabled": True}), 403, "forbidden")
    # A 业务用户 of A1 is A1's administrator's to make, not A's; A1's 系统管理员 is A's.
    assert_error(admin_a.post("/accounts", json={"username": f"rtx{code('')}".lower(), "password": FIRST_PASSWORD,
                                                 "org_id": orgs["A1"], "role": "只读"}), 403, "forbidden")
    a1_admin = ok(admin_a.post("/accounts", json={"username": f"rta1{code('')}".lower(),
                                                  "password": FIRST_PASSWORD, "org_id": orgs["A1"],
                                                  "role": "系统管理员"}), 201)
    # The root reaches A's 系统管理员 but not A's 业务用户 (A's administrator does that).
    assert_error(api.post(f"/accounts/{ids['clerk']}/reset-password"), 403, "forbidden")
    edited = ok(api.patch(f"/accounts/{a1_admin['id']}", json={"name": "王管理", "phone": "010-1234"}))
    assert edited["name"] == "王管理" and edited["role"] == "系统管理员"
    assert_error(admin_a.patch(f"/accounts/{ids['admin_a']}", json={"role": "只读"}), 403)  # its own: from above
    assert_error(admin_a.patch(f"/accounts/{ids['reader']}", json={"disabled": "yes"}), 400, "validation")


def test_edit_disable_and_role_change_take_effect_at_once(system, world):
    admin_a, orgs = world["admin_a"], world["orgs"]
    target, target_id = new_login(system, admin_a, orgs["A"], "rtedit", "只读")
    assert ok(target.get(f"/members/{world['member']}"))
    changed = ok(admin_a.patch(f"/accounts/{target_id}", json={"role": world["role"]["name"], "name": "李四"}))
    assert changed["role"] == world["role"]["name"] and changed["name"] == "李四"
    assert_error(target.get(f"/members/{world['member']}"), 401)  # new rights: its sessions ended
    target = login(system.url, changed["username"], PASSWORD)
    refused_for_right(target.get(f"/members/{world['member']}"), "日常管理")
    assert ok(admin_a.patch(f"/accounts/{target_id}", json={"disabled": True}))["disabled"] is True
    assert_error(target.get(f"/orgs/{orgs['A']}"), 401)
    assert ok(admin_a.patch(f"/accounts/{target_id}", json={"disabled": False}))["status"] == "active"
    assert_error(admin_a.patch(f"/accounts/{target_id}", json={"role": "没有的角色"}), 400)
    target.close()


def test_a_reset_password_is_one_time(system, world):
    admin_a, ids = world["admin_a"], world["ids"]
    listed = {a["id"]: a for a in ok(admin_a.get("/accounts", params={"size": 200}))["items"]}
    username = listed[ids["reader"]]["username"]
    reset = ok(admin_a.post(f"/accounts/{ids['reader']}/reset-password"))
    one_time = reset["one_time_password"]
    assert len(one_time) == 12 and "_" in one_time
    assert_error(world["reader"].get(f"/members/{world['member']}"), 401)  # its sessions ended
    assert_error(httpx.post(f"{system.url}/api/v1/session", json={"username": username, "password": PASSWORD}), 401)
    fresh = login(system.url, username, one_time)
    try:
        assert_error(fresh.get(f"/members/{world['member']}"), 403, "password_change_required")
        assert fresh.post("/session/password", json={"old_password": one_time,
                                                      "new_password": "Reader#Again2026"}).status_code == 204
    finally:
        fresh.close()
    world["reader"], world["reader_password"] = login(system.url, username, "Reader#Again2026"), "Reader#Again2026"
    assert ok(world["reader"].get(f"/members/{world['member']}"))
    assert_error(admin_a.post(f"/accounts/{ids['admin_a']}/reset-password"), 409)  # its own: 修改密码


def test_the_last_root_administrator_stays(system, api, root_id):
    """An account-keeping 业务用户 of the root (系统工具 维护) may disable a root 系统管理员, never the last."""
    listed = ok(api.get("/accounts", params={"org_id": root_id, "size": 200}))["items"]
    root_admins = [a for a in listed if a["org_id"] == root_id and a["role"] == "系统管理员" and not a["disabled"]
                   and a["username"] != "admin"]
    keeper_role = ok(api.post("/roles", json={"name": f"省账号员{code('')}", "rights": {"system": "write"}}), 201)
    keeper, _ = new_login(system, api, root_id, "rtroot", keeper_role["name"])
    try:
        for other in root_admins:  # earlier tests' root accounts, enabled again below
            ok(api.patch(f"/accounts/{other['id']}", json={"disabled": True}))
        admin_id = next(a["id"] for a in listed if a["username"] == "admin")
        error = assert_error(keeper.patch(f"/accounts/{admin_id}", json={"disabled": True}), 409, "conflict")
        assert "最后一个" in error["message"]
        assert_error(keeper.post(f"/accounts/{admin_id}/disable"), 409, "conflict")
        assert ok(api.get("/accounts", params={"org_id": root_id, "size": 200}))  # admin still works
    finally:
        for other in root_admins:
            ok(api.patch(f"/accounts/{other['id']}", json={"disabled": False}))
        keeper.close()


def web_login(system, username: str, password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=system.url, timeout=20, follow_redirects=False)
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303, response.text
    return client


def test_the_pages_show_only_what_the_role_may_use(system, world):
    listed = {a["id"]: a for a in ok(world["admin_a"].get("/accounts", params={"size": 200}))["items"]}
    orgs = world["orgs"]
    with closing(web_login(system, listed[world["ids"]["clerk"]]["username"])) as clerk:
        home = clerk.get("/")
        assert home.status_code == 200, home.text
        assert 'id="nav-dues"' in home.text and 'id="home-dues"' in home.text
        for hidden in ('id="nav-transfers"', 'id="nav-accounts"', 'id="nav-orglife"', 'id="home-development"',
                       'id="home-terms"', 'id="probation-title"', 'action="/search"'):
            assert hidden not in home.text, hidden
        org = clerk.get(f"/orgs/{orgs['A1']}")  # the organization page without its member list
        assert org.status_code == 200, org.text
        assert 'id="dues-link"' in org.text and 'id="member-form"' not in org.text
        assert 'id="stats-title"' not in org.text and "导入党员" not in org.text
        assert 'id="card-form"' not in org.text and 'id="delete-form"' not in org.text  # 日常管理 维护 only
        assert clerk.get(f"/orgs/{orgs['A1']}/dues").status_code == 200
        assert clerk.get("/accounts").status_code == 403
    with closing(web_login(system, listed[world["ids"]["admin_a"]]["username"])) as admin:
        accounts = admin.get("/accounts")
        assert accounts.status_code == 200 and "用户管理" in accounts.text
        assert world["role"]["name"] in accounts.text and "最近登录" in accounts.text
        roles = admin.get("/roles")
        assert roles.status_code == 200 and world["role"]["name"] in roles.text and "审批" in roles.text
        name = f"页面角色{code('')}"
        created = admin.post("/roles/new", data={"name": name, "rights-dues": "read", "rights-terms": "write",
                                                 "csrf_token": csrf_of(roles.text)})
        assert created.status_code == 303, created.text
        made = {r["name"]: r for r in ok(world["admin_a"].get("/roles"))["items"]}[name]
        assert made["rights"] == {"dues": "read", "terms": "write"}
        refused = admin.post("/roles/new", data={"name": "", "csrf_token": csrf_of(roles.text)})
        assert refused.status_code == 400 and 'id="role-form"' in refused.text
        reset = admin.post(f"/accounts/{world['ids']['clerk']}/reset-password",
                           data={"csrf_token": csrf_of(accounts.text)})
        assert reset.status_code == 200 and 'id="one-time-password"' in reset.text
        assert reset.headers["cache-control"] == "no-store"
        edited = admin.post(f"/accounts/{world['ids']['clerk']}/edit",
                            data={"role": world["role"]["name"], "name": "张会计", "phone": "",
                                  "csrf_token": csrf_of(accounts.text)})
        assert edited.status_code == 303, edited.text
    reader_name = listed[world["ids"]["reader"]]["username"]
    with closing(web_login(system, reader_name, world.get("reader_password", PASSWORD))) as reader:
        accounts = reader.get("/accounts")  # 只读 sees the list, without the forms
        assert accounts.status_code == 200 and 'id="account-form"' not in accounts.text
        assert "重置密码" not in accounts.text


def test_the_supervision_page_lists_only_readable_modules(system, world):
    listed = {a["id"]: a for a in ok(world["admin_a"].get("/accounts", params={"size": 200}))["items"]}
    orgs = world["orgs"]
    with closing(web_login(system, listed[world["ids"]["admin_a"]]["username"])) as admin:
        full = admin.get(f"/orgs/{orgs['A']}/supervision")
        assert full.status_code == 200 and 'id="dues-lapsed-title"' in full.text
        assert 'id="duplicate-ids-title"' in full.text and "预备期已满" in full.text
    reset = ok(world["admin_a"].post(f"/accounts/{world['ids']['clerk']}/reset-password"))
    first = login(system.url, listed[world["ids"]["clerk"]]["username"], reset["one_time_password"])
    assert first.post("/session/password", json={"old_password": reset["one_time_password"],
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    with closing(web_login(system, listed[world["ids"]["clerk"]]["username"])) as clerk:
        page = clerk.get(f"/orgs/{orgs['A']}/supervision")
        assert page.status_code == 200, page.text
        assert 'id="dues-lapsed-title"' in page.text
        for hidden in ('id="duplicate-ids-title"', 'id="lost-members-title"', 'id="terms-due-title"', "预备期已满"):
            assert hidden not in page.text, hidden
        member = clerk.get(f"/members/{world['member']}")
        assert member.status_code == 403  # the card is 日常管理's


def test_a_daily_only_account_sees_the_member_card_without_other_modules(system, world):
    admin_a, orgs = world["admin_a"], world["orgs"]
    role = ok(admin_a.post("/roles", json={"name": f"日常{code('')}", "rights": {"daily": "write"}}), 201)
    daily_api, daily_id = new_login(system, admin_a, orgs["A"], "rtdaily", role["name"])
    refused_for_right(daily_api.get("/accounts"), "系统工具")
    daily_api.close()
    listed = {a["id"]: a for a in ok(admin_a.get("/accounts", params={"size": 200}))["items"]}
    with closing(web_login(system, listed[daily_id]["username"])) as daily:
        card = daily.get(f"/members/{world['member']}")
        assert card.status_code == 200, card.text
        assert 'id="tab-orglife"' not in card.text and 'id="dues-link"' not in card.text
        assert 'id="transfer-link"' not in card.text and 'id="outflow-link"' not in card.text
        org = daily.get(f"/orgs/{orgs['A1']}")
        assert org.status_code == 200 and 'id="member-form"' in org.text and 'id="dues-link"' not in org.text
        assert 'id="card-form"' in org.text and 'id="stats-title"' not in org.text
        home = daily.get("/")
        assert home.status_code == 200 and 'id="probation-title"' in home.text and 'id="home-dues"' not in home.text
