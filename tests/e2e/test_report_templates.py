"""接收报表模板 through the JSON API (docs/REPORT_TEMPLATES.md): a 省表 set loaded by the root's
administrator becomes a new version; reports generated after it carry its tables after the
national ones (cells counted by hand here) and record the version, reports made before keep
theirs; 汇总 and 校核 work on the provincial table; a bad document is refused naming each problem
and writes nothing; an account without 统计报表 write, or below the root, gets 403."""
import io

import pytest
from openpyxl import load_workbook

from services.stats.domain.report_templates import NATIONAL_VERSION
from tests.conftest import login
from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error, wait_for

YEAR = 2025
WOMEN = {
    "key": "women", "title": "女党员情况",
    "columns": [
        {"key": "total", "label": "党员总数", "formula": 'stock("total")'},
        {"key": "female", "label": "女党员", "group": "性别", "formula": 'stock("sex", "2")'},
        {"key": "male", "label": "男党员", "group": "性别", "formula": "total - female"},
        {"key": "developed", "label": "本年发展", "formula": 'flow("increase", "develop")'},
        {"key": "developed_plus", "label": "发展数加二", "formula": "developed + 2"},
    ],
    "rows": [
        {"key": "end", "label": "本年底"},
        {"key": "start", "label": "上年底",
         "cells": {"total": 'start("total")', "female": 'start("sex", ["2"])', "developed": "0"}},
    ],
    "checks": [{"total": "total", "parts": ["female", "male"], "label": "党员总数等于男女党员之和"}],
}
GOOD = {"name": "端到端省表", "tables": [WOMEN]}


def table(report: dict, key: str) -> dict | None:
    return next((t for t in report["tables"] if t["key"] == key), None)


def cells(report: dict, row: str) -> dict:
    return next(r for r in table(report, "p_women")["rows"] if r["key"] == row)["cells"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def tree(api, root_id):
    """A committee with one branch: 女 since 2010, 女 developed in 2025, 男 since 2012."""
    committee = create_org(api, root_id, "模板测试党委", "党委")
    branch = create_org(api, committee, "模板测试支部", "党支部")
    for female, joined in ((True, "2010-07-01"), (True, "2025-03-01"), (False, "2012-05-01")):
        ok(api.post("/members", json=member_data(branch, joined_on=joined,
                                                 id_number=id_number(female=female))), 201)
    wait_for(lambda: api.get(f"/orgs/{branch}/reports/{YEAR}").json(),
             lambda r: r["year_end_total"] == 3 and r["year_start_total"] == 2, what="the branch's counters")
    yield {"committee": committee, "branch": branch}
    # Later tests on this system see national tables only again (a version with no 省表).
    ok(api.post("/report-templates", json={"name": "端到端省表（撤销）", "tables": []}), 201)


@pytest.fixture(scope="module")
def reader(system, api, root_id):
    """An account of the root with 统计报表 read only."""
    role = ok(api.post("/roles", json={"name": f"报表查看{code('')}", "rights": {"stats": "read"}}), 201)
    username = f"tplread{code('')}".lower()
    ok(api.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": root_id,
                                   "role": role["name"]}), 201)
    first = login(system.url, username, FIRST_PASSWORD)
    assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                 "new_password": PASSWORD}).status_code == 204
    first.close()
    client = login(system.url, username, PASSWORD)
    yield client
    client.close()


def test_the_national_set_is_listed_with_its_name_and_version(api):
    listed = ok(api.get("/report-templates"))
    assert listed["national"]["name"] == "2012国表" and listed["national"]["version"] == NATIONAL_VERSION
    assert listed["national"]["tables"][0]["title"] == "两年党员数综合比较"
    assert listed["may_load"] is True


def test_a_bad_document_is_refused_naming_each_problem_and_writes_nothing(api):
    before = ok(api.get("/report-templates"))
    broken = {"name": "坏省表", "tables": [
        {**WOMEN, "columns": [*WOMEN["columns"][:3], {"key": "developed", "label": "本年发展",
                                                     "formula": 'flow("nonsense")'},
                              {"key": "developed_plus", "label": "循环", "formula": "developed_plus + 1"},
                              {"key": "male", "label": "重复", "formula": "1"}]},
        {"key": "women", "title": "重复的表", "columns": [{"key": "a", "label": "甲", "formula": "__import__('os')"}]},
    ]}
    error = assert_error(api.post("/report-templates", json=broken), 400, "validation")
    fields = error["fields"]
    assert fields["第1张表「女党员情况」（women）行 end 列 developed"] == (
        '公式「flow("nonsense")」有误：未知的维度：nonsense')
    assert fields["第1张表「女党员情况」（women）行 end"] == "列之间循环引用：developed_plus → developed_plus"
    assert fields["第1张表「女党员情况」（women）列 male"] == "列代号重复"
    assert fields["第2张表「重复的表」（women）"] == "表代号重复"
    assert error["message"].startswith("省表模板信息有误：")
    assert ok(api.get("/report-templates")) == before

    not_json = api.post("/report-templates", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(not_json, 400)
    assert ok(api.get("/report-templates")) == before


def test_loading_needs_stats_write_and_the_root(system, api, tree, reader):
    assert ok(reader.get("/report-templates"))["may_load"] is False  # reading is 统计报表 read
    assert_error(reader.post("/report-templates", json=GOOD), 403, "forbidden")
    below = staff_client(system, api, tree["committee"], "tplcmt")  # 系统管理员, but of a committee
    try:
        assert ok(below.get("/report-templates"))["may_load"] is False
        refused = assert_error(below.post("/report-templates", json=GOOD), 403, "forbidden")
        assert "根党组织" in refused["message"]
    finally:
        below.close()
    assert all(v["name"] != GOOD["name"] for v in ok(api.get("/report-templates"))["provincial"])


def test_a_loaded_set_is_a_new_version_and_reports_after_it_carry_the_tables(api, tree):
    branch_report = f"/orgs/{tree['branch']}/reports/{YEAR}"
    before = ok(api.post(branch_report + "/generate"))  # made before the load: keeps its table set
    assert table(before, "p_women") is None
    old_version = before["template_version"]

    loaded = ok(api.post("/report-templates", json=GOOD), 201)
    assert loaded["name"] == "端到端省表" and loaded["tables"][0]["name"] == "省表1"
    assert loaded["in_use"] == f"2012国表 v{NATIONAL_VERSION}；端到端省表 v{loaded['version']}"
    listed = ok(api.get("/report-templates"))
    assert listed["provincial"][0]["version"] == loaded["version"] and listed["provincial"][0]["current"]
    assert listed["in_use"] == loaded["in_use"]

    kept = ok(api.get(branch_report))
    assert kept["template_version"] == old_version and table(kept, "p_women") is None

    report = ok(api.post(branch_report + "/generate"))
    assert report["template_version"] == loaded["in_use"]
    keys = [t["key"] for t in report["tables"]]
    assert keys[-1] == "p_women" and keys[0] == "t1"  # after the national tables
    women = table(report, "p_women")
    assert women["name"] == "省表1" and women["title"] == "女党员情况" and women["provincial"] is True
    assert [(c["label"], c["group"]) for c in women["columns"]] == [
        ("党员总数", None), ("女党员", "性别"), ("男党员", "性别"), ("本年发展", None), ("发展数加二", None)]
    assert [r["label"] for r in women["rows"]] == ["本年底", "上年底"]
    # By hand: at 2025-12-31 three members, two women, one developed in 2025; at 2024-12-31 two, one woman.
    assert cells(report, "end") == {"total": 3, "female": 2, "male": 1, "developed": 1, "developed_plus": 3}
    assert cells(report, "start") == {"total": 2, "female": 1, "male": 1, "developed": 0, "developed_plus": 2}
    assert report["checks"]["passed"], report["checks"]
    history = ok(api.get(branch_report + "/history"))["items"]
    assert history[-1]["detail"]["template_version"] == loaded["in_use"]

    compared = ok(api.get(branch_report + "/comparison"))
    assert table(compared, "p_women")["name"] == "省表1"
    exported = api.get(branch_report + ".xlsx")
    assert exported.status_code == 200, exported.text
    book = load_workbook(io.BytesIO(exported.content))
    assert "省表1 女党员情况" in book.sheetnames

    logged = wait_for(lambda: api.get("/audit", params={"entity": "report_template",
                                                        "entity_id": str(loaded["version"])}).json()["items"],
                      lambda items: items, what="载入省表的操作日志")
    assert logged[0]["action"] == "载入省表模板"
    assert {"field": "表", "before": None, "after": "省表1 女党员情况"} in logged[0]["changes"]


def test_aggregation_and_checks_cover_the_provincial_table(api, tree):
    branch_report = f"/orgs/{tree['branch']}/reports/{YEAR}"
    ok(api.post(branch_report + "/generate"))
    ok(api.post(branch_report + "/submit"))
    committee_report = f"/orgs/{tree['committee']}/reports/{YEAR}"
    summed = ok(api.post(committee_report + "/aggregate"))
    assert summed["source"] == "aggregated"
    assert summed["template_version"].startswith(f"2012国表 v{NATIONAL_VERSION}；端到端省表 v")
    assert cells(summed, "end") == {"total": 3, "female": 2, "male": 1, "developed": 1, "developed_plus": 3}

    corrected = ok(api.post(committee_report + "/corrections", json={
        "table": "p_women", "row": "end", "column": "female", "value": 3, "reason": "核对名册"}))
    failures = [f for f in corrected["checks"]["failures"] if f["rule"] == "sum"]
    assert len(failures) == 1 and not corrected["checks"]["passed"]
    assert failures[0]["message"].startswith("省表1（女党员情况）「本年底」行：党员总数等于男女党员之和")
    assert failures[0]["cells"][0]["anchor"] == "cell-p_women-end-total"


def test_the_openapi_document_describes_report_templates(api):
    paths = ok(api.get("/openapi.json"))["paths"]
    assert {"get", "post"} <= set(paths["/report-templates"])
    assert "201" in paths["/report-templates"]["post"]["responses"]
    report = paths["/orgs/{id}/reports/{year}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "template_version" in report["properties"]
