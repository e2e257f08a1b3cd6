"""导入上年报表 through the gateway: last year's report exported from PMIS itself (GET …/{year}.xlsx,
the official layout) and imported back into an organization that starts in PMIS this year.
Preview writes nothing; commit stores it as last year's report (导入, read-only, final) and this
year's 表1 上年底党员总数 carries its 本年底实有党员数; a second import replaces it; bad files,
bad figures, other organizations' reports, PMIS-made last-year reports and submitted ones are refused
in Chinese with nothing written."""
import io
from datetime import date

import psycopg
import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.support import hostile_sheets as hostile
from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = date.today().year
LAST = YEAR - 1
T1_SHEET = "表1 两年党员数综合比较"


def add_members(api, org_id: int, count: int) -> None:
    for _ in range(count):
        created = api.post("/members", json=member_data(org_id, joined_on="2020-07-01"))
        assert created.status_code == 201, created.text


def t1(report: dict) -> dict:
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def stored(system, org_id: int) -> list[tuple]:
    """(year, status, source, history entries) of the organization's stored reports."""
    with psycopg.connect(plain_dsn(system)) as pg:
        return pg.execute("SELECT r.year, r.status, r.source, count(h.id) FROM stats.reports r "
                          "LEFT JOIN stats.report_history h ON h.report_id = r.id WHERE r.org_id = %s "
                          "GROUP BY r.id ORDER BY r.year", (org_id,)).fetchall()


def exported(api, org_id: int, year_end=None) -> bytes:
    """The organization's report of LAST as PMIS exports it; 表1 本年底实有党员数 set to `year_end`."""
    response = api.get(f"/orgs/{org_id}/reports/{LAST}.xlsx")
    assert response.status_code == 200, response.text
    if year_end is None:
        return response.content
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[T1_SHEET]
    column = next(cell.column for cell in sheet[4] if cell.value == "本年底实有党员数") if any(
        cell.value == "本年底实有党员数" for cell in sheet[4]) else next(
        cell.column for cell in sheet[3] if cell.value == "本年底实有党员数")
    sheet.cell(row=5, column=column, value=year_end)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def carry(client, org_id: int, content: bytes, commit: bool = False, year: int = YEAR):
    return client.post(f"/orgs/{org_id}/reports/{year}/carry-forward", params={"commit": "1"} if commit else None,
                       files={"file": (f"{LAST}年报.xlsx", content, XLSX)})


@pytest.fixture(scope="module")
def tree(api, root_id):
    """A committee whose branches start in PMIS this year, each with members since 2020:
    甲 (2, imports), 乙 (1, generated last year's report in PMIS), 丙 (1, submits this year's),
    丁 (1, gets the bad files)."""
    committee = create_org(api, root_id, "结转测试党委", "党委")
    branches = {name: create_org(api, committee, f"结转{name}支部", "党支部") for name in "甲乙丙丁"}
    for name, count in (("甲", 2), ("乙", 1), ("丙", 1), ("丁", 1)):
        add_members(api, branches[name], count)
    for name, count in (("甲", 2), ("乙", 1), ("丙", 1), ("丁", 1)):
        wait_for(lambda: api.get(f"/orgs/{branches[name]}/reports/{YEAR}").json()["year_end_total"],
                 lambda n, count=count: n == count, what=f"{name}支部的年报计数")
    return {"committee": committee, **branches}


def test_preview_reads_the_export_and_writes_nothing(system, api, tree):
    preview = carry(api, tree["甲"], exported(api, tree["甲"], year_end=5))
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["committed"] is False and body["imported_year"] == LAST and body["year_end_total"] == 5
    assert body["errors"] == []
    # the hand-changed year end no longer agrees with the file's difference column: recomputed, and said
    assert [w["message"] for w in body["warnings"]] == [
        f"工作表「{T1_SHEET}」第5行W列：「实有数与应有数之差」为0，按公式计算为3，以计算值为准"]
    assert body["read"][0] == {"key": "t1", "name": "表1", "title": "两年党员数综合比较", "sheet": T1_SHEET,
                               "cells": 21}
    assert t1(body)["year_end"] == 5
    assert any("表1「本年底实有党员数」为5，与表2" in message for message in body["checks"])  # said, not refused
    assert stored(system, tree["甲"]) == []
    assert api.get(f"/orgs/{tree['甲']}/reports/{LAST}").json()["status"] == "none"
    report = api.get(f"/orgs/{tree['甲']}/reports/{YEAR}").json()
    assert report["actions"]["import_last_year"] and report["last_year"]["status"] == "none"


def test_commit_stores_last_year_and_this_year_starts_from_it(system, api, tree):
    branch = tree["甲"]
    committed = carry(api, branch, exported(api, branch, year_end=5), commit=True)
    assert committed.status_code == 201, committed.text
    assert committed.json()["committed"] and committed.json()["report"]["status"] == "imported"
    last = api.get(f"/orgs/{branch}/reports/{LAST}").json()
    assert (last["status"], last["status_name"], last["source"], last["source_name"]) == (
        "imported", "已导入", "imported", "导入")
    assert last["year_end_total"] == 5 and last["imported"]["by"] and last["imported"]["at"]
    assert not any(last["actions"].values())  # read-only
    assert_error(api.post(f"/orgs/{branch}/reports/{LAST}/generate"), 409)
    refused = assert_error(api.post(f"/orgs/{branch}/reports/{LAST}/explanation", json={"explanation": "改"}), 409)
    assert "导入的报表不能" in refused["message"]
    this = api.get(f"/orgs/{branch}/reports/{YEAR}").json()
    assert this["year_start_total"] == 5 and t1(this)["year_start"] == 5
    assert this["last_year"]["source"] == "imported" and this["last_year"]["year_end_total"] == 5
    rules = {f["rule"] for f in this["checks"]["failures"]}
    assert "year_start" not in rules and "difference" in rules  # 5 at the start, 2 at the end, no change keyed
    assert stored(system, branch) == [(LAST, "imported", "imported", 1)]
    history = api.get(f"/orgs/{branch}/reports/{LAST}/history").json()["items"]
    assert [(h["kind"], h["kind_name"]) for h in history] == [("imported", "导入上年报表")]
    audit = wait_for(lambda: api.get("/audit", params={"entity": "report", "entity_id": f"{branch}-{LAST}"}).json(),
                     lambda page: page["items"], what="导入上年报表的操作日志")["items"]
    assert [e["action"] for e in audit] == ["导入上年报表"]
    assert {"field": "本年底实有党员数", "before": None, "after": 5} in audit[0]["changes"]


def test_a_second_import_replaces_the_first_and_the_check_holds_when_figures_agree(system, api, tree):
    branch = tree["甲"]
    again = carry(api, branch, exported(api, branch, year_end=2), commit=True)  # as the counters have it
    assert again.status_code == 201, again.text
    assert again.json()["year_end_total"] == 2
    this = api.get(f"/orgs/{branch}/reports/{YEAR}").json()
    assert this["year_start_total"] == 2 and this["checks"]["passed"] and this["checks"]["errors"] == 0
    assert stored(system, branch) == [(LAST, "imported", "imported", 2)]
    comparison = api.get(f"/orgs/{branch}/reports/{YEAR}/comparison").json()
    assert comparison["has_previous"] and comparison["previous_year"] == LAST
    generated = api.post(f"/orgs/{branch}/reports/{YEAR}/generate")
    assert generated.status_code == 200 and t1(generated.json())["year_start"] == 2
    # this year's report is a snapshot now: a new import says it must be generated again
    warnings = carry(api, branch, exported(api, branch, year_end=2)).json()["warnings"]
    assert f"{YEAR}年报表已直统生成（草稿），导入后请重新直统，使其上年底党员总数取导入的数" in [
        w["message"] for w in warnings]


def test_the_parents_aggregate_takes_the_imported_report(api, tree):
    aggregated = api.post(f"/orgs/{tree['committee']}/reports/{LAST}/aggregate")
    assert aggregated.status_code == 200, aggregated.text
    included = [c["org_id"] for c in aggregated.json()["aggregation"]["included"]]
    assert tree["甲"] in included
    subordinate = next(s for s in aggregated.json()["subordinates"] if s["org_id"] == tree["甲"])
    assert subordinate["status_name"] == "已导入" and subordinate["submitted"]


@pytest.mark.parametrize("content, status", [(b"not a spreadsheet at all", 400), (hostile.not_a_zip(), 400),
                                             (hostile.a1_and_xfd(), 413), (hostile.zip_bomb(), 413)],
                         ids=["text", "not_a_zip", "a1_and_xfd", "zip_bomb"])
def test_bad_files_are_refused_in_chinese_and_nothing_written(system, api, tree, content, status):
    for commit in (False, True):
        error = assert_error(carry(api, tree["丁"], content, commit=commit), status)
        assert error["fields"]["file"] == error["message"]
    assert stored(system, tree["丁"]) == []


def test_bad_figures_are_named_and_commit_is_refused(system, api, tree):
    branch = tree["丁"]
    workbook = load_workbook(io.BytesIO(exported(api, branch)))
    workbook["表2 党员基本情况"]["C5"] = "十二"
    workbook[T1_SHEET]["C5"] = -1
    out = io.BytesIO()
    workbook.save(out)
    preview = carry(api, branch, out.getvalue())
    assert preview.status_code == 200, preview.text
    errors = preview.json()["errors"]
    assert {(e["sheet"], e["row"], e["column"]) for e in errors} == {(T1_SHEET, 5, "C"), ("表2 党员基本情况", 5, "C")}
    assert any("不能为负数" in e["message"] for e in errors) and any("不是数字" in e["message"] for e in errors)
    error = assert_error(carry(api, branch, out.getvalue(), commit=True), 400)
    assert "2处错误" in error["message"] and "未导入" in error["message"]
    assert stored(system, branch) == []
    assert_error(api.post(f"/orgs/{branch}/reports/{YEAR}/carry-forward", params={"commit": "yes"},
                          files={"file": ("x.xlsx", out.getvalue(), XLSX)}), 400)
    assert_error(carry(api, branch, exported(api, branch), year=1921), 400)
    assert_error(api.post(f"/orgs/{branch}/reports/{YEAR}/carry-forward", json={}), 400)
    assert stored(system, branch) == []


def test_out_of_scope_is_refused(system, api, tree):
    other = staff_client(system, api, tree["乙"], "carry")
    try:
        content = exported(api, tree["甲"])
        for commit in (False, True):
            assert carry(other, tree["甲"], content, commit=commit).status_code in (403, 404)
        assert carry(other, tree["乙"], exported(api, tree["乙"])).status_code == 200  # its own: previewed
    finally:
        other.close()
    assert stored(system, tree["甲"]) == [(LAST, "imported", "imported", 2), (YEAR, "draft", "direct", 1)]


def test_a_read_only_account_cannot_import(system, api, tree):
    """统计报表 write is needed: the read-only role (只读) of an account in scope is refused."""
    username = f"carryread{code('')}".lower()
    admin = staff_client(system, api, tree["丁"], "carryadm")  # 丁's 系统管理员 makes its business users
    created = admin.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": tree["丁"],
                                            "role": "只读"})
    admin.close()
    assert created.status_code == 201, created.text
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    reader = login(system.url, username, PASSWORD)
    try:
        assert reader.get(f"/orgs/{tree['丁']}/reports/{YEAR}").status_code == 200
        for commit in (False, True):
            assert_error(carry(reader, tree["丁"], exported(api, tree["丁"]), commit=commit), 403, "forbidden")
    finally:
        reader.close()
    assert stored(system, tree["丁"]) == []


def test_a_report_made_in_pmis_for_last_year_is_not_replaced(system, api, tree):
    branch = tree["乙"]
    assert api.post(f"/orgs/{branch}/reports/{LAST}/generate").status_code == 200
    for commit in (False, True):
        error = assert_error(carry(api, branch, exported(api, branch, year_end=9), commit=commit), 409)
        assert "直统生成" in error["message"] and "不能导入" in error["message"]
    assert stored(system, branch) == [(LAST, "draft", "direct", 1)]
    assert not api.get(f"/orgs/{branch}/reports/{YEAR}").json()["actions"]["import_last_year"]


def test_once_this_years_report_is_submitted_last_year_cannot_be_imported(system, api, tree):
    branch = tree["丙"]
    assert api.post(f"/orgs/{branch}/reports/{YEAR}/generate").status_code == 200
    submitted = api.post(f"/orgs/{branch}/reports/{YEAR}/submit")
    assert submitted.status_code == 200, submitted.text
    error = assert_error(carry(api, branch, exported(api, branch), commit=True), 409)
    assert "已上报" in error["message"] and "不能再导入上年报表" in error["message"]
    assert stored(system, branch) == [(YEAR, "submitted", "direct", 2)]
