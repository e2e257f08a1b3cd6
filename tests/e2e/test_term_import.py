"""数据迁移: the 换届采集表 end to end — the template; a preview that writes nothing and names every
refused row's reason (an organization or a member out of scope, another name); the commit that writes
each term as one 换届 (the older term closed by the newer, the committee on the org's 换届 page, the
操作日志, the annual report's 班子成员 table), a term the command refuses listed whole; a term with its
选举情况 (the 差额 candidate not elected kept with the figures, a 是否当选 that disagrees with the votes
refusing its term); the report; the same file twice writing nothing; scope and rights."""
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
HEADERS = ["党组织代码", "选举日期", "产生方式", "任期（年）", "批复日期", "批复文号", "公民身份号码", "姓名", "职务",
           "应到人数", "实到人数", "应选名额", "得票数", "是否当选"]
TODAY = date.today()
YEAR = TODAY.year
ELECTED_ON = max(date(YEAR, 1, 1), TODAY - timedelta(days=30)).isoformat()  # this year, whatever the day
EARLIER = "2022-06-30"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def term_sheet(rows: list[list]) -> bytes:
    return collection_sheet("换届采集表", HEADERS, rows)


def upload(client, content: bytes):
    return client.post("/imports/terms", files={"file": ("换届采集表.xlsx", content, XLSX)}, timeout=60)


def committees(api, org_id: int) -> dict:
    report = ok(api.get(f"/orgs/{org_id}/reports/{YEAR}"))
    return next(t for t in report["tables"] if t["key"] == "committees")["rows"][0]["cells"]


@pytest.fixture(scope="module")
def orgs(system, api, root_id):
    """A 党委 (the clerk's) with a branch of seven members and a second branch with a 预备党员; a branch
    elsewhere with a member."""
    committee = create_org(api, root_id, "换届导入党委", "党委")
    branch = create_org(api, committee, "换届导入第一支部")
    second = create_org(api, committee, "换届导入第二支部")
    other = create_org(api, root_id, "换届导入无关支部")
    people = {}
    for n in range(7):
        data = member_data(branch, name=f"换届导入{n}")
        people[n] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"],
                     "name": data["name"]}
    for key, org, extra in (("probationary", second, {"category": "预备党员", "joined_on": "2025-11-01"}),
                            ("outside", other, {})):
        data = member_data(org, name=f"换届导入{key}", **extra)
        people[key] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"],
                       "name": data["name"]}
    clerk = staff_client(system, api, committee, "termimp")
    codes = {key: ok(api.get(f"/orgs/{org}"))["code"] for key, org in
             (("branch", branch), ("second", second), ("other", other))}
    yield {"committee": committee, "branch": branch, "second": second, "other": other, "people": people,
           "codes": codes, "clerk": clerk}
    clerk.close()


def test_the_template_and_the_migration_list(api, orgs):
    response = orgs["clerk"].get("/imports/terms/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["换届采集表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[3][:1] == ["产生方式"] and notes[3][3] == "党员大会选举"
    lists = list(book["代码表"].iter_rows(values_only=True))
    assert lists[0][:2] == ("产生方式", "班子职务") and lists[1][:2] == ("党员大会选举", "书记")
    kind = next(kind for kind in ok(api.get("/migration/kinds"))["items"] if kind["key"] == "terms")
    assert (kind["sheet"], kind["module"]) == ("换届采集表", "terms")


def row(orgs, org: str, day: str, person, post: str, method="党员大会选举", years="", name=None) -> list:
    who = orgs["people"][person]
    return [orgs["codes"][org], day, method, years, "", "", who["id_number"], name or who["name"], post]


def test_preview_commit_pages_stats_and_the_same_file_twice(api, orgs):
    clerk, branch = orgs["clerk"], orgs["branch"]
    content = term_sheet([
        row(orgs, "branch", EARLIER, 0, "书记", years="3"),
        row(orgs, "branch", EARLIER, 1, "组织委员", years="3"),
        row(orgs, "branch", ELECTED_ON, 0, "书记"),
        row(orgs, "branch", ELECTED_ON, 1, "组织委员"),
        row(orgs, "branch", ELECTED_ON, 2, "宣传委员"),
        row(orgs, "other", ELECTED_ON, "outside", "书记"),  # an organization outside the clerk's scope
        row(orgs, "branch", "2019-06-30", 3, "书记", name="别人"),  # not the name on the rolls
        row(orgs, "second", ELECTED_ON, "outside", "委员"),  # a member outside the clerk's scope
        row(orgs, "second", ELECTED_ON, "probationary", "书记"),  # refused at the commit: not a 正式党员
    ])
    preview = ok(upload(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (9, 5), preview
    reasons = {error["row"]: (error["field"], error["message"]) for error in preview["errors"]}
    assert set(reasons) == {7, 8, 9, 10}
    assert reasons[7] == ("org_code", "本账号管理范围内没有这个代码的党组织")
    assert reasons[8][0] == "name" and "名册中为“换届导入3”" in reasons[8][1]
    assert reasons[9][0] == "id_number" and "管理范围内没有" in reasons[9][1]
    assert reasons[10] == ("elected_on", "同一届中有其他行有误，该届整届未导入")
    assert ok(clerk.get(f"/orgs/{branch}/terms"))["current"] is None  # a preview writes nothing

    done = ok(clerk.post(f"/imports/terms/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (5, 4), done
    terms = ok(clerk.get(f"/orgs/{branch}/terms"))
    current = terms["current"]
    assert current["elected_on"] == ELECTED_ON and current["method_name"] == "党员大会选举"
    assert sorted((m["name"], m["post_name"]) for m in current["members"]) == [
        ("换届导入0", "书记"), ("换届导入1", "组织委员"), ("换届导入2", "宣传委员")]
    [older] = terms["history"]
    assert (older["elected_on"], older["closed_on"], older["term_years"]) == (EARLIER, ELECTED_ON, 3)
    assert {m["left_on"] for m in older["members"]} == {ELECTED_ON}
    wait_for(lambda: ok(api.get("/audit", params={"entity": "term", "entity_id": current["id"]}))["items"],
             lambda items: any(item["action"] == "换届：新一届" for item in items), what="the 换届's 操作日志")
    wait_for(lambda: committees(api, branch), lambda cells: (cells["total"], cells["post_01"], cells["how_1"])
             == (3, 1, 3), timeout=30, what="基层党组织班子成员 counting the imported committee")

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/terms/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("换届采集表", 5, 4)

    again = ok(upload(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    again_reasons = {error["row"]: error["message"] for error in again["errors"]}
    assert all("不再重复写入" in again_reasons[n] for n in (2, 3, 4, 5, 6))
    assert len(ok(clerk.get(f"/orgs/{branch}/terms"))["history"]) == 1


def test_a_term_with_its_election_figures(api, orgs):
    """Five 正式党员 elect a 书记 and a 副书记 from three candidates (差额); the sheet's own 是否当选 is
    checked against the votes, and a term whose marks disagree with them is refused whole."""
    clerk = orgs["clerk"]
    third = create_org(api, orgs["committee"], f"换届导入选举支部{code('')}")
    fourth = create_org(api, orgs["committee"], f"换届导入核对支部{code('')}")
    people = []
    for n, org in ((n, third if n < 5 else fourth) for n in range(8)):
        data = member_data(org, name=f"选举导入{n}")
        ok(api.post("/members", json=data), 201)
        people.append(data)
    codes = {org: ok(api.get(f"/orgs/{org}"))["code"] for org in (third, fourth)}

    def candidate(org, n, post, votes, elected, present="5", entitled="5"):
        return [codes[org], ELECTED_ON, "党员大会选举", "", "", "", people[n]["id_number"], people[n]["name"], post,
                entitled, present, "2", votes, elected]

    preview = ok(upload(clerk, term_sheet([
        candidate(third, 0, "书记", "5", "是"), candidate(third, 1, "副书记", "4", "是"),
        candidate(third, 2, "", "1", "否"),  # the 差额 candidate, not elected
        candidate(fourth, 5, "书记", "3", "是", "3", "3"), candidate(fourth, 6, "", "3", "否", "3", "3"),
        candidate(fourth, 7, "", "0", "", "3", "3"),
    ])), 201)
    assert (preview["rows"], preview["valid"]) == (6, 3), preview
    assert {error["row"] for error in preview["errors"]} == {5, 6, 7}
    assert all("第 6 行的“是否当选”与按得票计算的结果不一致" in error["message"] for error in preview["errors"])

    done = ok(clerk.post(f"/imports/terms/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (3, 3), done
    current = ok(clerk.get(f"/orgs/{third}/terms"))["current"]
    assert sorted((m["name"], m["post_name"]) for m in current["members"]) == [("选举导入0", "书记"),
                                                                             ("选举导入1", "副书记")]
    election = current["election"]
    assert (election["entitled"], election["present"], election["seats"]) == (5, 5, 2)
    assert [(c["name"], c["votes"], c["elected"]) for c in election["candidates"]] == [
        ("选举导入0", 5, True), ("选举导入1", 4, True), ("选举导入2", 1, False)]
    assert ok(clerk.get(f"/orgs/{fourth}/terms"))["current"] is None


def test_a_term_the_command_refuses_is_listed_whole(api, orgs):
    clerk = orgs["clerk"]
    preview = ok(upload(clerk, term_sheet([row(orgs, "second", ELECTED_ON, "probationary", "书记")])), 201)
    assert preview["valid"] == 1  # the rolls and the 正式党员 rule are the command's, at the commit
    assert_error(clerk.post(f"/imports/terms/{preview['id']}/commit", json={"all_or_nothing": True}), 409)
    done = ok(clerk.post(f"/imports/terms/{preview['id']}/commit", json={}))
    assert done["written"] == 0
    assert done["errors"][0]["message"].startswith("未写入：") and "正式党员" in done["errors"][0]["message"]
    assert ok(clerk.get(f"/orgs/{orgs['second']}/terms"))["current"] is None


def test_scope_and_rights(system, api, orgs):
    clerk = orgs["clerk"]
    theirs = ok(upload(api, term_sheet([row(orgs, "other", ELECTED_ON, "outside", "书记")])), 201)
    assert theirs["valid"] == 1  # the root's account reaches the organization and the member
    assert_error(clerk.get(f"/imports/terms/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/terms/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/terms/{theirs['id']}/report.xlsx"), 403)
    username = f"termread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": orgs["committee"],
                                     "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        error = assert_error(upload(reader, term_sheet([row(orgs, "branch", ELECTED_ON, 0, "书记")])), 403)
        assert "换届" in error["message"]
