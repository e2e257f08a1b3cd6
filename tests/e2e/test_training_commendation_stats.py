"""表9 培训, 表11 出党（二） and 表12 表彰 through the gateway: 培训情况 and 奖惩情况 rows keyed on member
cards and members leaving by 出党 ways count, at their branch and the 党委 above, in the year of
their dates, exactly as hand-counted; the report page's 校核 passes; reconcile is clean; the rows'
history and 操作日志 read names, not codes."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.support.api import create_org
from tests.support.factories import id_number, member_data
from tests.support.helpers import wait_for

TABLES = ("t9", "t10", "t11", "t12")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def add_row(api, member_id: int, key: str, **data) -> dict:
    version = ok(api.get(f"/members/{member_id}"))["version"]
    return ok(api.post(f"/members/{member_id}/info/{key}", json={"version": version, **data}), 201)


def leave(api, member_id: int, kind: str, on: str) -> None:
    version = ok(api.get(f"/members/{member_id}"))["version"]
    ok(api.post(f"/members/{member_id}/leave", json={"kind": kind, "date": on, "reason": "统计测试",
                                                     "version": version}))


def cells(api, org_id: int, year: int) -> dict:
    """The non-zero cells of the four tables in the organization's report of the year (GET the page's JSON)."""
    report = ok(api.get(f"/orgs/{org_id}/reports/{year}"))
    return {table["key"]: {key: n for key, n in table["rows"][0]["cells"].items() if n}
            for table in report["tables"] if table["key"] in TABLES}


EXPECTED = {
    # A: 县 (集中, 16) and 基层 (网络, 4) in 2024, 省 (远程) in 2025; B: 中央 (集中, 8) in 2024.
    # 奖励: A 市 2024 and one without a level 2025, B 县 2024 (A's 惩处 is not a 表彰).
    # 出党: B 开除党籍 (男, 正式, 39 → a40, joined 2010 → p08) and C 取消预备党员资格 (女, 预备, 26 → a30,
    # joined 2024 → p11) in 2024; D 退党除名 (男, 40 → a40, p08) in 2025.
    2023: {},
    2024: {"t9": {"members": 2, "total": 3, "level_1": 1, "level_4": 1, "level_6": 1, "mode_1": 2, "mode_3": 1,
                  "hours": 28},
           "t10": {"total": 2, "kind_21": 1, "kind_25": 1},
           "t11": {"total": 2, "female": 1, "probationary": 1, "expel_a30": 1, "expel_a40": 1, "expel_p08": 1,
                   "expel_p11": 1},
           "t12": {"members": 2, "total": 2, "level_3": 1, "level_4": 1}},
    2025: {"t9": {"members": 1, "total": 1, "level_2": 1, "mode_2": 1},
           "t10": {"total": 1, "kind_24": 1},
           "t11": {"total": 1, "expel_a40": 1, "expel_p08": 1},
           "t12": {"members": 1, "total": 1, "level_none": 1}},
}


@pytest.fixture(scope="module")
def keyed(system, api, root_id):
    committee = create_org(api, root_id, "培训表彰统计党委", "党委")
    branch = create_org(api, committee, "培训表彰统计支部")

    def member(name: str, **data) -> int:
        return ok(api.post("/members", json=member_data(branch, name=name, **data)), 201)["id"]

    a = member("培训甲", id_number=id_number(date(1985, 6, 15), female=True))
    b = member("培训乙", id_number=id_number(date(1985, 6, 15), female=False))
    c = member("培训丙", id_number=id_number(date(1998, 4, 2), female=True), category="预备党员",
               joined_on="2024-03-01")
    d = member("培训丁", id_number=id_number(date(1985, 6, 15), female=False))
    add_row(api, a, "trainings", name="党员冬训", level="县级", mode="集中培训", started_on="2024-03-01",
            ended_on="2024-03-03", hours=16, organizer="县委组织部")
    add_row(api, a, "trainings", name="网上党课", level="基层党组织", mode="网络培训", started_on="2024-11-01",
            hours="4")
    add_row(api, a, "trainings", name="远程教育专题", level="省（区、市）", mode="远程教育", started_on="2025-02-01")
    add_row(api, b, "trainings", name="中央党校专题班", level="中央", mode="集中培训", started_on="2024-06-01", hours=8)
    add_row(api, a, "rewards", kind="奖励", name="优秀共产党员", decided_on="2024-07-01", level="市级",
            authority="中共某市委")
    add_row(api, a, "rewards", kind="惩处", name="警告", decided_on="2024-08-01", level="基层党组织")
    add_row(api, a, "rewards", kind="奖励", name="先进个人", decided_on="2025-06-30")
    add_row(api, b, "rewards", kind="奖励", name="优秀党务工作者", decided_on="2024-05-01", level="县（市、区、旗）")
    leave(api, b, "开除党籍", "2024-09-01")
    leave(api, c, "取消预备党员资格", "2024-10-01")
    leave(api, d, "退党除名", "2025-03-01")
    return {"committee": committee, "branch": branch}, a


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_each_year_counts_the_rows_and_leavings_of_its_dates_at_the_branch_and_above(api, keyed, year):
    orgs, _ = keyed
    expected = {key: EXPECTED[year].get(key, {}) for key in TABLES}
    for org_id in orgs.values():
        wait_for(lambda: cells(api, org_id, year), lambda found: found == expected, timeout=30,
                 what=f"tables 9–12 of {org_id} in {year}")


def test_the_checks_pass_and_reconcile_is_clean(api, rpc, keyed):
    orgs, _ = keyed
    wait_for(lambda: cells(api, orgs["committee"], 2025), lambda found: found["t12"] == EXPECTED[2025]["t12"],
             timeout=30, what="the 2025 tables")
    checks = ok(api.get(f"/orgs/{orgs['committee']}/reports/2024/checks"))
    assert not [f for f in checks["failures"] if f["severity"] == "error"], checks["failures"]
    result = rpc.call("stats", "reconcile", org_id=orgs["committee"])
    assert result["total_differences"] == 0, result["differences"]


def test_the_excel_report_has_the_three_tables_in_their_places(api, keyed):
    orgs, _ = keyed
    wait_for(lambda: cells(api, orgs["branch"], 2024), lambda found: found["t12"] == EXPECTED[2024]["t12"],
             timeout=30, what="the 2024 tables")
    workbook = load_workbook(BytesIO(api.get(f"/orgs/{orgs['branch']}/reports/2024.xlsx").content))
    names = [name for name in workbook.sheetnames if name.startswith("表")]
    assert names[names.index("表8 民主评议"):names.index("表13 预备党员转正")] == [
        "表8 民主评议", "表9 党员培训", "表10 出党", "表11 出党（二）", "表12 表彰"]
    report = ok(api.get(f"/orgs/{orgs['branch']}/reports/2024"))
    for key, sheet_name in (("t9", "表9 党员培训"), ("t11", "表11 出党（二）"), ("t12", "表12 表彰")):
        total = next(row for row in workbook[sheet_name].iter_rows(values_only=True) if row[0] == "合计")
        columns = next(t for t in report["tables"] if t["key"] == key)["columns"]
        found = dict(zip((c["key"] for c in columns), total[1:]))
        assert {k: n for k, n in found.items() if n} == EXPECTED[2024][key], key


def test_the_rows_read_by_name_in_the_history_and_the_audit_log(api, keyed):
    _, a = keyed
    card = ok(api.get(f"/members/{a}"))
    training = next(r for r in card["info_sets"]["trainings"] if r["name"] == "党员冬训")
    assert (training["level_name"], training["mode_name"], training["hours"]) == ("县（市、区、旗）", "集中培训", 16)
    assert [r["level_name"] for r in card["info_sets"]["rewards"]] == [None, "基层党组织", "市（地、州、盟）"]
    history = ok(api.get(f"/members/{a}/history"))["items"]
    added = next(line for line in history if line["action_name"] == "新增培训情况"
                 and any(c["new_name"] == "党员冬训" for c in line["changes"]))
    assert {(c["label"], c["new_name"]) for c in added["changes"]} >= {
        ("举办单位级别", "县（市、区、旗）"), ("培训方式", "集中培训"), ("学时", "16"), ("开始日期", "2024-03-01")}
    logged = wait_for(lambda: ok(api.get("/audit", params={"entity": "member", "entity_id": a}))["items"],
                      lambda items: any(e["action"] == "新增培训情况" for e in items), what="the training's 操作日志")
    entry = next(e for e in logged if e["action"] == "新增培训情况"
                 and {"field": "培训名称", "before": None, "after": "党员冬训"} in e["changes"])
    assert {"field": "举办单位级别", "before": None, "after": "县（市、区、旗）"} in entry["changes"]
    reward = next(e for e in logged if e["action"] == "新增奖惩情况"
                  and {"field": "奖惩名称", "before": None, "after": "优秀共产党员"} in e["changes"])
    assert {"field": "批准机关级别", "before": None, "after": "市（地、州、盟）"} in reward["changes"]


def test_a_training_added_by_batch_counts_once_per_member_and_its_undo_takes_it_back(api, rpc, root_id):
    branch = create_org(api, root_id, "批量培训统计支部")
    early = ok(api.post("/members", json=member_data(branch, name="批量培训甲")), 201)["id"]
    late = ok(api.post("/members", json=member_data(branch, name="批量培训乙", joined_on="2024-05-01")), 201)["id"]
    body = {"info_set": "trainings", "member_ids": [early, late],
            "values": {"name": "春季集中轮训", "level": "乡镇（街道）", "mode": "集中培训", "started_on": "2024-04-01",
                       "hours": 12}}
    preview = ok(api.post(f"/orgs/{branch}/batches/preview", json=body))
    assert [r["member_id"] for r in preview["accepted"]] == [early]
    assert [(r["member_id"], r["reason"]) for r in preview["refused"]] == [
        (late, "开始日期不能早于入党日期（2024-05-01）")]
    done = ok(api.post(f"/orgs/{branch}/batches", json=body), 201)
    counted = {"t9": {"members": 1, "total": 1, "level_5": 1, "mode_1": 1, "hours": 12}, "t10": {}, "t11": {},
               "t12": {}}
    wait_for(lambda: cells(api, branch, 2024), lambda found: found == counted, timeout=30, what="the batch's 表9")
    assert rpc.call("stats", "reconcile", org_id=branch)["total_differences"] == 0
    ok(api.post(f"/batches/{done['id']}/undo"))
    wait_for(lambda: cells(api, branch, 2024)["t9"], lambda found: found == {}, timeout=30, what="表9 after the undo")
