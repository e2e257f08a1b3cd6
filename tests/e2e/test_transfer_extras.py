"""组织关系转接, the extras of issue 10 through the gateway: each step's contact (联系人, 联系电话 of
the handling organization's card) on the route and in the work lists; the histories filtered and
exported to Excel with names, not codes; an organization with transfers in flight that cannot be
revoked or deleted (the org service's projection of transfer events); 转接原因 as a code table an
administrator edits and 发起 checks."""
import io
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.support.api import complete_member, create_org, staff_client
from tests.support.helpers import CJK, assert_error, wait_for

DUES = f"{date.today().year}-01"


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    orgs = {key: create_org(api, root_id, name, "党委") for key, name in (("A", "联系转出党委"), ("B", "联系转入党委"))}
    orgs["A1"] = create_org(api, orgs["A"], "联系转出支部")
    orgs["B1"] = create_org(api, orgs["B"], "联系转入支部")
    orgs["B2"] = create_org(api, orgs["B"], "待撤销接收支部")
    clerks = {name: staff_client(system, api, orgs[name], f"ex{name.lower()}") for name in ("A", "A1", "B", "B1")}
    set_contact(api, orgs["A"], "王转出", "010-66000001")
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def apply(client, member_id: int, to_org_id: int, **overrides):
    return client.post("/transfers", json={"member_id": member_id, "kind": "within", "to_org_id": to_org_id,
                                           "reason": "01", "dues_paid_to": DUES, **overrides})


def set_contact(api, org_id: int, person: str, phone: str) -> None:
    org = ok(api.get(f"/orgs/{org_id}"))
    ok(api.patch(f"/orgs/{org_id}", json={"version": org["version"], "contact_person": person,
                                          "contact_phone": phone}))


def test_each_step_shows_the_contact_of_its_organization(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "联系人党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"]), 201)

    def first_step(transfer):
        return (transfer["route"][0]["contact_person"], transfer["route"][0]["contact_phone"])
    shown = wait_for(lambda: ok(clerks["A1"].get(f"/transfers/{created['id']}")),
                     lambda t: first_step(t) == ("王转出", "010-66000001"), what="the org card's contact")
    assert shown["route"][1]["contact_person"] is None  # 联系转入党委 recorded none
    # The work lists give the current step's contact; a later card edit shows at once.
    item = next(i for i in ok(clerks["A"].get(f"/orgs/{orgs['A']}/transfers", params={"box": "todo"}))["items"]
                if i["id"] == created["id"])
    assert item["current_step"]["contact_person"] == "王转出"
    set_contact(api, orgs["B"], "李接收", "0571-8800001")
    shown = wait_for(lambda: ok(clerks["B1"].get(f"/transfers/{created['id']}")),
                     lambda t: t["route"][1]["contact_person"] == "李接收", what="the receiving 党委's contact")
    assert shown["route"][1]["contact_phone"] == "0571-8800001"


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_histories_are_filtered_and_exported_with_names(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "历史导出党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B1"], reason="02"), 201)
    today = date.today().isoformat()
    listed = ok(clerks["A"].get(f"/orgs/{orgs['A']}/transfers",
                                params={"box": "out", "kind": "within", "state": "approving", "applied_from": today}))
    assert created["id"] in [item["id"] for item in listed["items"]]
    assert listed["filters"] == {"kind": "within", "state": "approving", "applied_from": today}
    for params in ({"kind": "cross_province"}, {"applied_from": (date.today() + timedelta(days=1)).isoformat()}):
        assert ok(clerks["A"].get(f"/orgs/{orgs['A']}/transfers", params={"box": "out", **params}))["total"] == 0
    error = assert_error(clerks["A"].get(f"/orgs/{orgs['A']}/transfers",
                                         params={"box": "out", "applied_from": "2026-13-01"}), 400, "validation")
    assert CJK.search(error["fields"]["applied_from"])

    sheet = workbook(clerks["A"].get(f"/orgs/{orgs['A']}/transfers/export.xlsx",
                                     params={"box": "out", "kind": "within"}))
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert "联系转出党委" in rows[0][0] and "转出历史" in rows[0][0] and "省内转接" in rows[0][0]
    assert rows[1][:6] == ("党员姓名", "转接类型", "转出党组织", "转入党组织", "转接原因", "状态")
    row = next(r for r in rows[2:] if r[0] == "历史导出党员")
    assert row[1:6] == ("省内转接", "联系转出支部", "联系转入支部", "升学/毕业", "审批中")
    assert "联系转出党委 审批" in row[6] and "王转出" in (row[7] or "")
    # 审批记录 and 转入历史 too; the receiving side sees it in 转入历史.
    ok(clerks["A"].post(f"/transfers/{created['id']}/approve", json={"version": created["version"]}))
    acted = workbook(clerks["A"].get(f"/orgs/{orgs['A']}/transfers/export.xlsx", params={"box": "acted"}))
    assert "历史导出党员" in [r[0] for r in acted.iter_rows(min_row=3, values_only=True)]
    incoming = workbook(clerks["B1"].get(f"/orgs/{orgs['B1']}/transfers/export.xlsx", params={"box": "in"}))
    assert "历史导出党员" in [r[0] for r in incoming.iter_rows(min_row=3, values_only=True)]
    # Hostile or out of scope: 400 / 403, nothing sent.
    assert_error(clerks["A"].get(f"/orgs/{orgs['A']}/transfers/export.xlsx", params={"box": "todo"}), 400)
    assert_error(clerks["A"].get(f"/orgs/{orgs['A']}/transfers/export.xlsx",
                                 params={"box": "out", "kind": "x" * 5000}), 400, "validation")
    assert clerks["A"].get(f"/orgs/{orgs['B']}/transfers/export.xlsx",
                           params={"box": "out"}).status_code in (403, 404)


def test_an_organization_with_transfers_in_flight_cannot_be_revoked_or_deleted(api, tree):
    orgs, clerks = tree
    member_id = complete_member(api, orgs["A1"], "在途党员")
    created = ok(apply(clerks["A1"], member_id, orgs["B2"]), 201)
    wait_for(lambda: ok(api.get(f"/orgs/{orgs['B2']}"))["in_transit"], lambda c: c["coming"] == 1,
             what="the org service to learn of the transfer")
    assert ok(api.get(f"/orgs/{orgs['A1']}"))["in_transit"]["leaving"] >= 1
    for attempt in (lambda: api.post(f"/orgs/{orgs['B2']}/revoke", json={"date": date.today().isoformat(),
                                                                          "reason": "撤并"}),
                    lambda: api.delete(f"/orgs/{orgs['B2']}")):
        error = assert_error(attempt(), 409, "conflict")
        assert "1个未办结组织关系转接" in error["message"], error
    error = assert_error(api.post(f"/orgs/{orgs['A1']}/revoke", json={"date": date.today().isoformat(),
                                                                       "reason": "撤并"}), 409, "conflict")
    assert "正在办理组织关系转出" in error["message"]
    # Once the transfer ends (撤销), the organization may go.
    ok(clerks["A1"].post(f"/transfers/{created['id']}/revoke", json={"version": created["version"],
                                                                     "reason": "改派"}))
    wait_for(lambda: ok(api.get(f"/orgs/{orgs['B2']}"))["in_transit"], lambda c: c["coming"] == 0,
             what="the org service to learn that the transfer ended")
    assert ok(api.delete(f"/orgs/{orgs['B2']}"))["deleted"] is True


def test_reasons_are_a_code_table_the_administrator_edits(api, tree):
    orgs, clerks = tree
    code = str(random.randint(1000, 9999))
    name = f"援建{code}"
    created = ok(api.post("/transfer-reasons", json={"code": code, "name": name}), 201)
    assert created == {**created, "code": code, "name": name, "enabled": True, "used": 0}
    assert_error(api.post("/transfer-reasons", json={"code": code, "name": "另一个"}), 409)
    assert_error(api.post("/transfer-reasons", json={"code": "99" + code, "name": name}), 400, "validation")
    error = assert_error(api.post("/transfer-reasons", json={"code": "x", "name": ""}), 400, "validation")
    assert CJK.search(error["fields"]["code"]) and CJK.search(error["fields"]["name"])
    # Only the root's accounts maintain it; everyone reads it.
    assert_error(clerks["A"].post("/transfer-reasons", json={"code": "98", "name": "越权"}), 403)
    assert code in [r["code"] for r in ok(clerks["A1"].get("/transfer-reasons"))["items"]]
    assert ok(clerks["A1"].get("/transfer-reasons"))["may_edit"] is False

    member_id = complete_member(api, orgs["A1"], "新原因党员")
    transfer = ok(apply(clerks["A1"], member_id, orgs["B1"], reason=name), 201)  # by name or code
    assert (transfer["reason"], transfer["reason_name"]) == (code, name)
    renamed = ok(api.patch(f"/transfer-reasons/{code}", json={"name": f"援疆{code}", "version": created["version"]}))
    assert renamed["used"] == 1
    assert ok(clerks["A1"].get(f"/transfers/{transfer['id']}"))["reason_name"] == f"援疆{code}"
    assert_error(api.patch(f"/transfer-reasons/{code}", json={"name": "旧版", "version": created["version"]}), 409)
    # A used code is never deleted, only disabled; a disabled one is refused to 发起.
    error = assert_error(api.delete(f"/transfer-reasons/{code}"), 409, "conflict")
    assert "不能删除" in error["message"]
    ok(api.patch(f"/transfer-reasons/{code}", json={"enabled": False}))
    other = complete_member(api, orgs["A1"], "停用原因党员")
    error = assert_error(apply(clerks["A1"], other, orgs["B1"], reason=code), 400, "validation")
    assert "转接原因" in error["message"] or CJK.search(error["fields"]["reason"])
    ok(api.patch(f"/transfer-reasons/{code}", json={"enabled": True}))
    # An unused code may be deleted (a mistaken entry).
    spare = str((int(code) + 1) % 9000 + 1000)
    with ThreadPoolExecutor(2) as pool:  # the same code twice at once: one is added, the other 409
        answers = sorted(r.status_code for r in pool.map(
            lambda name: api.post("/transfer-reasons", json={"code": spare, "name": name}),
            (f"误录{spare}", f"重录{spare}")))
    assert answers == [201, 409], answers
    assert ok(api.delete(f"/transfer-reasons/{spare}")) == {"code": spare, "deleted": True}
    assert_error(api.delete(f"/transfer-reasons/{spare}"), 404)
    assert_error(api.patch("/transfer-reasons/" + "9" * 60, json={"name": "长"}), 404)
    assert_error(api.patch(f"/transfer-reasons/{code}", json={"enabled": "no"}), 400)
