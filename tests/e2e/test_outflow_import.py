"""数据迁移: the 流出党员采集表 end to end — the template; a preview that writes nothing and names
every refused row's reason (out of scope, another name, already away, bad columns); the commit that
registers each outflow as 流出登记 does (the 流动党员 page's list, the member's 流动 card, the
操作日志, the statistics' 流动党员情况); the report; the same file twice writing nothing; scope and rights."""
import io
from contextlib import closing
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for
from tests.support.sheets import collection_sheet

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["公民身份号码", "姓名", "流出日期", "流出原因", "流向地", "流向地行政区划代码", "是否出国（境）",
           "流入党组织代码", "流入单位或党组织", "联系电话", "预计返回日期", "活动证编号", "发证日期"]
TODAY = date.today()
YEAR = TODAY.year
FROM = date(YEAR, 1, 2).isoformat()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def outflow_sheet(rows: list[list]) -> bytes:
    return collection_sheet("流出党员采集表", HEADERS, rows)


def upload(client, content: bytes):
    return client.post("/imports/outflows", files={"file": ("流出党员采集表.xlsx", content, XLSX)}, timeout=60)


def mobile(rpc, org_id: int) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=YEAR)
    return next(t for t in report["tables"] if t["key"] == "mobile")["rows"][0]["cells"]


@pytest.fixture(scope="module")
def branch(system, api, root_id):
    """A branch with four members and its clerk, a receiving branch elsewhere, a member outside."""
    home = create_org(api, root_id, "流出导入支部")
    receiving = create_org(api, root_id, "流出导入接收支部")
    other = create_org(api, root_id, "流出导入无关支部")
    clerk = staff_client(system, api, home, "outimp")
    people = {}
    for name, org in (("流出甲", home), ("流出乙", home), ("流出丙", home), ("已流出丁", home), ("外支部戊", other)):
        data = member_data(org, name=name)
        people[name] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]}
    ok(clerk.post(f"/members/{people['已流出丁']['id']}/outflows", json={
        "from_date": "2023-05-01", "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
        "phone": "13900000000", "certificate": False}), 201)
    yield {"home": home, "receiving": receiving, "receiving_code": ok(api.get(f"/orgs/{receiving}"))["code"],
           "other": other, "clerk": clerk, "people": people}
    clerk.close()


def test_the_template_and_the_migration_list(api, branch):
    response = branch["clerk"].get("/imports/outflows/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["流出党员采集表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[4][:1] == ["流出原因"] and notes[4][3] == "外出务工经商"
    reasons = [row[0] for row in book["代码表"].iter_rows(values_only=True) if row[0]]
    assert reasons[:3] == ["流出原因", "外出务工经商", "升学或就读"]
    kinds = ok(api.get("/migration/kinds"))
    assert {"key": "outflows", "sheet": "流出党员采集表", "module": "mobility"}.items() <= next(
        kind for kind in kinds["items"] if kind["key"] == "outflows").items()
    assert "流动党员" not in [item["sheet"] for item in kinds["not_yet"]]


def test_preview_commit_pages_stats_and_the_same_file_twice(api, rpc, branch):
    clerk, people = branch["clerk"], branch["people"]
    before = mobile(rpc, branch["home"])
    content = outflow_sheet([
        [people["流出甲"]["id_number"], "流出甲", FROM, "外出务工经商", "广东省广州市天河区", "440106", "否", "",
         "广州某公司党支部", "13900000001", ""],
        [people["流出乙"]["id_number"], "流出乙", FROM, "工作派遣或借调", "本系统接收支部", "110105", "",
         branch["receiving_code"], "", "13900000002", f"{YEAR + 1}-01-01"],
        [people["流出丙"]["id_number"], "流出丙", FROM.replace("-", "/"), "出国(境)", "新加坡", "", "是", "", "",
         "13900000003", ""],
        [people["已流出丁"]["id_number"], "已流出丁", FROM, "外出务工经商", "广州", "440106", "", "", "", "139", ""],
        [people["外支部戊"]["id_number"], "外支部戊", FROM, "外出务工经商", "广州", "440106", "", "", "", "139", ""],
        [people["流出甲"]["id_number"], "流出某", FROM, "外出务工经商", "广州", "440106", "", "", "", "139", ""],
        [people["流出甲"]["id_number"], "流出甲", "", "出差", "", "", "", "", "", "", ""],
    ])
    preview = ok(upload(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (7, 3)
    reasons = {}
    for error in preview["errors"]:
        reasons.setdefault(error["row"], {})[error["field"]] = error["message"]
    assert set(reasons) == {5, 6, 7, 8}
    assert "已登记为流出党员（流出日期2023-05-01）" in reasons[5]["id_number"]
    assert "管理范围内没有" in reasons[6]["id_number"]
    assert "名册中为“流出甲”" in reasons[7]["name"]
    assert {"from_date", "reason", "destination", "phone"} <= set(reasons[8])
    assert "未知的流出原因" in reasons[8]["reason"]
    away = ok(clerk.get(f"/orgs/{branch['home']}/mobility", params={"direction": "out", "size": "50"}))
    assert {item["member_name"] for item in away["items"]} == {"已流出丁"}  # a preview writes nothing

    done = ok(clerk.post(f"/imports/outflows/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (3, 4)
    away = ok(clerk.get(f"/orgs/{branch['home']}/mobility", params={"direction": "out", "size": "50"}))
    assert {item["member_name"] for item in away["items"]} == {"已流出丁", "流出甲", "流出乙", "流出丙"}
    card = ok(clerk.get(f"/members/{people['流出乙']['id']}/mobility"))
    text = str(card)
    assert FROM in text and "流出导入接收支部" in text
    logged = wait_for(lambda: ok(api.get("/audit", params={"entity": "outflow"}))["items"],
                      lambda items: any("导入流出党员采集表" in str(item) and "流出丙" in str(item) for item in items),
                      what="the 操作日志 of the imported 流出登记")
    assert logged
    wait_for(lambda: mobile(rpc, branch["home"]),
             lambda cells: cells["outflow_new"] == before["outflow_new"] + 3
             and cells["outflow_abroad"] == before["outflow_abroad"] + 1, timeout=30,
             what="流动党员情况 counting the imported outflows")

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/outflows/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("流出党员采集表", 3, 4)
    refused = list(report["未导入的行"].iter_rows(values_only=True))
    assert any(row[0] == 6 and row[4] == "公民身份号码" and "管理范围内没有" in row[5] for row in refused)

    again = ok(upload(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    again_reasons = {error["row"]: error["message"] for error in again["errors"]}
    assert all("不再重复写入" in again_reasons[row] for row in (2, 3, 4))
    assert_error(clerk.post(f"/imports/outflows/{preview['id']}/commit", json={}), 409)
    away = ok(clerk.get(f"/orgs/{branch['home']}/mobility", params={"direction": "out", "size": "50"}))
    assert len(away["items"]) == 4


def test_a_member_changed_since_the_preview_is_listed_not_written(api, branch):
    """A preview of a member then registered by hand: the commit refuses the row with the reason."""
    clerk = branch["clerk"]
    data = member_data(branch["home"], name="流出己")
    member_id = ok(api.post("/members", json=data), 201)["id"]
    row = [data["id_number"], "流出己", FROM, "外出务工经商", "广州", "440106", "", "", "", "13900000009", ""]
    preview = ok(upload(clerk, outflow_sheet([row])), 201)
    assert preview["valid"] == 1
    ok(clerk.post(f"/members/{member_id}/outflows", json={
        "from_date": "2025-01-01", "reason": "01", "destination": {"code": "110105", "text": "北京"},
        "phone": "13900000000", "certificate": False}), 201)
    assert_error(clerk.post(f"/imports/outflows/{preview['id']}/commit", json={"all_or_nothing": True}), 409)
    done = ok(clerk.post(f"/imports/outflows/{preview['id']}/commit", json={}))
    assert done["written"] == 0 and "预览后已变化" in done["errors"][0]["message"]


def test_a_card_issued_before_pmis_keeps_its_number(api, root_id, branch):
    """The 活动证 a member carries from the old system: kept with its number and date (valid, checked
    yearly); a number of the county's own form moves its serial on, so PMIS never issues it again."""
    clerk = branch["clerk"]
    county_code = ok(api.get(f"/orgs/{root_id}"))["code"]  # no 地方委员会 above: the root numbers the cards
    people = []
    for name in ("持证甲", "持证乙", "持证丙"):
        data = member_data(branch["home"], name=name)
        people.append({"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]})
    number = f"{county_code}900000"
    issued = f"{YEAR - 1}-05-10"

    def line(person, name, card, day):
        return [person["id_number"], name, FROM, "外出务工经商", "广州", "440106", "", "", "", "139", "", card, day]

    preview = ok(upload(clerk, outflow_sheet([
        line(people[0], "持证甲", number, issued.replace("-", "/")),
        line(people[1], "持证乙", number, issued),  # the same number again
        line(people[2], "持证丙", "", issued),  # a date without a number
    ])), 201)
    assert preview["valid"] == 1
    reasons = {error["row"]: (error["field"], error["message"]) for error in preview["errors"]}
    assert reasons == {3: ("certificate_no", "与第 2 行的活动证编号相同"),
                       4: ("certificate_no", "填写了发证日期，请同时填写活动证编号")}
    assert ok(clerk.post(f"/imports/outflows/{preview['id']}/commit", json={}))["written"] == 1
    away = ok(clerk.get(f"/members/{people[0]['id']}/mobility"))["current"]
    outflow = ok(clerk.get(f"/outflows/{away['id']}"))
    assert outflow["certificate_no"] == number
    [card] = outflow["certificates"]
    assert (card["number"], card["issued_on"], card["valid_until"]) == (number, issued, f"{YEAR + 2}-05-09")
    again = ok(upload(clerk, outflow_sheet([line(people[1], "持证乙", number, issued)])), 201)
    assert again["errors"][0]["message"] == f"活动证编号“{number}”已被使用"
    fresh = ok(clerk.post(f"/members/{people[1]['id']}/outflows", json={
        "from_date": FROM, "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
        "phone": "13900000000", "certificate": True}), 201)
    assert fresh["certificate_no"] == f"{county_code}900001"  # PMIS's serial goes on past the imported card


def test_scope_and_rights(system, api, branch):
    clerk = branch["clerk"]
    outside = branch["people"]["外支部戊"]
    theirs = ok(upload(api, outflow_sheet([[outside["id_number"], "外支部戊", FROM, "外出务工经商", "广州",
                                            "440106", "", "", "", "13900000000", ""]])), 201)
    assert theirs["valid"] == 1  # the root's account sees the member
    assert_error(clerk.get(f"/imports/outflows/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/outflows/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/outflows/{theirs['id']}/report.xlsx"), 403)
    username = f"outread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": branch["home"],
                                     "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        error = assert_error(upload(reader, outflow_sheet([[outside["id_number"], "外支部戊", FROM, "外出务工经商",
                                                            "广州", "440106", "", "", "", "139", ""]])), 403)
        assert "流动党员" in error["message"]
