"""流动党员 through the JSON API, each call as the clerk whose organization it is: 流出登记 with a
活动证 → the receiving branch confirms the 流入 → 失联 → 取得联系 → 返回 (the inflow ends with it);
one open outflow per member (also two at once); none while a transfer is unfinished, and no 发起
while registered; a member leaving the rolls closes the outflow, the 回退 of that leave reopens it;
scope both ways; the 活动证 PDF, 补发 voiding the old number and numbers per county; lists, filters,
Excel; hostile input."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from io import BytesIO

import psycopg
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.api import complete_member, create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for

TODAY = date.today()
FROM = (TODAY - timedelta(days=30)).isoformat()


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county (地方委员会) with two 党委 and their branches, an unrelated 党委; a clerk for each."""
    orgs = {"K": create_org(api, root_id, "流动测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "流出测试党委", "党委")
    orgs["B"] = create_org(api, orgs["K"], "流入测试党委", "党委")
    orgs["C"] = create_org(api, root_id, "无关流动党委", "党委")
    orgs["A1"] = create_org(api, orgs["A"], "流出第一支部")
    orgs["B1"] = create_org(api, orgs["B"], "流入第一支部")
    orgs["C1"] = create_org(api, orgs["C"], "无关第一支部")
    clerks = {name: staff_client(system, api, orgs[name], f"mo{name.lower()}") for name in ("A", "A1", "B1", "C")}
    yield orgs, clerks
    for client in clerks.values():
        client.close()


def outflow_data(**overrides) -> dict:
    return {"from_date": FROM, "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
            "expected_return": (TODAY + timedelta(days=180)).isoformat(), "phone": "13900000000",
            "certificate": True, **overrides}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def new_member(api, org_id: int, name: str) -> int:
    return ok(api.post("/members", json=member_data(org_id, name=name)), 201)["id"]


def listed(client, org_id: int, direction: str, **params) -> list[int]:
    return [item["id"] for item in ok(client.get(f"/orgs/{org_id}/mobility",
                                                 params={"direction": direction, **params}))["items"]]


def test_outflow_inflow_lost_found_return(api, tree):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "流出党员甲")
    out = ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(to_org_id=orgs["B1"])), 201)
    assert out["state"] == "out" and out["to_org_name"] == "流入第一支部"
    assert out["destination_kind"] == "in_system" and out["certificate_no"]
    assert out["history"][0]["action_name"] == "流出登记"
    # One open outflow per member.
    again = assert_error(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data()), 409)
    assert "已登记为流动党员" in again["message"]
    # The home subtree lists it; the receiving branch sees it to confirm; the unrelated 党委 nothing.
    assert out["id"] in listed(clerks["A"], orgs["A"], "out")
    assert out["id"] in listed(clerks["B1"], orgs["B1"], "pending")
    assert out["id"] not in listed(api, orgs["C"], "out")
    assert_error(clerks["C"].get(f"/outflows/{out['id']}"), 403)
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/mobility"), 403)
    # Only the receiving organization confirms; the home side cannot act as receiver.
    assert_error(clerks["C"].post(f"/orgs/{orgs['C']}/inflows", json={"outflow_id": out["id"], "from_date": FROM}),
                 409)
    inflow = ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"outflow_id": out["id"],
                                                                       "from_date": TODAY.isoformat()}), 201)
    assert inflow["state"] == "in" and inflow["home_org_name"] == "流出第一支部"
    assert_error(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"outflow_id": out["id"],
                                                                       "from_date": TODAY.isoformat()}), 409)
    assert inflow["id"] in listed(clerks["B1"], orgs["B1"], "in")
    assert out["id"] not in listed(clerks["B1"], orgs["B1"], "pending")
    # The receiving side sees the outflow but does not manage it.
    seen = ok(clerks["B1"].get(f"/outflows/{out['id']}"))
    assert seen["actions"] == []
    assert_error(clerks["B1"].post(f"/outflows/{out['id']}/lost", json={"since": FROM, "reason": "1"}), 403)

    # 失联 → 取得联系 → 返回, each at the version read.
    assert_error(clerks["A1"].post(f"/outflows/{out['id']}/lost", json={"since": FROM, "reason": "7"}), 400)
    lost = ok(clerks["A1"].post(f"/outflows/{out['id']}/lost", json={
        "since": FROM, "reason": "7", "note": "电话停机", "version": seen["version"]}))
    assert lost["state"] == "lost" and lost["lost"]["reason_name"] == "其他"
    assert out["id"] in listed(clerks["A"], orgs["A"], "lost")
    stale = assert_error(clerks["A1"].post(f"/outflows/{out['id']}/found", json={
        "date": TODAY.isoformat(), "version": seen["version"]}), 409)
    assert stale["code"] == "conflict"
    assert_error(clerks["A1"].post(f"/outflows/{out['id']}/return", json={
        "date": TODAY.isoformat(), "report": "按时参加组织生活"}), 409)  # lost: find first
    found = ok(clerks["A1"].post(f"/outflows/{out['id']}/found", json={"date": TODAY.isoformat()}))
    assert found["state"] == "out" and found["lost"]["found_on"] == TODAY.isoformat()
    back = ok(clerks["A1"].post(f"/outflows/{out['id']}/return", json={
        "date": TODAY.isoformat(), "report": "外出期间按时参加组织生活、交纳党费"}))
    assert back["state"] == "returned" and back["inflow"] is None
    assert inflow["id"] not in listed(clerks["B1"], orgs["B1"], "in")
    assert inflow["id"] in listed(clerks["B1"], orgs["B1"], "in", state="ended")
    assert out["id"] not in listed(clerks["A"], orgs["A"], "out")
    assert out["id"] in listed(clerks["A"], orgs["A"], "out", state="returned")
    # The member card's mobility: none current, this one in the history; a new outflow may start.
    mobility = ok(clerks["A1"].get(f"/members/{member_id}/mobility"))
    assert mobility["current"] is None and [item["id"] for item in mobility["history"]] == [out["id"]]
    ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(certificate=False)), 201)


def test_transfer_and_outflow_exclude_each_other(api, tree):
    orgs, clerks = tree
    moving = complete_member(api, orgs["A1"], "转接中党员")
    transfer = ok(clerks["A1"].post("/transfers", json={
        "member_id": moving, "kind": "within", "to_org_id": orgs["B1"], "reason": "01",
        "dues_paid_to": f"{TODAY.year}-01", "phone": "13900000000", "address": "某路1号", "postcode": "100020"}), 201)
    refused = assert_error(clerks["A1"].post(f"/members/{moving}/outflows", json=outflow_data()), 409)
    assert "正在办理组织关系转接" in refused["message"]
    assert transfer["id"]

    mobile = complete_member(api, orgs["A1"], "已流出党员")
    ok(clerks["A1"].post(f"/members/{mobile}/outflows", json=outflow_data(certificate=False)), 201)
    refused = assert_error(clerks["A1"].post("/transfers", json={
        "member_id": mobile, "kind": "within", "to_org_id": orgs["B1"], "reason": "01",
        "dues_paid_to": f"{TODAY.year}-01", "phone": "13900000000", "address": "某路1号", "postcode": "100020"}), 409)
    assert "已登记为流出党员" in refused["message"]


def test_two_outflows_of_one_member_at_once_give_one(api, tree):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "并发流出")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: api.post(f"/members/{member_id}/outflows", json=outflow_data()), range(4)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409]
    assert ok(api.get(f"/orgs/{orgs['A1']}/mobility", params={"direction": "out", "q": "并发流出"}))["total"] == 1


def test_leaving_the_rolls_closes_the_outflow(api, tree):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "离开名册")
    out = ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(certificate=False)), 201)
    assert api.post(f"/members/{member_id}/leave", json={"kind": "死亡", "date": TODAY.isoformat(),
                                                         "reason": "病故"}).status_code == 200
    closed = wait_for(lambda: ok(clerks["A1"].get(f"/outflows/{out['id']}")), lambda o: o["state"] == "closed",
                      what="the transfer service to close the outflow")
    assert closed["closed_on"] == TODAY.isoformat()
    assert [e["action_name"] for e in closed["history"]][-1] == "党员离开名册，流出终止"
    # The death was keyed in by mistake: its 回退 opens the outflow again (a 找回 would not).
    version = ok(api.get(f"/members/{member_id}"))["version"]
    ok(api.post(f"/members/{member_id}/status/undo", json={"version": version}))
    reopened = wait_for(lambda: ok(clerks["A1"].get(f"/outflows/{out['id']}")), lambda o: o["state"] == "out",
                        what="the transfer service to reopen the outflow")
    assert reopened["closed_on"] is None and "return" in reopened["actions"]
    assert [e["action_name"] for e in reopened["history"]][-1] == "回退党员减少，恢复流出"


def test_scope_of_registration(api, tree):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "范围外党员")
    assert clerks["C"].post(f"/members/{member_id}/outflows", json=outflow_data()).status_code in (403, 404)
    assert_error(clerks["C"].post(f"/orgs/{orgs['B1']}/inflows", json={
        "external": {"name": "外来", "id_number": "11010519491231002X", "home_org_text": "外省"},
        "from_date": FROM}), 403)


def test_the_certificate_pdf_reissue_and_numbers_per_county(api, tree):
    orgs, clerks = tree
    county_code = ok(api.get(f"/orgs/{orgs['K']}"))["code"]
    first = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '持证党员')}/outflows",
                                 json=outflow_data()), 201)
    second = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '持证党员乙')}/outflows",
                                  json=outflow_data()), 201)
    assert first["certificate_no"].startswith(county_code) and len(first["certificate_no"]) == len(county_code) + 6
    assert int(second["certificate_no"][-6:]) > int(first["certificate_no"][-6:])
    # Another county (here the root, above the unrelated 党委) numbers from its own sequence.
    other = ok(clerks["C"].post(f"/members/{new_member(api, orgs['C1'], '他县党员')}/outflows",
                                json=outflow_data()), 201)
    assert not other["certificate_no"].startswith(county_code)

    response = clerks["A1"].get(f"/outflows/{first['id']}/certificate.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    for expected in ("流动党员活动证", first["certificate_no"], "持证党员", "流出测试党委", "北京市朝阳区",
                     f"{TODAY.year + 1}年", "查验"):
        assert expected in text, expected
    # The receiving side prints it too; the unrelated side does not.
    assert_error(clerks["C"].get(f"/outflows/{first['id']}/certificate.pdf"), 403)

    reissued = ok(clerks["A1"].post(f"/outflows/{first['id']}/certificate", json={"reason": "遗失"}))
    assert reissued["certificate_no"] != first["certificate_no"]
    voided = [c for c in reissued["certificates"] if c["voided_on"]]
    assert [c["number"] for c in voided] == [first["certificate_no"]] and voided[0]["void_reason"] == "遗失"
    without = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '无证党员')}/outflows",
                                   json=outflow_data(certificate=False)), 201)
    assert_error(clerks["A1"].get(f"/outflows/{without['id']}/certificate.pdf"), 409)


def test_external_inflow_lists_filters_and_excel(api, tree):
    orgs, clerks = tree
    external = {"name": "外省流入", "id_number": "11010519491231002X", "home_org_text": "外省某县某党委",
                "certificate_no": "520100000007"}
    inflow = ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"external": external, "from_date": FROM}),
                201)
    assert inflow["home_org_name"] == "外省某县某党委" and inflow["certificate_no"] == "520100000007"
    assert_error(clerks["B1"].post(f"/orgs/{orgs['B1']}/inflows", json={"external": external, "from_date": FROM}),
                 409)
    ended = ok(clerks["B1"].post(f"/inflows/{inflow['id']}/end", json={"date": TODAY.isoformat()}))
    assert ended["state"] == "ended"
    assert_error(clerks["A1"].post(f"/inflows/{inflow['id']}/end", json={"date": TODAY.isoformat()}), 404)

    abroad = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '出境党员')}/outflows", json=outflow_data(
        reason="05", destination={"text": "新加坡", "abroad": True}, to_org_text="新加坡某中资企业党组织",
        certificate=False)), 201)
    assert abroad["destination_kind"] == "abroad" and abroad["to_org_name"] == "新加坡某中资企业党组织"
    assert listed(clerks["A"], orgs["A"], "out", destination_kind="abroad") == [abroad["id"]]
    assert abroad["id"] in listed(clerks["A"], orgs["A"], "out", reason="出国(境)")
    page = ok(clerks["A"].get(f"/orgs/{orgs['A']}/mobility", params={"direction": "out", "size": 2}))
    assert page["total"] >= 3 and len(page["items"]) == 2
    counts = ok(clerks["A"].get(f"/orgs/{orgs['A']}/mobility/counts"))
    assert counts["out"] == page["total"]

    sheet = clerks["A"].get(f"/orgs/{orgs['A']}/mobility.xlsx", params={"direction": "out"})
    assert sheet.status_code == 200
    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("姓名", "性别", "所在党组织", "流出日期")
    assert "出境党员" in [row[0] for row in rows[2:]] and len(rows) - 2 == page["total"]


@pytest.mark.parametrize("body, field", [
    ({}, "from_date"), ({**outflow_data(), "from_date": "2026-13-01"}, "from_date"),
    ({**outflow_data(), "reason": "不存在"}, "reason"), ({**outflow_data(), "destination": "北京"}, "destination"),
    ({**outflow_data(), "destination": {"code": "000000", "text": "x"}}, "destination.code"),
    ({**outflow_data(), "phone": "x" * 5000}, "phone"), ({**outflow_data(), "to_org_id": 999999999}, "to_org_id"),
])
def test_bad_outflows_get_field_messages(api, tree, body, field):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "坏输入")
    answer = assert_error(clerks["A1"].post(f"/members/{member_id}/outflows", json=body), 400)
    assert field in answer["fields"], answer


def test_hostile_ids_and_lists(api, tree):
    orgs, clerks = tree
    for path in ("/outflows/0", "/outflows/abc", "/outflows/99999999999", "/outflows/99999999999/certificate.pdf"):
        assert clerks["A"].get(path).status_code == 404, path
    assert_error(clerks["A"].post("/members/99999999/outflows", json=outflow_data()), 404)
    assert_error(clerks["A"].get(f"/orgs/{orgs['A']}/mobility", params={"direction": "sideways"}), 400)
    assert_error(clerks["A"].get(f"/orgs/{orgs['A']}/mobility", params={"from": "yesterday"}), 400)
    assert_error(clerks["A"].post(f"/orgs/{orgs['A']}/inflows", json={"outflow_id": "1; drop", "from_date": FROM}),
                 400)


def test_the_openapi_document_lists_mobility(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/members/{id}/outflows", "/outflows/{id}/return", "/outflows/{id}/lost", "/outflows/{id}/found",
                 "/orgs/{id}/inflows", "/orgs/{id}/mobility", "/outflows/{id}/certificate.pdf",
                 "/outflows/{id}/certificate/checks"):
        assert path in paths, path


def test_home_page_and_lists_remind_of_pending_inflows(api, tree, browser_session):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "待确认党员")
    ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(to_org_id=orgs["B1"],
                                                                              certificate=False)), 201)
    home = browser_session.get("/")
    assert home.status_code == 200 and 'id="home-mobility"' in home.text and "名流入党员待确认" in home.text
    page = browser_session.get(f"/orgs/{orgs['B']}/mobility", params={"tab": "pending"})
    assert page.status_code == 200 and "待确认党员" in page.text and "确认流入" in page.text
    card = browser_session.get(f"/members/{member_id}")
    assert 'id="mobility-current"' in card.text and 'id="outflow-link"' not in card.text


def test_two_inflow_registrations_at_once_give_one(api, tree):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "并发流入")
    out = ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(to_org_id=orgs["B1"],
                                                                                    certificate=False)), 201)
    external = {"name": "并发外来", "home_org_text": "外省"}
    bodies = [{"outflow_id": out["id"], "from_date": TODAY.isoformat()}] * 3 + [
        {"external": {**external, "id_number": "11010519491231002X"}, "from_date": FROM}] * 3
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda body: api.post(f"/orgs/{orgs['B1']}/inflows", json=body), bodies))
    assert sorted(r.status_code for r in answers[:3]) == [201, 409, 409]
    assert sorted(r.status_code for r in answers[3:]) == [201, 409, 409]


def test_lost_six_months_on_supervision(api, tree, browser_session):
    orgs, clerks = tree
    member_id = new_member(api, orgs["A1"], "久失联党员")
    out = ok(clerks["A1"].post(f"/members/{member_id}/outflows", json=outflow_data(
        from_date=(TODAY - timedelta(days=400)).isoformat(), certificate=False)), 201)
    since = (TODAY - timedelta(days=200)).isoformat()
    ok(clerks["A1"].post(f"/outflows/{out['id']}/lost", json={"since": since, "reason": "6"}))
    recent = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '新失联党员')}/outflows",
                                  json=outflow_data(certificate=False)), 201)
    ok(clerks["A1"].post(f"/outflows/{recent['id']}/lost", json={"since": TODAY.isoformat(), "reason": "6"}))

    listed = ok(clerks["A"].get(f"/orgs/{orgs['A']}/supervision/lost-members"))
    assert [(i["name"], i["lost_since"], i["lost_reason_name"]) for i in listed["items"]] == [
        ("久失联党员", since, "居住地改变")]
    assert ok(clerks["A"].get(f"/orgs/{orgs['A']}/mobility/counts"))["lost_long"] == 1
    assert_error(clerks["B1"].get(f"/orgs/{orgs['A']}/supervision/lost-members"), 403)
    sheet = load_workbook(BytesIO(clerks["A"].get(f"/orgs/{orgs['A']}/supervision/lost-members.xlsx").content))
    assert "久失联党员" in [row[0] for row in sheet.active.iter_rows(values_only=True)]
    page = browser_session.get(f"/orgs/{orgs['A']}/supervision")
    assert "失联满6个月的党员（1）" in page.text and f"/outflows/{out['id']}" in page.text


def test_the_yearly_certificate_check(system, api, tree):
    """活动证查验: once a year per card, only by the home side, shown on the outflow, in the PDF's 查验
    rows and no longer counted as due; refused without a card, for a year not on the card, twice,
    and once the outflow ended. The card is dated back a year (as time would make it) so this
    year is one of its 查验 rows."""
    orgs, clerks = tree
    out = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '查验党员')}/outflows",
                               json=outflow_data()), 201)
    issued = date(TODAY.year - 1, 6, 1)
    with psycopg.connect(plain_dsn(system)) as pg:
        pg.execute("UPDATE transfer.certificates SET issued_on = %s, valid_until = %s WHERE number = %s",
                   (issued, date(TODAY.year + 2, 5, 31), out["certificate_no"]))
    card = ok(clerks["A1"].get(f"/outflows/{out['id']}"))["certificates"][0]
    assert card["check_years"] == [TODAY.year, TODAY.year + 1, TODAY.year + 2] and card["check_due"]
    due = ok(clerks["A1"].get(f"/orgs/{orgs['A1']}/mobility/counts"))["check_due"]
    assert due >= 1
    url = f"/outflows/{out['id']}/certificate/checks"
    check = {"year": TODAY.year, "checked_on": TODAY.isoformat(), "note": "按时参加组织生活，交纳党费"}

    without = ok(clerks["A1"].post(f"/members/{new_member(api, orgs['A1'], '无证查验')}/outflows",
                                   json=outflow_data(certificate=False)), 201)
    assert "未发放活动证" in assert_error(clerks["A1"].post(f"/outflows/{without['id']}/certificate/checks",
                                                         json=check), 409)["message"]
    assert "year" in assert_error(clerks["A1"].post(url, json={**check, "year": TODAY.year + 1}), 400)["fields"]
    assert "year" in assert_error(clerks["A1"].post(url, json={**check, "year": 2001}), 400)["fields"]
    assert "checked_on" in assert_error(clerks["A1"].post(url, json={**check, "checked_on": "2001-05-01"}),
                                        400)["fields"]
    assert_error(clerks["A1"].post(url, json={**check, "year": True}), 400)
    assert_error(clerks["B1"].post(url, json=check), 403)  # the receiving side reports; the home side checks
    assert_error(clerks["C"].post(url, json=check), 403)

    checked = ok(clerks["A1"].post(url, json=check), 201)
    card = checked["certificates"][0]
    assert card["checks"] == [{"year": TODAY.year, "checked_on": TODAY.isoformat(), "org_text": "流出第一支部",
                               "note": "按时参加组织生活，交纳党费"}]
    assert not card["check_due"] and checked["history"][-1]["action_name"] == "活动证查验"
    twice = assert_error(clerks["A1"].post(url, json={**check, "note": "再次"}), 409)
    assert "已于" in twice["message"] and "不能重复查验" in twice["message"]
    assert ok(clerks["A1"].get(f"/orgs/{orgs['A1']}/mobility/counts"))["check_due"] == due - 1
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(
        clerks["A1"].get(f"/outflows/{out['id']}/certificate.pdf").content)).pages)
    for expected in ("按时参加组织生活，交纳党费", "流出第一支部", TODAY.isoformat(), f"{TODAY.year + 2}年"):
        assert expected in text, expected

    ok(clerks["A1"].post(f"/outflows/{out['id']}/return", json={"date": TODAY.isoformat(), "report": "已返回"}))
    assert "流出中" in assert_error(clerks["A1"].post(url, json={**check, "year": TODAY.year}), 409)["message"]


def test_lists_follow_an_organization_move(api, root_id):
    """The lists read rows by the paths they keep (outflows: home and receiving organization; inflows:
    theirs): a move of the home branch, and one of the receiving branch, carries them to the new parent."""
    p = create_org(api, root_id, "流动迁移甲党委", "党委")
    q = create_org(api, root_id, "流动迁移乙党委", "党委")
    home, there, later = (create_org(api, p, "流动迁移流出支部"), create_org(api, q, "流动迁移流入支部"),
                          create_org(api, q, "流动迁移待确认支部"))
    member, waiting = new_member(api, home, "迁移流出甲"), new_member(api, home, "迁移流出乙")
    out = ok(api.post(f"/members/{member}/outflows", json=outflow_data(to_org_id=there)), 201)
    pending = ok(api.post(f"/members/{waiting}/outflows", json=outflow_data(to_org_id=later)), 201)
    inflow = ok(api.post(f"/orgs/{there}/inflows", json={"outflow_id": out["id"], "from_date": TODAY.isoformat()}), 201)

    def move(org_id: int, parent_id: int) -> None:
        version = ok(api.get(f"/orgs/{org_id}"))["version"]
        ok(api.post(f"/orgs/{org_id}/move", json={"parent_id": parent_id, "date": TODAY.isoformat(),
                                                  "reason": "隶属关系调整", "version": version}))

    move(home, q)
    wait_for(lambda: listed(api, p, "out"), lambda ids: ids == [], what="the outflows leaving the old parent")
    assert set(listed(api, q, "out")) == {out["id"], pending["id"]}
    move(there, p)
    move(later, p)
    wait_for(lambda: listed(api, p, "in"), lambda ids: ids == [inflow["id"]], what="the inflow under the new parent")
    wait_for(lambda: listed(api, p, "pending"), lambda ids: ids == [pending["id"]], what="the pending outflow")
    assert listed(api, q, "in") == [] and listed(api, q, "pending") == []
    counts = ok(api.get(f"/orgs/{q}/mobility/counts"))
    assert (counts["out"], counts["in"], counts["pending"]) == (2, 0, 0)
