"""The annual report through the JSON API, on members created through the API: table 1's
figures, 直统, 录改 with reasons and history, 校核, 上报 and the parent's 退回/接收, 汇总 over two
branches with one not yet submitted, last year's submitted year end carried into this year
(a change keyed afterwards shows as a difference to explain), 比对, the Excel file, bad input."""
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from openpyxl import load_workbook

from tests.conftest import ADMIN_PASSWORD, login
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_member(api, org_id: int, joined_on: str, left_on: str | None = None, kind: str = "死亡") -> int:
    created = api.post("/members", json=member_data(org_id, joined_on=joined_on))
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    if left_on:
        left = api.post(f"/members/{member_id}/leave", json={"kind": kind, "date": left_on, "reason": "报表测试"})
        assert left.status_code == 200, left.text
    return member_id


def t1(report: dict) -> dict:
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def report_when(api, org_id: int, year: int, predicate, what: str) -> dict:
    """The report once the counters (fed by events) show what the test keyed in."""
    return wait_for(lambda: api.get(f"/orgs/{org_id}/reports/{year}").json(), predicate, what=what)


@pytest.fixture(scope="module")
def tree(api, root_id):
    """A committee with branches 甲 and 乙. 甲: one member since 2020, one developed in 2025, one
    (since 2015) who died in 2025. 乙: one member since 2018."""
    committee = create_org(api, root_id, "年报测试党委", "党委")
    first = create_org(api, committee, "年报甲支部", "党支部")
    second = create_org(api, committee, "年报乙支部", "党支部")
    add_member(api, first, "2020-07-01")
    add_member(api, first, "2025-03-01")
    add_member(api, first, "2015-01-01", left_on="2025-06-01")
    add_member(api, second, "2018-05-01")
    report_when(api, first, 2025, lambda r: r["year_end_total"] == 2 and t1(r)["decrease_death"] == 1,
                "甲支部2025年报表")
    report_when(api, second, 2025, lambda r: r["year_end_total"] == 1, "乙支部2025年报表")
    return {"committee": committee, "first": first, "second": second}


@pytest.fixture(scope="module")
def branch_account(system, api, tree):
    client = staff_client(system, api, tree["first"], "rpt")
    yield client
    client.close()


def test_an_ungenerated_report_shows_table_one_from_the_counters(api, tree):
    report = api.get(f"/orgs/{tree['first']}/reports/2025").json()
    assert report["status"] == "none" and report["status_name"] == "未生成"
    assert (report["year_start_total"], report["year_end_total"]) == (2, 2)
    cells = t1(report)
    assert cells["increase_develop"] == 1 and cells["increase_total"] == 1
    assert cells["decrease_death"] == 1 and cells["decrease_total"] == 1 and cells["difference"] == 0
    assert [t["name"] for t in report["tables"]][:2] == ["表1", "表2"]
    assert report["checks"]["passed"] and report["actions"]["generate"] and not report["actions"]["submit"]


def test_generate_correct_with_reasons_and_keep_the_history(api, tree):
    base = f"/orgs/{tree['first']}/reports/2025"
    generated = api.post(base + "/generate")
    assert generated.status_code == 200, generated.text
    assert generated.json()["status"] == "draft" and generated.json()["source"] == "direct"
    corrected = api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end",
                                                      "value": 3, "reason": "核对名册多一人"})
    assert corrected.status_code == 200, corrected.text
    report = corrected.json()
    assert report["year_end_total"] == 3 and t1(report)["difference"] == 1
    rules = {f["rule"] for f in report["checks"]["failures"] if f["severity"] == "error"}
    assert rules == {"difference", "cross_table"} and not report["checks"]["passed"]
    anchors = {c["anchor"] for f in report["checks"]["failures"] for c in f["cells"]}
    assert {"cell-t1-total-difference", "cell-t2-total-total"} <= anchors
    back = api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end",
                                                 "value": "2", "reason": "复核后改回"})
    assert back.json()["checks"]["passed"], back.text
    history = api.get(base + "/history").json()["items"]
    assert [h["kind"] for h in history] == ["generated", "corrected", "corrected"]
    assert {k: history[1]["detail"][k] for k in ("table", "row", "column", "old", "new", "reason")} == {
        "table": "t1", "row": "total", "column": "year_end", "old": 2, "new": 3, "reason": "核对名册多一人"}
    assert history[2]["kind_name"] == "录改" and history[2]["actor_name"] == "admin"


@pytest.mark.parametrize("body, field", [
    ({"table": "t99", "row": "total", "column": "year_end", "value": 1, "reason": "x"}, "table"),
    ({"table": "t1", "row": "nobody", "column": "year_end", "value": 1, "reason": "x"}, "row"),
    ({"table": "t1", "row": "total", "column": "nope", "value": 1, "reason": "x"}, "column"),
    ({"table": "t1", "row": "total", "column": "difference", "value": 1, "reason": "x"}, "column"),
    ({"table": "t1", "row": "total", "column": "year_end", "value": -2, "reason": "x"}, "value"),
    ({"table": "t1", "row": "total", "column": "year_end", "value": "三", "reason": "x"}, "value"),
    ({"table": "t1", "row": "total", "column": "year_end", "value": 1.5, "reason": "x"}, "value"),
    ({"table": "t1", "row": "total", "column": "year_end", "value": 1}, "reason"),
    ({"table": "t1", "row": "total", "column": "year_end", "value": 1, "reason": "  "}, "reason"),
])
def test_malformed_corrections_are_refused_in_chinese_and_change_nothing(api, tree, body, field):
    base = f"/orgs/{tree['second']}/reports/2025"
    if api.get(base).json()["status"] == "none":
        api.post(base + "/generate")
    before = api.get(base).json()
    error = assert_error(api.post(base + "/corrections", json=body), 400, "validation")
    assert field in error["fields"]
    after = api.get(base).json()
    assert (after["version"], after["tables"]) == (before["version"], before["tables"])


def test_submit_return_resubmit_accept_and_who_may_decide(api, tree, branch_account):
    base = f"/orgs/{tree['first']}/reports/2025"
    assert_error(api.post(base + "/accept"), 409)  # a draft cannot be accepted
    submitted = branch_account.post(base + "/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted" and not submitted.json()["actions"]["accept"]
    assert "不能重复上报" in assert_error(branch_account.post(base + "/submit"), 409)["message"]
    version = api.get(base).json()["version"]
    refused = api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end",
                                                    "value": 5, "reason": "试图修改"})
    assert "不能录改" in assert_error(refused, 409)["message"]
    assert api.get(base).json()["version"] == version
    assert_error(branch_account.post(base + "/accept"), 403)  # the branch's own account is not the parent
    assert_error(branch_account.post(base + "/return", json={"comment": "自己退回"}), 403)
    assert assert_error(api.post(base + "/return", json={}), 400)["fields"] == {"comment": "退回时须填写退回意见"}
    assert api.get(base).json()["actions"]["accept"]  # the parent's account may decide
    returned = api.post(base + "/return", json={"comment": "请核对死亡党员的日期"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned" and returned.json()["comment"] == "请核对死亡党员的日期"
    assert branch_account.post(base + "/submit").json()["status"] == "submitted"
    accepted = api.post(base + "/accept", json={"comment": "已审核"})
    assert accepted.json()["status"] == "accepted", accepted.text
    assert_error(api.post(base + "/return", json={"comment": "晚了"}), 409)
    kinds = [h["kind"] for h in api.get(base + "/history").json()["items"]]
    assert kinds[-4:] == ["submitted", "returned", "submitted", "accepted"]


def test_aggregate_adds_submitted_reports_and_lists_the_unsubmitted(api, tree):
    base = f"/orgs/{tree['committee']}/reports/2025"
    before = api.get(base).json()
    assert {s["name"]: s["status"] for s in before["subordinates"]}["年报甲支部"] == "accepted"
    aggregated = api.post(base + "/aggregate")
    assert aggregated.status_code == 200, aggregated.text
    report = aggregated.json()
    assert report["source"] == "aggregated"
    assert [m["name"] for m in report["aggregation"]["missing"]] == ["年报乙支部"]
    assert [s["name"] for s in report["unsubmitted"]] == ["年报乙支部"]
    assert report["year_end_total"] == 2  # 甲's accepted report; 乙 not submitted yet
    second = f"/orgs/{tree['second']}/reports/2025"
    api.post(second + "/generate")
    assert api.post(second + "/submit").json()["status"] == "submitted"
    again = api.post(base + "/aggregate").json()
    assert again["year_end_total"] == 3 and again["unsubmitted"] == [] and t1(again)["increase_develop"] == 1


def test_a_change_keyed_after_submission_shows_next_year_as_a_difference_to_explain(api, tree, branch_account):
    add_member(api, tree["first"], "2025-05-01")  # keyed now, in effect since 2025: after the report
    now = report_when(api, tree["first"], 2026, lambda r: r["year_end_total"] == 3, "2026年甲支部")
    assert now["year_start_total"] == 2  # last year's accepted report, not today's recount of 2025
    assert t1(now)["difference"] == 1
    assert api.get(f"/orgs/{tree['first']}/reports/2025").json()["year_end_total"] == 2  # the snapshot stays
    base = f"/orgs/{tree['first']}/reports/2026"
    assert branch_account.post(base + "/generate").json()["year_start_total"] == 2
    refused = assert_error(branch_account.post(base + "/submit"), 409)
    assert "校核未通过" in refused["message"] and "实有数与应有数之差" in refused["message"]
    checks = branch_account.get(base + "/checks").json()
    failure = next(f for f in checks["failures"] if f["rule"] == "difference")
    assert failure["cells"][0]["anchor"] == "cell-t1-total-difference"
    explained = branch_account.post(base + "/explanation", json={"explanation": "一名2025年入党的党员补录"})
    assert explained.json()["checks"]["passed"], explained.text
    assert branch_account.post(base + "/submit").json()["status"] == "submitted"


def test_comparison_puts_last_year_beside_this_year(api, tree):
    result = api.get(f"/orgs/{tree['first']}/reports/2026/comparison").json()
    assert result["has_previous"] and result["previous_year"] == 2025
    year_end = result["tables"][0]["rows"][0]["cells"]["year_end"]
    assert year_end == {"this": 3, "last": 2, "change": 1, "changed": True}


def test_the_excel_file_has_the_official_layout(api, tree):
    response = api.get(f"/orgs/{tree['first']}/reports/2025.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["封面", "表1 两年党员数综合比较"] and len(book.sheetnames) >= 8
    sheet = book.worksheets[1]
    assert sheet["A2"].value == "填报单位：年报甲支部"
    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 3)] == ["项目", "上年底党员总数", "增加党员"]
    assert sheet.cell(row=4, column=4).value == "发展党员"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1


@pytest.mark.parametrize("year", ["abc", "1800", "2999", "-1"])
def test_unknown_years_are_refused_in_chinese(api, tree, year):
    error = assert_error(api.get(f"/orgs/{tree['first']}/reports/{year}"), 400, "validation")
    assert "年份无效" in error["message"]
    assert_error(api.post(f"/orgs/{tree['first']}/reports/{year}/generate"), 400, "validation")


def test_out_of_scope_and_unknown_organizations(api, tree, branch_account):
    assert_error(branch_account.get(f"/orgs/{tree['second']}/reports/2025"), 403)
    assert_error(branch_account.post(f"/orgs/{tree['second']}/reports/2025/generate"), 403)
    assert_error(branch_account.get(f"/orgs/{tree['committee']}/reports/2025.xlsx"), 403)
    assert_error(api.get("/orgs/987654321/reports/2025"), 404)


def test_the_cover_is_filled_kept_exported_and_closed_once_submitted(api, root_id):
    committee = create_org(api, root_id, "封面测试党委", "党委")
    branch = create_org(api, committee, "封面测试支部", "党支部")
    add_member(api, branch, "2012-07-01")
    report_when(api, branch, 2025, lambda r: r["year_end_total"] == 1, "封面测试支部报表")
    generated = api.post(f"/orgs/{branch}/reports/2025/generate").json()
    cover = {"unit_leader": "张书记", "statistics_leader": "李委员", "preparer": "王干事", "phone": "0371-1234567",
             "reported_on": "2026-01-10"}
    bad = api.post(f"/orgs/{branch}/reports/2025/cover", json={**cover, "phone": "打电话"})
    assert assert_error(bad, 400, "validation")["fields"] == {"phone": "联系电话只能含数字、空格、+、-和括号"}
    assert api.get(f"/orgs/{branch}/reports/2025").json()["cover"] == {}
    filled = api.post(f"/orgs/{branch}/reports/2025/cover", json={**cover, "version": generated["version"]})
    assert filled.status_code == 200, filled.text
    assert filled.json()["cover"] == cover and filled.json()["version"] == generated["version"] + 1
    assert api.get(f"/orgs/{branch}/reports/2025/history").json()["items"][-1]["kind_name"] == "填写封面"
    sheet = load_workbook(io.BytesIO(api.get(f"/orgs/{branch}/reports/2025.xlsx").content))["封面"]
    assert sheet["A1"].value == "2025年党内统计年报"
    assert [(sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=2).value) for r in range(3, 9)] == [
        ("填报单位", "封面测试支部"), ("报告期", "2025年12月31日"), ("单位负责人", "张书记"), ("统计负责人", "李委员"),
        ("填报人", "王干事"), ("联系电话", "0371-1234567")]
    assert api.post(f"/orgs/{branch}/reports/2025/submit").status_code == 200
    assert_error(api.post(f"/orgs/{branch}/reports/2025/cover", json=cover), 409)


def test_a_single_correction_is_undone_unless_its_cell_changed_since(api, root_id):
    branch = create_org(api, create_org(api, root_id, "撤销录改党委", "党委"), "撤销录改支部", "党支部")
    add_member(api, branch, "2012-07-01")
    report_when(api, branch, 2025, lambda r: r["year_end_total"] == 1, "撤销录改支部报表")
    base = f"/orgs/{branch}/reports/2025"
    api.post(base + "/generate")
    for column, number in (("decrease_other", 1), ("decrease_total", 1), ("decrease_total", 2)):
        corrected = api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": column,
                                                          "value": number, "reason": "试录"})
        assert corrected.status_code == 200, corrected.text
    ids = [item["id"] for item in api.get(base + "/history").json()["items"] if item["kind"] == "corrected"]
    other, total_once, total_twice = ids
    refused = assert_error(api.post(f"{base}/corrections/{total_once}/undo"), 409)
    assert refused["message"] == "该单元格在这条录改之后又有改动（现为2），请先撤销后来的录改"
    undone = api.post(f"{base}/corrections/{total_twice}/undo")
    assert undone.status_code == 200, undone.text
    assert t1(undone.json())["decrease_total"] == 1
    assert api.post(f"{base}/corrections/{total_once}/undo").status_code == 200
    assert t1(api.get(base).json())["decrease_total"] == 0 and t1(api.get(base).json())["decrease_other"] == 1
    history = api.get(base + "/history").json()["items"]
    assert [item["kind_name"] for item in history[-2:]] == ["撤销录改", "撤销录改"]
    assert [item.get("undone") for item in history if item["kind"] == "corrected"] == [False, True, True]
    assert assert_error(api.post(f"{base}/corrections/{total_once}/undo"), 409)["message"] == "这条录改已经撤销"
    assert_error(api.post(f"{base}/corrections/abc/undo"), 400, "validation")
    api.post(base + "/generate")
    assert "重新生成过" in assert_error(api.post(f"{base}/corrections/{other}/undo"), 409)["message"]


def test_a_stopped_membership_is_noted_with_its_name_list(api, root_id, branch_account):
    committee = create_org(api, root_id, "名单测试党委", "党委")
    branch = create_org(api, committee, "名单测试支部", "党支部")
    member_id = add_member(api, branch, "2012-07-01", left_on="2025-04-01", kind="停止党籍")
    report = report_when(api, committee, 2025, lambda r: t1(r)["decrease_suspend"] == 1, "停止党籍计入表1")
    note = next(f for f in report["checks"]["failures"] if f["rule"] == "name_list")
    assert note["list"] == "suspended"
    assert note["message"] == "表1「减少党员·停止党籍」1名：须附名单（系统已按党籍变动生成）"
    names = api.get(f"/orgs/{committee}/reports/2025/name-lists/suspended").json()
    assert (names["title"], names["total"]) == ("2025年停止党籍党员名单", 1)
    assert (names["items"][0]["id"], names["items"][0]["on"]) == (member_id, "2025-04-01")
    response = api.get(f"/orgs/{committee}/reports/2025/name-lists/suspended.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "停止党籍" and "2025年停止党籍党员名单" in sheet["A1"].value
    assert "2025-04-01" in [cell.value for cell in sheet[3]]
    error = assert_error(api.get(f"/orgs/{committee}/reports/2025/name-lists/everyone"), 400, "validation")
    assert "名单类别无效" in error["message"]
    assert_error(api.get(f"/orgs/{committee}/reports/1800/name-lists/suspended.xlsx"), 400, "validation")
    assert_error(branch_account.get(f"/orgs/{committee}/reports/2025/name-lists/suspended"), 403)


def test_the_openapi_document_describes_report_work(api):
    paths = api.get("/openapi.json").json()["paths"]
    for suffix in ("", ".xlsx", "/checks", "/comparison", "/history", "/generate", "/aggregate", "/corrections",
                   "/explanation", "/cover", "/corrections/{correction_id}/undo", "/submit", "/accept", "/return",
                   "/name-lists/{kind}",
                   "/name-lists/{kind}.xlsx"):
        assert f"/orgs/{{id}}/reports/{{year}}{suffix}" in paths


def test_two_submissions_at_once_one_wins(system, api, tree):
    """The report row is locked while it changes: of two simultaneous submissions one is a 409."""
    base = f"/orgs/{tree['second']}/reports/2024"
    assert api.post(base + "/generate").status_code == 200
    clients = [login(system.url, "admin", ADMIN_PASSWORD) for _ in range(2)]
    try:
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(lambda client: client.post(base + "/submit").status_code, clients))
    finally:
        for client in clients:
            client.close()
    assert statuses == [200, 409]
    assert [h["kind"] for h in api.get(base + "/history").json()["items"]].count("submitted") == 1


def test_the_root_has_no_parent_to_submit_to(api, root_id):
    base = f"/orgs/{root_id}/reports/2023"
    assert api.post(base + "/generate").status_code == 200
    assert api.get(base).json()["actions"]["submit"] is False
    assert "根党组织没有上级党组织" in assert_error(api.post(base + "/submit"), 409)["message"]


def test_a_stale_version_is_refused(api, tree):
    base = f"/orgs/{tree['committee']}/reports/2024"
    version = api.post(base + "/generate").json()["version"]
    assert api.post(base + "/explanation", json={"explanation": "第一次说明", "version": version}).status_code == 200
    stale = api.post(base + "/explanation", json={"explanation": "过期的说明", "version": version})
    assert "已被他人修改" in assert_error(stale, 409)["message"]
    assert api.get(base).json()["explanation"] == "第一次说明"
