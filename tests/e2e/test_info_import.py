"""数据迁移: the 党员信息集采集表 end to end — the template (a sheet an info set, drop-downs, the 填写说明);
a workbook of several sets' sheets previewed with every refused row's reason named with its sheet (out
of scope, another name, a bad field, a 民主评议 year twice); the commit writing each row through the
card's row writer (the card's info sets, 最高学历 derived, the history line, the 操作日志, the annual
report's 表彰 counting a 奖励); the report; the same file twice writing nothing; scope and rights."""
import io
from contextlib import closing
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = date.today().year
SHEETS = {
    "学历学位": ["公民身份号码", "姓名", "学历", "学位", "毕业院校", "所学专业", "学习形式", "入学日期", "毕业日期"],
    "民主评议": ["公民身份号码", "姓名", "评议年度", "评议结果", "备注"],
    "奖惩情况": ["公民身份号码", "姓名", "奖惩类别", "奖惩名称", "批准日期", "批准机关", "批准机关级别", "奖惩原因"],
}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def workbook(rows: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, values in rows.items():
        sheet = book.create_sheet(title)
        sheet.append(SHEETS[title])
        for row in values:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes):
    return client.post("/imports/member-info", files={"file": ("党员信息集采集表.xlsx", content, XLSX)}, timeout=60)


def commended(rpc, org_id: int) -> int:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=YEAR)
    cells = next(t for t in report["tables"] if t["key"] == "t12")["rows"][0]["cells"]
    return cells["total"]


@pytest.fixture(scope="module")
def world(system, api, root_id):
    branch = create_org(api, root_id, "信息集导入支部")
    other = create_org(api, root_id, "信息集导入外支部")
    people = {}
    for name, org in (("信息甲", branch), ("信息乙", branch), ("外支部丙", other)):
        data = member_data(org, name=name, education="高中")
        people[name] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]}
    clerk = staff_client(system, api, branch, "infoimp")
    yield {"branch": branch, "people": people, "clerk": clerk}
    clerk.close()


def test_the_template_has_a_sheet_a_set(api, world):
    response = world["clerk"].get("/imports/member-info/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["学历学位", "工作岗位", "职务", "技术职务", "民主评议", "培训情况", "奖惩情况",
                               "其他党团信息", "困难党员", "代码表", "填写说明"]
    for title, headers in SHEETS.items():
        assert [cell.value for cell in book[title][1]] == headers
    assert [rule.sqref for rule in book["奖惩情况"].data_validations.dataValidation][:1] == ["C2:C5001"]
    notes = list(book["填写说明"].iter_rows(values_only=True))
    assert ("奖惩情况", "批准机关级别", "否") in [note[:3] for note in notes]
    kind = next(kind for kind in ok(api.get("/migration/kinds"))["items"] if kind["key"] == "member-info")
    assert (kind["sheet"], kind["module"]) == ("党员信息集采集表", "daily")


def test_preview_commit_card_stats_report_and_the_same_file_twice(api, rpc, world):
    clerk, people = world["clerk"], world["people"]
    first, second, outside = people["信息甲"], people["信息乙"], people["外支部丙"]
    before = commended(rpc, world["branch"])
    content = workbook({
        "学历学位": [
            [first["id_number"], "信息甲", "大学本科", "学士", "某大学", "法学", "全日制", "2003/9/1", "2007/7/1"],
            [second["id_number"], "信息乙", "研究生", "", "", "", "", "2012-09-01", "2010-07-01"],
            [outside["id_number"], "外支部丙", "大学本科", "", "", "", "", "", ""]],
        "民主评议": [[first["id_number"], "信息甲", str(YEAR - 1), "优秀", ""],
                 [first["id_number"], "信息甲", str(YEAR - 1), "合格", ""],
                 [second["id_number"], "别人", str(YEAR - 1), "合格", ""]],
        "奖惩情况": [[first["id_number"], "信息甲", "奖励", "优秀共产党员", f"{YEAR}-03-01", "某县委", "县级", ""]],
    })
    preview = ok(upload(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (7, 3), preview
    reasons = {(error["field"], error["row"]): error["message"] for error in preview["errors"]}
    assert set(reasons) == {("educations.graduated_on", 3), ("educations.id_number", 4),
                            ("evaluations.year", 3), ("evaluations.member_name", 4)}
    assert "毕业日期不能早于入学日期" in reasons[("educations.graduated_on", 3)]
    assert "管理范围内没有" in reasons[("educations.id_number", 4)]
    assert "每年只能有一条" in reasons[("evaluations.year", 3)]
    assert "名册中为“信息乙”" in reasons[("evaluations.member_name", 4)]
    assert ok(api.get(f"/members/{first['id']}"))["info_sets"]["educations"] == []  # a preview writes nothing

    done = ok(clerk.post(f"/imports/member-info/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (3, 4), done
    card = ok(api.get(f"/members/{first['id']}"))
    [education] = card["info_sets"]["educations"]
    assert (education["education_name"], education["graduated_on"], education["school"]) == (
        "大学本科", "2007-07-01", "某大学")
    assert card["education"] == "20"  # 最高学历 now from the rows (the basic set said 高中)
    assert [(row["year"], row["grade_name"]) for row in card["info_sets"]["evaluations"]] == [(YEAR - 1, "优秀")]
    assert [row["name"] for row in card["info_sets"]["rewards"]] == ["优秀共产党员"]
    wait_for(lambda: ok(api.get("/audit", params={"entity": "member", "entity_id": str(first["id"])}))["items"],
             lambda items: any("奖惩情况" in item["action"] for item in items), what="the 操作日志 of the rows")
    wait_for(lambda: commended(rpc, world["branch"]), lambda total: total == before + 1, timeout=30,
             what="表12 表彰 counting the imported 奖励")

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/member-info/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("党员信息集采集表", 3, 4)
    refused = list(report["未导入的行"].iter_rows(values_only=True))
    assert any(row[4] == "学历学位：毕业日期" for row in refused)

    again = ok(upload(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    assert sum("不再重复写入" in error["message"] for error in again["errors"]) == 3
    assert_error(clerk.post(f"/imports/member-info/{preview['id']}/commit", json={}), 409)


def test_a_workbook_without_a_sets_sheet_is_refused(world):
    book = Workbook()
    book.active.title = "别的表"
    out = io.BytesIO()
    book.save(out)
    error = assert_error(upload(world["clerk"], out.getvalue()), 400)
    assert "工作表应名为学历学位" in error["message"]


def test_scope_and_rights(system, api, world):
    outside = world["people"]["外支部丙"]
    sheet = workbook({"民主评议": [[outside["id_number"], "外支部丙", str(YEAR - 2), "合格", ""]]})
    theirs = ok(upload(api, sheet), 201)
    assert theirs["valid"] == 1  # the root's account reaches the member
    clerk = world["clerk"]
    assert_error(clerk.get(f"/imports/member-info/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/member-info/{theirs['id']}/commit", json={}), 403)
    username = f"inforead{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": world["branch"],
                                     "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        error = assert_error(upload(reader, sheet), 403)
        assert "日常管理" in error["message"]
