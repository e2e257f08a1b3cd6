"""Every page at a desktop's 1280 px and a phone's 390 px: each visible button, link and submit
input has WCAG AA contrast (4.5:1) between its text and the background it really sits on, and
on the phone every control (buttons, the tree's toggles, the toolbar, tabs, fields) offers at
least a 44×44 px target; on the desktop the keyboard's focus shows a ring. Screenshots of
every page go to test-artifacts/screens/ with PMIS_PAGE_SCREENS=1."""
import io
import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from starlette.routing import Route

from gateway.web.pages import routes as page_routes
from tests.conftest import login
from tests.support.api import PASSWORD, complete_member, create_org, new_staff_account
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for

from .conftest import settle

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
# Shooting every page at both widths was half this test's time (178 of 357 s, measured): the shots are
# for a person looking at the pages, so they are taken when asked for (PMIS_PAGE_SCREENS=1).
SHOOT = os.environ.get("PMIS_PAGE_SCREENS") == "1"
YEAR = date.today().year
MIN_RATIO, MIN_TARGET = 4.5, 44

# htmx fragments, not pages: they are swapped into /query and the tree, and checked there.
FRAGMENTS = {"/orgs/{id}/tree", "/query/row", "/query/block", "/query/inputs", "/transfers/members",
             "/transfers/targets"}
# Every GET page, as the test visits it (ids filled from the data below).
PAGES = {
    "/login": "/login",
    "/": "/",
    "/password": "/password",
    "/orgs/{id}": "/orgs/{committee}",
    "/orgs/{id}/supervision": "/orgs/{committee}/supervision",
    "/orgs/{id}/import": "/orgs/{branch}/import",
    "/orgs/{id}/reports": "/orgs/{branch}/reports",
    "/orgs/{id}/reports/{year}": "/orgs/{branch}/reports/{year}",
    "/orgs/{id}/reports/{year}/comparison": "/orgs/{branch}/reports/{year}/comparison",
    "/orgs/{id}/reports/{year}/carry-forward": "/orgs/{branch}/reports/{year}/carry-forward",
    "/orgs/{id}/reports/{year}/name-lists/{kind}": "/orgs/{branch}/reports/{year}/name-lists/suspended",
    "/report-templates": "/report-templates",
    "/orgs/{id}/reports/{year}/usage": "/orgs/{committee}/reports/{year}/usage",
    "/orgs/{id}/history": "/orgs/{branch}/history",
    "/orgs/{id}/check": "/orgs/{committee}/check?subtree=1",
    "/orgs/{id}/orgs": "/orgs/{committee}/orgs",
    "/orgs/{id}/batch": "/orgs/{committee}/batch",
    "/orgs/{id}/org-import": "/orgs/{committee}/org-import",
    "/search": "/search?q=%E5%AF%B9%E6%AF%94",
    "/members/{id}": "/members/{member}",
    "/members/{id}/check": "/members/{member}/check",
    "/members/{id}/history": "/members/{member}/history",
    "/accounts": "/accounts",
    "/audit": "/audit",
    "/code-tables": "/code-tables",
    "/code-tables/{key}": "/code-tables/leave_kind",
    "/settings": "/settings",
    "/orgs/{id}/settings": "/orgs/{committee}/settings",
    "/roles": "/roles",
    "/orgs/{id}/member-check": "/orgs/{branch}/member-check",
    "/orgs/{id}/member-batch": "/orgs/{branch}/member-batch",
    "/query": "/query?saved={saved}",
    "/queries": "/queries",
    "/member-batches": "/member-batches",
    "/member-batches/{id}": "/member-batches/{batch}",
    "/transfers": "/transfers",
    "/orgs/{id}/transfers": "/orgs/{branch}/transfers",
    "/orgs/{id}/transfers/new": "/orgs/{branch}/transfers/new",
    "/transfers/{id}": "/transfers/{transfer}",
    "/orgs/{id}/transfers/inbound": "/orgs/{committee}/transfers/inbound",
    "/orgs/{id}/whole-transfer": "/orgs/{branch}/whole-transfer",
    "/transfer-reasons": "/transfer-reasons",
    "/mobility": "/mobility",
    "/orgs/{id}/mobility": "/orgs/{committee}/mobility",
    "/members/{id}/outflows/new": "/members/{member}/outflows/new",
    "/outflows/{id}": "/outflows/{outflow}",
    "/orgs/{id}/applicants": "/orgs/{branch}/applicants",
    "/orgs/{id}/applicant-import": "/orgs/{branch}/applicant-import",
    "/applicants/{id}": "/applicants/{applicant}",
    "/orgs/{id}/development": "/orgs/{branch}/development?step=branch_meeting",
    "/orgs/{id}/development-import": "/orgs/{branch}/development-import",
    "/dues": "/dues",
    "/orgs/{id}/dues": "/orgs/{branch}/dues",
    "/members/{id}/dues": "/members/{member}/dues",
    "/orgs/{id}/dues/bases": "/orgs/{branch}/dues/bases",
    "/orgs/{id}/dues/remittances": "/orgs/{committee}/dues/remittances",
    "/orgs/{id}/dues/large": "/orgs/{committee}/dues/large",
    "/orgs/{id}/dues/publication": "/orgs/{branch}/dues/publication",
    "/orgs/{id}/dues/bases/import": "/orgs/{branch}/dues/bases/import",
    "/orgs/{id}/dues/payments/import": "/orgs/{branch}/dues/payments/import",
    "/migration": "/migration",
    "/orgs/{id}/history-import": "/orgs/{branch}/history-import",
    "/orgs/{id}/info-import": "/orgs/{branch}/info-import",
    "/orgs/{id}/sanction-import": "/orgs/{branch}/sanction-import",
    "/orgs/{id}/outflow-import": "/orgs/{branch}/outflow-import",
    "/orgs/{id}/inflow-import": "/orgs/{branch}/inflow-import",
    "/orgs/{id}/term-import": "/orgs/{branch}/term-import",
    "/orgs/{id}/meeting-import": "/orgs/{branch}/meeting-import",
    "/orgs/{id}/meeting-file-import": "/orgs/{branch}/meeting-file-import",
    "/migration/open": "/migration/open",  # without a kind: back to the 数据迁移 page
    "/dues/base-imports/{id}": "/dues/base-imports/{base_import}",
    "/org-life": "/org-life",
    "/orgs/{id}/terms": "/orgs/{committee}/terms",
    "/orgs/{id}/org-life": "/orgs/{committee}/org-life",
    "/orgs/{id}/meetings/new": "/orgs/{branch}/meetings/new",
    "/meetings/{id}": "/meetings/{meeting}",
    "/meetings/{id}/edit": "/meetings/{meeting}/edit",
    "/orgs/{id}/org-life/plan": "/orgs/{branch}/org-life/plan",
    "/orgs/{id}/org-life/attendance": "/orgs/{branch}/org-life/attendance",
    "/orgs/{id}/org-life/evaluation": "/orgs/{branch}/org-life/evaluation",
    "/inflows/{id}": "/inflows/{inflow}",
}

CONTRAST_JS = "\n".join(line for line in (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
                        .splitlines() if not line.startswith("//"))

# Controls a thumb must hit. Links inside running text and table cells are WCAG 2.5.8's
# inline exception; the toolbar's, tabs' and topbar's links are not.
TARGETS = ("button, input[type=submit], input[type=button], summary, select, "
           "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), "
           ".toolbar a, .tabs a, .tab, .topbar a, .tree-twisty")
TARGET_JS = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width && box.height && getComputedStyle(el).visibility !== 'hidden';
  }).map(el => { const box = el.getBoundingClientRect();
    return {text: (el.innerText || el.value || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 30),
            width: Math.round(box.width), height: Math.round(box.height)}; })
  .filter(t => t.width < 44 || t.height < 44)"""


def test_every_get_page_is_visited():
    """The list above covers every page route: a new page cannot escape the contrast check."""
    gets = {r.path for r in page_routes if isinstance(r, Route) and "GET" in (r.methods or {"GET"})}
    assert gets - FRAGMENTS == set(PAGES), f"未检查的页面：{gets - FRAGMENTS - set(PAGES)}"


@pytest.fixture(scope="module")
def data(system, api, root_id):
    """An organization with children, a member with info-set rows, a saved query with
    conditions, a member batch, and a generated report with a correction."""
    committee = create_org(api, root_id, "对比度党委", "党委")
    branch = create_org(api, committee, "对比度第一支部")
    second = create_org(api, committee, "对比度第二支部")
    men = [member_data(branch, name=name, joined_on=joined, id_number=id_number(female=False))
           for name, joined in (("对比度甲", "2012-07-01"), ("对比度乙", "2015-07-01"))]
    member, _ = (api.post("/members", json=m).json()["id"] for m in men)
    card = api.get(f"/members/{member}").json()
    row = {"version": card["version"], "occupation": "工人", "unit": "第一机床厂", "started_on": "2016-01-01"}
    assert api.post(f"/members/{member}/info/work_posts", json=row).status_code < 300
    username = f"contrast{code('')}".lower()
    staff = staff_account(system, api, root_id, username)
    query = {"org_id": committee, "where": {"join": "or", "conditions": [
        {"join": "and", "conditions": [{"field": "name", "operator": "starts", "value": "对比度"},
                                       {"field": "sex", "operator": "eq", "value": "男"}]}]}}
    saved = staff.post("/saved-queries", json={"name": "对比度查询", "query": query})
    assert saved.status_code == 201, saved.text
    batch = staff.post("/member-batches", json={"query": query, "field": "ethnicity", "value": "满族", "expected": 2})
    assert batch.status_code == 201, batch.text
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json()["year_end_total"], lambda n: n == 2,
             what="年报计数")
    base = f"/orgs/{branch}/reports/{YEAR}"
    assert staff.post(base + "/generate").status_code == 200
    assert staff.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end",
                                                   "value": 3, "reason": "对比度录改"}).status_code == 200
    wait_for(lambda: staff.get(f"/members/{member}/dues").status_code, lambda status: status == 200,
             what="党费中的党员")
    sheet = load_workbook(io.BytesIO(staff.get(f"/orgs/{branch}/dues/bases/template.xlsx").content))
    sheet["党费基数表"].append([men[0]["name"], men[0]["id_number"], "在职", "4000", f"{YEAR}-01"])
    content = io.BytesIO()
    sheet.save(content)
    base_import = staff.post(f"/orgs/{branch}/dues/bases/imports", files={"file": ("基数.xlsx", content.getvalue())})
    assert base_import.status_code == 201, base_import.text
    staff.close()
    sent = complete_member(api, branch, "对比度转出")
    transfer = api.post("/transfers", json={"member_id": sent, "kind": "within", "to_org_id": second, "reason": "01",
                                            "dues_paid_to": f"{YEAR}-01", "phone": "13900000000"})
    assert transfer.status_code == 201, transfer.text
    away = complete_member(api, branch, "对比度流出")
    outflow = api.post(f"/members/{away}/outflows", json={
        "from_date": f"{YEAR}-01-02", "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
        "phone": "13900000000", "certificate": True})
    assert outflow.status_code == 201, outflow.text
    # 流入 members at the branch (one from the second branch, one from outside): the dues page's 流入
    # section, the inflow page, the meeting form's 流入 picker, the meeting's and attendance's 流入 rows.
    mover = complete_member(api, second, "对比度流入")
    inflow_out = api.post(f"/members/{mover}/outflows", json={
        "from_date": f"{YEAR}-01-01", "reason": "01", "to_org_id": branch, "phone": "13900000000",
        "destination": {"code": "110105", "text": "北京市朝阳区"}, "certificate": True})
    assert inflow_out.status_code == 201, inflow_out.text
    inflow = api.post(f"/orgs/{branch}/inflows", json={"outflow_id": inflow_out.json()["id"],
                                                       "from_date": f"{YEAR}-01-01"})
    assert inflow.status_code == 201, inflow.text
    outside = api.post(f"/orgs/{branch}/inflows", json={"from_date": f"{YEAR}-01-01", "external": {
        "name": "对比度系统外", "id_number": id_number(), "home_org_text": "外省某党支部",
        "certificate_no": "LD-0001"}})
    assert outside.status_code == 201, outside.text
    inflows = [inflow.json()["id"], outside.json()["id"]]
    wait_for(lambda: api.get(f"/orgs/{branch}/meeting-inflows", params={"on": f"{YEAR}-01-01"}).json()["items"],
             lambda items: {i["inflow_id"] for i in items} >= set(inflows), what="组织生活的流入党员")
    applicant = api.post("/applicants", json={"org_id": branch, "name": "对比度申请人", "ethnicity": "汉族",
                                              "id_number": id_number(date(1998, 5, 6)), "applied_on": f"{YEAR}-01-02"})
    assert applicant.status_code == 201, applicant.text
    meeting = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "支部党员大会", "held_at": f"{YEAR}-01-01T00:00", "place": "会议室", "host": "对比度甲",
        "recorder": "对比度乙", "topic": "对比度会议", "attendees": [member], "inflows": inflows})
    assert meeting.status_code == 201, meeting.text
    return {"committee": committee, "branch": branch, "member": member, "saved": saved.json()["id"],
            "batch": batch.json()["id"], "year": YEAR, "username": username, "transfer": transfer.json()["id"],
            "outflow": outflow.json()["id"], "applicant": applicant.json()["id"], "meeting": meeting.json()["id"],
            "base_import": base_import.json()["id"], "inflow": inflows[0]}


def staff_account(system, api, org_id: int, username: str):
    """An API client of a new account (bound to `org_id`) that the browser then signs in as."""
    return login(system.url, new_staff_account(system, api, org_id, username), PASSWORD)


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}/")


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_is_legible_and_touchable(system, data, browser, width):
    phone = width < 720
    context = browser.new_context(viewport={"width": width, "height": 900 if not phone else 844}, locale="zh-CN",
                                  device_scale_factor=1 if not phone else 2, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(30000)  # a 2-core machine shared with other work
    SCREENS.mkdir(parents=True, exist_ok=True)
    faint, small, unfocused = [], [], []
    try:
        for route, path in PAGES.items():
            if route == "/login":
                response = page.goto(system.url + path)
            else:
                if route == "/":
                    sign_in(page, system.url, data["username"])
                response = page.goto(system.url + path.format(**data))
            settle(page)
            # An error page would pass the contrast check: every page must answer as itself.
            assert response is not None and response.ok, f"{route} 返回 {response.status if response else None}"
            assert "/login" not in page.url or route == "/login", f"{route} 未登录"
            name = route.strip("/").replace("/", "_").replace("{", "").replace("}", "") or "home"
            if SHOOT:
                page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
            for item in page.evaluate(CONTRAST_JS, "a, button, input[type=submit], input[type=button], summary"):
                if item["ratio"] < MIN_RATIO:
                    faint.append(f"{route} “{item['text']}” {item['ratio']}:1")
            if not phone:  # the keyboard's focus is visible: a ring of at least 2 px
                page.keyboard.press("Tab")
                ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                    return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
                if ring[0] == "BODY" or ring[1] == "none" or ring[2] < 2:
                    unfocused.append(f"{route} {ring}")
            if phone:
                small += [f"{route} “{t['text']}” {t['width']}×{t['height']}"
                          for t in page.evaluate(TARGET_JS, TARGETS)]
    finally:
        context.close()
    assert not faint, "对比度不足 4.5:1：\n" + "\n".join(faint)
    assert not small, "触控目标小于 44×44 px：\n" + "\n".join(small)
    assert not unfocused, "键盘焦点不可见：\n" + "\n".join(unfocused)
