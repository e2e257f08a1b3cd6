"""数据迁移: the 组织生活采集表 end to end — the template; a preview that writes nothing and names every
refused row's reason (an organization out of scope, a name not on the roster, a bad column); the commit
that records each meeting as 记录组织生活 does (the organization's meetings, the attendees by id, the
组织生活 summary's counts, the 操作日志); a meeting the rolls refuse at the commit listed; the report; the
same file twice writing nothing; scope and rights."""
import io
from contextlib import closing
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for
from tests.support.sheets import collection_sheet

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["党组织代码", "组织生活类型", "会议时间", "地点", "主持人", "记录人", "主题", "授课人", "党课题目",
           "出席党员", "缺席党员", "列席人员", "内容", "决议事项"]
DAY = date.today() - timedelta(days=1)
YEAR = str(DAY.year)


def at(hour: int) -> str:
    return f"{DAY.isoformat()} {hour:02d}:00"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def meeting_sheet(rows: list[list]) -> bytes:
    return collection_sheet("组织生活采集表", HEADERS, rows)


def upload(client, content: bytes):
    return client.post("/imports/meetings", files={"file": ("组织生活采集表.xlsx", content, XLSX)}, timeout=60)


@pytest.fixture(scope="module")
def orgs(system, api, root_id):
    branch = create_org(api, root_id, "组织生活导入支部")
    other = create_org(api, root_id, "组织生活导入无关支部")
    people = {}
    for name, org in (("生活导入甲", branch), ("生活导入乙", branch), ("生活导入丙", branch), ("生活导入外", other)):
        people[name] = ok(api.post("/members", json=member_data(org, name=name)), 201)["id"]
    clerk = staff_client(system, api, branch, "meetimp")
    codes = {key: ok(api.get(f"/orgs/{org}"))["code"] for key, org in (("branch", branch), ("other", other))}
    yield {"branch": branch, "other": other, "people": people, "codes": codes, "clerk": clerk}
    clerk.close()


def row(orgs, org="branch", kind="支部党员大会", when=None, attendees="生活导入甲、生活导入乙",
        absentees="生活导入丙（外出）", speaker="", title="", topic="学习党章") -> list:
    return [orgs["codes"][org], kind, when or at(9), "党员活动室", "生活导入甲", "生活导入乙", topic, speaker, title,
            attendees, absentees, "上级联系人", "一、学习\n二、讨论", ""]


def test_the_template_and_the_migration_list(api, orgs):
    response = orgs["clerk"].get("/imports/meetings/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["组织生活采集表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[2][:1] == ["组织生活类型"] and notes[2][3] == "支部党员大会"
    kind = next(kind for kind in ok(api.get("/migration/kinds"))["items"] if kind["key"] == "meetings")
    assert (kind["sheet"], kind["module"]) == ("组织生活采集表", "orglife")


def summary(client, org_id: int) -> dict:
    return ok(client.get(f"/orgs/{org_id}/org-life/summary", params={"year": YEAR}))


def test_preview_commit_pages_counts_and_the_same_file_twice(api, orgs):
    clerk, branch, people = orgs["clerk"], orgs["branch"], orgs["people"]
    before = summary(clerk, branch)
    content = meeting_sheet([
        row(orgs),
        row(orgs, kind="党课", when=at(14), speaker="张书记", title="不忘初心", absentees=""),
        row(orgs, org="other", attendees="生活导入外", absentees=""),  # outside the clerk's scope
        row(orgs, when=at(10), attendees="生活导入甲、钱七"),  # not on the roster
        row(orgs, kind="党课", when=at(15)),  # a 党课 without its speaker and title
        row(orgs),  # the same meeting as row 2
    ])
    preview = ok(upload(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (6, 2), preview
    reasons = {}
    for error in preview["errors"]:
        reasons.setdefault(error["row"], {})[error["field"]] = error["message"]
    assert set(reasons) == {4, 5, 6, 7}
    assert reasons[4] == {"org_code": "本账号管理范围内没有这个代码的党组织"}
    assert "“钱七”不在本组织党员名册中" in reasons[5]["attendees"]
    assert set(reasons[6]) == {"speaker", "lecture_title"}
    assert "与第 2 行是同一次会议" in reasons[7]["held_at"]
    listed = ok(clerk.get(f"/orgs/{branch}/meetings", params={"year": YEAR}))
    assert listed["items"] == []  # a preview writes nothing

    done = ok(clerk.post(f"/imports/meetings/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (2, 4), done
    listed = ok(clerk.get(f"/orgs/{branch}/meetings", params={"year": YEAR}))["items"]
    assert sorted(item["kind_name"] for item in listed) == ["党课", "支部党员大会"]
    meeting = ok(clerk.get(f"/meetings/{next(i['id'] for i in listed if i['kind_name'] == '支部党员大会')}"))
    assert meeting["held_at"].replace("T", " ")[:16] == at(9) and meeting["status"] == "draft"
    assert [a["member_id"] for a in meeting["attendees"]] == sorted([people["生活导入甲"], people["生活导入乙"]])
    assert meeting["absentees"] == [{"member_id": people["生活导入丙"], "name": "生活导入丙", "reason": "外出"}]
    assert [h["action"] for h in meeting["history"]] == ["recorded"]
    after = summary(clerk, branch)
    assert after["kinds"]["11"]["held"] == before["kinds"]["11"]["held"] + 1
    assert after["kinds"]["14"]["held"] == before["kinds"]["14"]["held"] + 1
    wait_for(lambda: ok(api.get("/audit", params={"entity": "meeting", "entity_id": meeting["id"]}))["items"],
             lambda items: any(item["action"] == "录入组织生活记录" and "导入组织生活采集表" in str(item)
                               for item in items), what="the imported meeting's 操作日志")

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/meetings/{preview['id']}/report.xlsx").content))
    summary_sheet = dict(report["概况"].iter_rows(values_only=True))
    assert (summary_sheet["导入的表"], summary_sheet["写入"], summary_sheet["未导入的行"]) == ("组织生活采集表", 2, 4)

    again = ok(upload(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    again_reasons = {error["row"]: error["message"] for error in again["errors"]}
    assert all("不再重复写入" in again_reasons[n] for n in (2, 3))
    assert len(ok(clerk.get(f"/orgs/{branch}/meetings", params={"year": YEAR}))["items"]) == 2


def test_a_meeting_the_rolls_refuse_is_listed(api, orgs):
    """An attendee who joined the party after the meeting's day: on today's roster (the preview finds
    the name), not on the rolls that day (the command's rule, at the commit)."""
    clerk = orgs["clerk"]
    ok(api.post("/members", json=member_data(orgs["branch"], name="生活导入新", joined_on="2020-07-01")), 201)
    preview = ok(upload(clerk, meeting_sheet([row(orgs, when="2015-03-05 09:00", attendees="生活导入新",
                                                  absentees="")])), 201)
    assert preview["valid"] == 1
    assert_error(clerk.post(f"/imports/meetings/{preview['id']}/commit", json={"all_or_nothing": True}), 409)
    done = ok(clerk.post(f"/imports/meetings/{preview['id']}/commit", json={}))
    assert done["written"] == 0 and done["errors"][0]["message"].startswith("未写入：")
    assert "名册" in done["errors"][0]["message"]
    assert ok(clerk.get(f"/orgs/{orgs['branch']}/meetings", params={"year": "2015"}))["items"] == []


def test_scope_and_rights(system, api, orgs):
    clerk = orgs["clerk"]
    theirs = ok(upload(api, meeting_sheet([row(orgs, org="other", attendees="生活导入外", absentees="",
                                                when=at(11))])), 201)
    assert theirs["valid"] == 1
    assert_error(clerk.get(f"/imports/meetings/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/meetings/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/meetings/{theirs['id']}/report.xlsx"), 403)
    username = f"meetread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": orgs["branch"],
                                     "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        error = assert_error(upload(reader, meeting_sheet([row(orgs)])), 403)
        assert "组织生活" in error["message"]
