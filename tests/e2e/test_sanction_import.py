"""数据迁移: the 组织奖惩采集表 end to end — the template; a preview that writes nothing and names every
refused row's reason (an organization out of scope or unknown, a bad column, the same record twice); the
commit writing each record through the card's own writer (the card's 组织奖惩, the org history, the
操作日志, 表12 counting the organization's 奖励); the report; the same file twice writing nothing; a
record keyed since the preview; scope and rights."""
import io
from contextlib import closing
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code
from tests.support.helpers import assert_error, wait_for
from tests.support.sheets import collection_sheet

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["党组织代码", "奖惩类别", "奖惩名称", "批准日期", "批准机关", "批准机关级别", "奖惩原因"]
YEAR = date.today().year
THIS_YEAR = date(YEAR, 1, 1).isoformat()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def upload(client, rows: list[list]):
    return client.post("/imports/sanctions", files={"file": ("组织奖惩采集表.xlsx",
                                                            collection_sheet("组织奖惩采集表", HEADERS, rows), XLSX)},
                       timeout=60)


def org_commended(rpc, org_id: int) -> int:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=YEAR)
    return next(t for t in report["tables"] if t["key"] == "t12")["rows"][0]["cells"]["org_total"]


@pytest.fixture(scope="module")
def world(system, api, root_id):
    committee = create_org(api, root_id, "奖惩导入党委", "党委")
    branch = create_org(api, committee, "奖惩导入支部")
    other = create_org(api, root_id, "奖惩导入外支部")
    clerk = staff_client(system, api, committee, "sancimp")
    codes = {key: ok(api.get(f"/orgs/{org}"))["code"] for key, org in (("branch", branch), ("other", other))}
    yield {"committee": committee, "branch": branch, "codes": codes, "clerk": clerk}
    clerk.close()


def test_the_template_and_the_migration_list(api, world):
    response = world["clerk"].get("/imports/sanctions/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["组织奖惩采集表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[3][0] == "奖惩名称" and notes[3][3] == "先进基层党组织"
    kind = next(kind for kind in ok(api.get("/migration/kinds"))["items"] if kind["key"] == "sanctions")
    assert (kind["sheet"], kind["module"]) == ("组织奖惩采集表", "daily")


def test_preview_commit_card_stats_report_and_the_same_file_twice(api, rpc, world):
    clerk, codes, branch = world["clerk"], world["codes"], world["branch"]
    before = org_commended(rpc, branch)
    rows = [
        [codes["branch"], "奖励", "先进基层党组织", THIS_YEAR.replace("-", "/"), "某县委", "县级", ""],
        [codes["branch"], "惩处", "通报批评", "2019-03-01", "某县纪委", "", "组织生活不规范"],
        [codes["other"], "奖励", "先进基层党组织", THIS_YEAR, "某县委", "县级", ""],
        ["NO-SUCH", "奖励", "先进", THIS_YEAR, "某县委", "", ""],
        [codes["branch"], "表扬", "", "明年", "", "", ""],
        [codes["branch"], "奖励", "先进基层党组织", THIS_YEAR, "某县委", "县级", ""],
    ]
    preview = ok(upload(clerk, rows), 201)
    assert (preview["rows"], preview["valid"]) == (6, 2), preview
    reasons = {}
    for error in preview["errors"]:
        reasons.setdefault(error["row"], {})[error["field"]] = error["message"]
    assert set(reasons) == {4, 5, 6, 7}
    assert reasons[4]["org_code"] == "本账号管理范围内没有这个代码的党组织"
    assert reasons[5]["org_code"] == "没有代码为“NO-SUCH”的党组织"
    assert {"kind", "name", "approved_on", "approver"} <= set(reasons[6])
    assert reasons[7]["name"] == "与第 2 行是同一条奖惩记录"
    assert ok(api.get(f"/orgs/{branch}"))["sanctions"] == []  # a preview writes nothing

    done = ok(clerk.post(f"/imports/sanctions/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (2, 4), done
    card = ok(api.get(f"/orgs/{branch}"))
    assert sorted((s["name"], s["approved_on"]) for s in card["sanctions"]) == [
        ("先进基层党组织", THIS_YEAR), ("通报批评", "2019-03-01")]
    wait_for(lambda: ok(api.get("/audit", params={"entity": "org", "entity_id": str(branch)}))["items"],
             lambda items: any("通报批评" in str(item) for item in items), what="the 操作日志 of the records")
    wait_for(lambda: org_commended(rpc, branch), lambda total: total == before + 1, timeout=30,
             what="表12 counting the organization's imported 奖励")

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/sanctions/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("组织奖惩采集表", 2, 4)

    again = ok(upload(clerk, rows[:2]), 201)  # the same records twice
    assert again["valid"] == 0
    assert all("不再重复写入" in error["message"] for error in again["errors"])
    assert_error(clerk.post(f"/imports/sanctions/{preview['id']}/commit", json={}), 409)


def test_a_record_keyed_since_the_preview_is_listed_not_written(api, world):
    clerk, branch = world["clerk"], world["branch"]
    row = [world["codes"]["branch"], "奖励", "五好党支部", "2022-07-01", "某市委", "市级", ""]
    preview = ok(upload(clerk, [row]), 201)
    assert preview["valid"] == 1
    ok(clerk.post(f"/orgs/{branch}/sanctions", json={"kind": "奖励", "name": "五好党支部", "approved_on": "2022-07-01",
                                                     "approver": "某市委", "level": "市级"}), 201)
    assert_error(clerk.post(f"/imports/sanctions/{preview['id']}/commit", json={"all_or_nothing": True}), 409)
    done = ok(clerk.post(f"/imports/sanctions/{preview['id']}/commit", json={}))
    assert done["written"] == 0 and done["errors"][0]["message"].startswith("预览后已变化：该党组织已有这条奖惩记录")


def test_scope_and_rights(system, api, world):
    row = [world["codes"]["other"], "奖励", "先进", "2020-07-01", "某县委", "", ""]
    theirs = ok(upload(api, [row]), 201)
    assert theirs["valid"] == 1  # the root's account covers the organization
    clerk = world["clerk"]
    assert_error(clerk.get(f"/imports/sanctions/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/sanctions/{theirs['id']}/commit", json={}), 403)
    username = f"sancread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                     "org_id": world["committee"], "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        assert "日常管理" in assert_error(upload(reader, [row]), 403)["message"]
