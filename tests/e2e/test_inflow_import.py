"""数据迁移: the 流入党员采集表 end to end — the template and the migration list; a preview that writes
nothing and names every refused row's reason (an organization out of scope or unknown, a member of the
caller's own scope, one already there, overlapping rows, bad columns); the commit that registers each as
流入登记 does and ends the ones with a 离开日期 as 登记离开 does (the 流动党员 page's list, the 操作日志,
流动党员情况 in the statistics, the dues service's inflow ledger); the report; the same file twice writing
nothing; a row changed since its preview; scope and rights."""
import io
from contextlib import closing
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_error, wait_for
from tests.support.sheets import collection_sheet

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["流入党组织代码", "姓名", "公民身份号码", "原所在党组织", "活动证编号", "流入日期", "离开日期"]
TODAY = date.today()
YEAR = TODAY.year
FROM = date(YEAR, 1, 1).isoformat()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def inflow_sheet(rows: list[list]) -> bytes:
    return collection_sheet("流入党员采集表", HEADERS, rows)


def upload(client, content: bytes):
    return client.post("/imports/inflows", files={"file": ("流入党员采集表.xlsx", content, XLSX)}, timeout=60)


def mobile(rpc, org_id: int) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=YEAR)
    return next(t for t in report["tables"] if t["key"] == "mobile")["rows"][0]["cells"]


def inflows_at(client, org_id: int) -> dict:
    page = ok(client.get(f"/orgs/{org_id}/mobility", params={"direction": "in", "size": "50", "state": "all"}))
    return {item["member_name"]: item for item in page["items"]}


@pytest.fixture(scope="module")
def world(system, api, root_id):
    """A 党委 with a branch and its clerk (the 党委's), an organization outside that scope, a member of the
    branch, and a member from outside already registered by hand at the branch."""
    committee = create_org(api, root_id, "流入导入党委", "党委")
    branch = create_org(api, committee, "流入导入支部")
    other = create_org(api, root_id, "流入导入无关支部")
    clerk = staff_client(system, api, committee, "inimp")
    ours = member_data(branch, name="本系统党员")
    ok(api.post("/members", json=ours), 201)
    there = {"name": "已流入丁", "id_number": id_number(), "home_org_text": "外省某党支部"}
    ok(clerk.post(f"/orgs/{branch}/inflows", json={"external": there, "from_date": "2024-05-01"}), 201)
    codes = {key: ok(api.get(f"/orgs/{org}"))["code"] for key, org in (("branch", branch), ("other", other))}
    yield {"committee": committee, "branch": branch, "other": other, "clerk": clerk, "codes": codes,
           "ours": ours["id_number"], "there": there["id_number"]}
    clerk.close()


def test_the_template_and_the_migration_list(api, world):
    response = world["clerk"].get("/imports/inflows/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["流入党员采集表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[3][:1] == ["公民身份号码"] and notes[3][3] == "440106199205061234"
    assert book["流入党员采集表"]["C2"].number_format == "@"  # the ID number column is text
    kinds = ok(api.get("/migration/kinds"))
    assert {"key": "inflows", "sheet": "流入党员采集表", "module": "mobility"}.items() <= next(
        kind for kind in kinds["items"] if kind["key"] == "inflows").items()
    assert not any("流入" in item["sheet"] for item in kinds["not_yet"])


def test_preview_commit_lists_stats_dues_and_the_same_file_twice(api, rpc, world):
    clerk, codes, branch = world["clerk"], world["codes"], world["branch"]
    before = mobile(rpc, branch)
    staying, leaving = id_number(), id_number()
    content = inflow_sheet([
        [codes["branch"], "流入甲", staying, "广东省广州市某社区党支部", "4401060000123", FROM, ""],
        [codes["branch"], "流入乙", leaving, "外省某县某党委", "", FROM.replace("-", "/"), TODAY.isoformat()],
        [codes["other"], "流入丙", id_number(), "外省某党支部", "", FROM, ""],
        ["NO-SUCH-CODE", "流入丁", id_number(), "外省某党支部", "", FROM, ""],
        [codes["branch"], "本系统党员", world["ours"], "外省某党支部", "", FROM, ""],
        [codes["branch"], "已流入丁", world["there"], "外省某党支部", "", FROM, ""],
        [codes["branch"], "", "110105194912310021", "", "", "去年", ""],
        [codes["branch"], "流入甲", staying, "广东省广州市某社区党支部", "", FROM, ""],
    ])
    preview = ok(upload(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (8, 2)
    reasons = {}
    for error in preview["errors"]:
        reasons.setdefault(error["row"], {})[error["field"]] = error["message"]
    assert set(reasons) == {4, 5, 6, 7, 8, 9}
    assert "不在本账号管理范围内" in reasons[4]["org_code"]
    assert "没有代码为“NO-SUCH-CODE”的党组织" in reasons[5]["org_code"]
    assert "本账号管理范围内的党员" in reasons[6]["id_number"]
    assert "已在本党组织登记流入（流入日期2024-05-01）" in reasons[7]["id_number"]
    assert {"name", "id_number", "home_org_text", "from_date"} <= set(reasons[8])
    assert "与第 2 行" in reasons[9]["id_number"]
    assert set(inflows_at(clerk, branch)) == {"已流入丁"}  # a preview writes nothing

    done = ok(clerk.post(f"/imports/inflows/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (2, 6)
    listed = inflows_at(clerk, branch)
    assert set(listed) == {"已流入丁", "流入甲", "流入乙"}
    assert listed["流入甲"]["state"] == "in" and listed["流入甲"]["certificate_no"] == "4401060000123"
    assert listed["流入甲"]["home_org_name"] == "广东省广州市某社区党支部" and listed["流入甲"]["from_date"] == FROM
    assert listed["流入乙"]["state"] == "ended" and listed["流入乙"]["ended_on"] == TODAY.isoformat()
    wait_for(lambda: ok(api.get("/audit", params={"entity": "inflow"}))["items"],
             lambda items: any("导入流入党员采集表" in str(item) and "流入乙" in str(item) for item in items),
             what="the 操作日志 of the imported 流入登记")
    wait_for(lambda: mobile(rpc, branch),
             lambda cells: cells["inflow_new"] == before["inflow_new"] + 2
             and cells["inflow_end"] == before["inflow_end"] + 1
             and cells["inflow_outside"] == before["inflow_outside"] + 1, timeout=30,
             what="流动党员情况 counting the imported inflows")
    month = f"{TODAY:%Y-%m}"
    dues = wait_for(lambda: ok(clerk.get(f"/orgs/{branch}/dues/month", params={"month": month}))["inflows"],
                    lambda inflows: listed["流入甲"]["id"] in {row["inflow_id"] for row in inflows["members"]},
                    what="the dues service's inflow ledger of the imported inflow")
    assert listed["流入乙"]["id"] not in {row["inflow_id"] for row in dues["members"]}  # left: not on the roster

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/inflows/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("流入党员采集表", 2, 6)
    refused = list(report["未导入的行"].iter_rows(values_only=True))
    assert any(row[0] == 4 and row[4] == "流入党组织代码" and "管理范围" in row[5] for row in refused)

    again = ok(upload(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    again_reasons = {error["row"]: error["message"] for error in again["errors"]}
    assert all("不再重复写入" in again_reasons[row] for row in (2, 3))
    assert_error(clerk.post(f"/imports/inflows/{preview['id']}/commit", json={}), 409)
    assert len(inflows_at(clerk, branch)) == 3


def test_a_row_registered_since_the_preview_is_listed_not_written(world):
    clerk, branch = world["clerk"], world["branch"]
    external = {"name": "流入己", "id_number": id_number(), "home_org_text": "外省某党支部"}
    row = [world["codes"]["branch"], "流入己", external["id_number"], "外省某党支部", "", FROM, ""]
    preview = ok(upload(clerk, inflow_sheet([row])), 201)
    assert preview["valid"] == 1
    ok(clerk.post(f"/orgs/{branch}/inflows", json={"external": external, "from_date": FROM}), 201)
    assert_error(clerk.post(f"/imports/inflows/{preview['id']}/commit", json={"all_or_nothing": True}), 409)
    done = ok(clerk.post(f"/imports/inflows/{preview['id']}/commit", json={}))
    assert done["written"] == 0 and "预览后已变化：该党员的这次流入已登记" in done["errors"][0]["message"]
    assert [item["from_date"] for name, item in inflows_at(clerk, branch).items() if name == "流入己"] == [FROM]


def test_scope_and_rights(system, api, world):
    clerk = world["clerk"]
    row = [world["codes"]["other"], "流入庚", id_number(), "外省某党支部", "", FROM, ""]
    theirs = ok(upload(api, inflow_sheet([row])), 201)
    assert theirs["valid"] == 1  # the root's account covers the organization
    assert_error(clerk.get(f"/imports/inflows/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/inflows/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/inflows/{theirs['id']}/report.xlsx"), 403)
    username = f"inread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD,
                                     "org_id": world["committee"], "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        error = assert_error(upload(reader, inflow_sheet([row])), 403)
        assert "流动党员" in error["message"]
