"""发展党员, part two, through the gateway: a branch's and a 党委's annual development plan versus
what the recorded pipeline says happened (rows, totals with nested plans counted once, named
applicants, the Excel printout, scope, bad input, a stale version, two saves at once), and the
import of development histories kept on paper (template, preview with each row's problem, commit,
the stage following the imported steps, and the 工作督查 list reporting what was out of order)."""
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.api import create_org, staff_client
from tests.support.development import PATH, add_applicant, development_tree, history_sheet, walk
from tests.support.factories import id_number
from tests.support.helpers import assert_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = {"members": 2, "activists": 0, "candidates": 1}


@pytest.fixture(scope="module")
def tree(api, root_id):
    found = development_tree(api, root_id, "计划测试党委", "计划一支部", ("王计划", "李计划"))
    found["second"] = create_org(api, found["committee"], "计划二支部", "党支部")
    return found


def plan_url(org_id: int, year) -> str:
    return f"/orgs/{org_id}/development/plans/{year}"


def test_plan_versus_what_happened(system, api, tree):
    accepted = add_applicant(api, tree["branch"], name="计划甲")
    walk(api, tree["full"], accepted, PATH)  # 列为发展对象 2023-03-02, accepted at the 支部大会 of 2023-07-01
    activist = add_applicant(api, tree["second"], applied_on="2023-02-01", name="计划乙")
    walk(api, tree["full"], activist, [("talk", "2023-02-20", {}), ("activist", "2023-04-01", {})])

    saved = api.put(plan_url(tree["branch"], 2023), json={**PLAN, "named": [accepted], "note": "年初计划"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1 and saved.json()["named"] == [accepted]
    second = api.put(plan_url(tree["second"], 2023), json={"members": 0, "activists": 2, "candidates": 0})
    assert second.status_code == 200

    report = api.get(plan_url(tree["committee"], 2023)).json()
    rows = {row["name"]: row for row in report["rows"]}
    assert list(rows) == ["计划测试党委", "计划一支部", "计划二支部"]
    assert rows["计划测试党委"]["plan"] is None
    assert rows["计划一支部"]["plan"] == PLAN and rows["计划一支部"]["completion"] == 50
    assert rows["计划一支部"]["actual"] == {"applied": 0, "activists": 0, "candidates": 1, "members": 1}
    assert rows["计划二支部"]["actual"] == {"applied": 1, "activists": 1, "candidates": 0, "members": 0}
    assert report["total"]["plan"] == {"members": 2, "activists": 2, "candidates": 1}
    assert report["total"]["actual"] == {"applied": 1, "activists": 1, "candidates": 1, "members": 1}
    # The 党委's own plan is the subtree's: its branches' plans are inside it, not added to it.
    own = api.put(plan_url(tree["committee"], 2023), json={"members": 4, "activists": 3, "candidates": 2})
    total = api.get(plan_url(tree["committee"], 2023)).json()["total"]
    assert own.status_code == 200 and total["plan"]["members"] == 4 and total["completion"] == 25
    # The branch's own report: its named applicant was developed that year; 2022 counts the application.
    branch = api.get(plan_url(tree["branch"], 2023)).json()
    assert [(n["name"], n["outcome"], n["developed"]) for n in branch["named"]] == [("计划甲", "已发展", True)]
    assert branch["plan"]["note"] == "年初计划"
    earlier = api.get(plan_url(tree["branch"], 2022)).json()
    assert earlier["plan"] is None and earlier["total"]["actual"]["applied"] == 1
    assert earlier["total"]["actual"]["activists"] == 1 and earlier["total"]["plan"] is None

    # Changed with the version read; a stale version is 409 and changes nothing.
    changed = api.put(plan_url(tree["branch"], 2023), json={**PLAN, "members": 3, "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.json()["named"] == []
    assert_error(api.put(plan_url(tree["branch"], 2023), json={**PLAN, "members": 9, "version": 1}), 409)
    assert api.get(plan_url(tree["branch"], 2023)).json()["plan"]["members"] == 3

    # The printout: every organization's row and the totals.
    book = load_workbook(io.BytesIO(api.get(plan_url(tree["committee"], 2023) + ".xlsx").content))
    cells = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert cells[0] == ["计划测试党委 2023年发展党员计划执行情况"]
    assert any(row[:2] == ["　计划一支部", 3] for row in cells)
    assert any(str(row[0]).startswith("合计") and row[1] == 4 for row in cells)

    # Scope: another branch's account sees neither the plan nor the printout, and cannot set it.
    other = staff_client(system, api, tree["second"], "plan")
    try:
        assert_error(other.get(plan_url(tree["branch"], 2023)), 403)
        assert_error(other.get(plan_url(tree["branch"], 2023) + ".xlsx"), 403)
        assert_error(other.put(plan_url(tree["branch"], 2023), json=PLAN), 403)
        assert other.get(plan_url(tree["second"], 2023)).json()["total"]["actual"]["activists"] == 1
    finally:
        other.close()


def test_plan_bad_input_and_two_saves_at_once(api, tree):
    url = plan_url(tree["branch"], 2024)
    for year in ("abcd", "1999", str(date.today().year + 2), "2024.5"):
        assert_error(api.get(plan_url(tree["branch"], year)), 400)
        assert_error(api.put(plan_url(tree["branch"], year), json=PLAN), 400)
    for body in ({**PLAN, "members": -1}, {**PLAN, "members": "x"}, {"members": 1}, {**PLAN, "colour": "红"},
                 {**PLAN, "named": [1, 1]}, {**PLAN, "named": ["甲"]}, {**PLAN, "note": "长" * 501},
                 {**PLAN, "members": 10 ** 9}, {**PLAN, "named": list(range(1, 300))}):
        assert_error(api.put(url, json=body), 400)
    elsewhere = add_applicant(api, tree["second"], name="别处的人")
    assert "本组织" in assert_error(api.put(url, json={**PLAN, "named": [elsewhere]}), 400)["message"]
    assert_error(api.put(url, content=b"{not json", headers={"Content-Type": "application/json"}), 400)
    assert_error(api.get(plan_url(999999999, 2024)), 404)
    assert api.get(url).json()["plan"] is None  # nothing was written

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: api.put(url, json={**PLAN, "members": n}), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert api.get(url).json()["plan"]["version"] == 4


def test_import_of_a_paper_history_and_its_supervision(api, tree):
    template = api.get("/imports/development/template.xlsx")
    assert template.status_code == 200
    headers = [c.value for c in load_workbook(io.BytesIO(template.content))["发展纪实采集表"][1] if c.value]
    assert headers[:4] == ["公民身份号码", "姓名", "发展步骤", "办理日期"]
    person = add_applicant(api, tree["branch"], applied_on="2023-01-10", name="纸质甲")
    number = api.get(f"/applicants/{person}").json()["id_number"]
    keyed = add_applicant(api, tree["branch"], applied_on="2023-01-10", name="纸质乙")
    walk(api, tree["full"], keyed, [("talk", "2023-01-20", {}), ("activist", "2023-03-01", {})])
    keyed_number = api.get(f"/applicants/{keyed}").json()["id_number"]
    rows = [
        [number, "纸质甲", "派人谈话", "2023-01-20", None, None, None, None, None, None, None, None, "支部书记"],  # 2
        [number, "纸质甲", "确定为入党积极分子", "2023-03-01"],  # 3
        [number, "纸质甲", "列为发展对象", "2023-09-01"],  # 4: < 1 year as activist, imported all the same
        [number, "纸质甲", "确定入党介绍人", "2023-09-10", "王计划、不在册人"],  # 5: one not a member
        [number, "纸质甲", "确定入党介绍人", "2023-09-10", "王计划、李计划"],  # 6: the same step and day again
        [id_number(date(1990, 1, 1)), "无此人", "派人谈话", "2023-01-20"],  # 7: no such applicant
        [keyed_number, "别名", "确定为入党积极分子", "2023-03-01"],  # 8: the name differs
        [keyed_number, "纸质乙", "上级党委审批", "2023-09-01"],  # 9: approval is keyed, not imported
        [keyed_number, "纸质乙", "确定为入党积极分子", "2022-01-01"],  # 10: before the last recorded step
        [number, "纸质甲", "集中培训", "2099-01-01", None, None, "三"],  # 11: future, not a number
    ]
    preview = api.post("/imports/development", files={"file": ("发展纪实.xlsx", history_sheet(api, rows),
                                                                XLSX)})
    assert preview.status_code == 201, preview.text
    result = preview.json()
    problems = {(e["row"], e["field"]): e["message"] for e in result["errors"]}
    assert result["rows"] == 10 and result["valid"] == 4, problems
    assert "重复" in problems[(6, "step")] and "未找到" in problems[(7, "id_number")]
    assert "不一致" in problems[(8, "name")] and "不能导入" in problems[(9, "step")]
    assert "早于" in problems[(10, "date")] and "晚于今天" in problems[(11, "date")] and (11, "days") in problems
    assert any("不在册人" in n["message"] for n in result["notes"])
    assert_error(api.post(f"/imports/applicants/{result['id']}/commit"), 404)  # another sheet's endpoints
    assert_error(api.post(f"/imports/development/{result['id']}/commit", json={"all_or_nothing": True}), 400)
    committed = api.post(f"/imports/development/{result['id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["written"] == 4
    assert_error(api.post(f"/imports/development/{result['id']}/commit"), 409)

    # The stage follows the imported steps; they are marked imported.
    pipeline = api.get(f"/applicants/{person}/steps").json()
    assert pipeline["stage"] == "candidate"
    assert [(s["step"], s["imported"]) for s in pipeline["steps"]] == [
        ("talk", True), ("activist", True), ("candidate", True), ("introducers", True)]
    introducers = pipeline["steps"][3]["fields"]["introducers"]
    assert introducers[0]["category"] == "01" and "category" not in introducers[1]
    # The 工作督查 list picks the imported history's findings up.
    found = api.get(f"/orgs/{tree['branch']}/development/supervision").json()["items"]
    messages = " ".join(v["message"] for a in found if a["id"] == person for v in a["violations"])
    assert "满1年" in messages and "不在册人" in messages
    # … and the year's plan report counts them.
    assert api.get(plan_url(tree["branch"], 2023)).json()["total"]["actual"]["candidates"] >= 2
    # The same sheet again: every step is recorded already.
    again = api.post("/imports/development", files={"file": ("x.xlsx", history_sheet(api, rows[:2]),
                                                              XLSX)}).json()
    assert again["valid"] == 0 and all("已记录" in e["message"] or "早于" in e["message"] for e in again["errors"])
    assert_error(api.post("/imports/development", files={"file": ("x.xlsx", b"not a workbook", XLSX)}), 400)


def test_the_import_respects_scope(system, api, tree):
    person = add_applicant(api, tree["branch"], applied_on="2023-01-10", name="他支部人")
    number = api.get(f"/applicants/{person}").json()["id_number"]
    other = staff_client(system, api, tree["second"], "imp")
    try:
        preview = other.post("/imports/development", files={"file": (
            "x.xlsx", history_sheet(api, [[number, "他支部人", "派人谈话", "2023-01-20"]]), XLSX)}).json()
        assert preview["valid"] == 0 and "未找到" in preview["errors"][0]["message"]
    finally:
        other.close()


def test_the_openapi_document_lists_them(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"get", "put"} <= set(paths["/orgs/{id}/development/plans/{year}"])
    for path in ("/orgs/{id}/development/plans/{year}.xlsx", "/imports/development", "/imports/development/{id}",
                 "/imports/development/{id}/commit", "/imports/development/template.xlsx"):
        assert path in paths
