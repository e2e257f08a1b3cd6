"""数据迁移 (issue 16, docs/MIGRATION.md) through the gateway: the 数据迁移 page lists every kind; the
党费交纳记录表 (months paid before PMIS) — template, preview with good and bad rows (each with its
Chinese reason), commit, the months visible in the member's dues (党费交至), the same file twice
writes nothing twice, a member out of the clerk's scope is refused; every import's report as Excel."""
import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date

import psycopg
import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support.api import FIRST_PASSWORD, PASSWORD, create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for
from tests.support.sheets import collection_sheet

from ..conftest import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOW = Month.of(date.today())
START = NOW - 14  # the branch's registration start: the first migrated month
HEADERS = ["姓名", "公民身份号码", "交纳月份", "交纳金额（元）", "交纳日期", "交纳方式", "收缴人"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def branch(system, api, root_id):
    """A 党委 with a branch of two members (bases from START), its clerk; a branch elsewhere with a member."""
    committee = create_org(api, root_id, "迁移党委", "党委")
    org_id = create_org(api, committee, "迁移支部")
    other = create_org(api, root_id, "迁移无关支部")
    clerk = staff_client(system, api, org_id, "mig")
    people = {}
    for name, org in (("迁移甲", org_id), ("迁移乙", org_id), ("外支部丙", other)):
        data = member_data(org, name=name)
        people[name] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]}

    def projected(member_id: int):
        """200 once the dues service knows the member; else what it answered and what it holds."""
        response = clerk.get(f"/members/{member_id}/dues")
        if response.status_code == 200:
            return 200
        with psycopg.connect(plain_dsn(system)) as conn:
            held = conn.execute("SELECT (SELECT org_path FROM dues.members WHERE member_id = %s), "
                                "(SELECT path FROM dues.org_directory WHERE id = %s), "
                                "(SELECT count(*) FROM dues.inbox)", (member_id, org_id)).fetchone()
        return response.status_code, response.text[:200], held

    for name in ("迁移甲", "迁移乙"):
        wait_for(lambda name=name: projected(people[name]["id"]), lambda found: found == 200,
                 what="the dues service's projection of the new member (answer, member path, org path, inbox)")
        ok(clerk.put(f"/members/{people[name]['id']}/dues/base", json={"kind": "employed", "amount": "3000",
                                                                       "from_month": str(START)}))
    ok(clerk.put(f"/orgs/{org_id}/dues/settings", json={"registration_start": str(START)}))
    yield {"org": org_id, "other": other, "clerk": clerk, "people": people, "committee": committee}
    clerk.close()


def sheet(rows: list[list]) -> bytes:
    return collection_sheet("党费交纳记录表", HEADERS, rows)


def upload(client, org_id: int, content: bytes):
    return client.post(f"/orgs/{org_id}/dues/payment-imports", files={"file": ("党费交纳记录表.xlsx", content, XLSX)},
                       timeout=60)


def payments_of(system, member_id: int) -> list[str]:
    with psycopg.connect(plain_dsn(system)) as conn:
        return [row[0].strftime("%Y-%m") for row in conn.execute(
            "SELECT month FROM dues.payments WHERE member_id = %s AND voided_at IS NULL ORDER BY month",
            (member_id,))]


def test_the_migration_page_lists_every_kind(api):
    listed = ok(api.get("/migration/kinds"))
    assert [item["sheet"] for item in listed["items"]] == [
        "党组织采集表", "组织奖惩采集表", "党员采集表", "党籍变动历史表", "党员信息集采集表", "入党申请人采集表",
        "发展纪实采集表", "党费基数表", "党费交纳记录表", "流出党员采集表", "流入党员采集表", "换届采集表",
        "组织生活采集表", "组织生活附件清单"]
    assert listed["not_yet"] == []


def test_the_template_explains_its_columns_with_an_example(branch):
    response = branch["clerk"].get("/imports/dues-payments/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["党费交纳记录表"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0] == ["列", "必填", "说明", "示例"] and notes[3][0] == "交纳月份" and notes[3][3] == "2025-07"
    assert [row[0] for row in book["代码表"].iter_rows(values_only=True)] == ["交纳方式", "本人", "代交"]


def test_preview_commit_report_and_the_same_file_twice(system, api, branch):
    clerk, org_id, people = branch["clerk"], branch["org"], branch["people"]
    first, second, outside = people["迁移甲"], people["迁移乙"], people["外支部丙"]
    months = [START + n for n in range(3)]
    content = sheet([
        *[["迁移甲", first["id_number"], str(month), "30", month.first_day.isoformat(), "本人", "会计"]
          for month in months],
        ["迁移乙", second["id_number"], str(START), "30.00", START.first_day.isoformat(), "代交", ""],
        ["迁移乙", second["id_number"], str(START - 1), "30", (START - 1).first_day.isoformat(), "", ""],  # too early
        ["迁移乙", second["id_number"], str(START + 1), "-5", (START + 1).first_day.isoformat(), "", ""],
        ["迁移乙", "110101199001011237", str(START + 2), "30", (START + 2).first_day.isoformat(), "", ""],
        ["外支部丙", outside["id_number"], str(START), "30", START.first_day.isoformat(), "", ""],  # not this branch
    ])
    preview = ok(upload(clerk, org_id, content), 201)
    assert (preview["rows"], preview["valid"]) == (8, 4)
    reasons = {error["row"]: error["message"] for error in preview["errors"]}
    assert set(reasons) == {6, 7, 8, 9}
    assert "登记开始月份" in reasons[6] and "交纳金额" in reasons[7]
    assert "没有这个公民身份号码" in reasons[8] and "没有这个公民身份号码" in reasons[9]
    assert payments_of(system, first["id"]) == []  # a preview writes nothing

    done = ok(clerk.post(f"/dues/payment-imports/{preview['id']}/commit", json={}))
    assert done["written"] == 4 and done["skipped_rows"] == 4
    assert payments_of(system, first["id"]) == [str(month) for month in months]
    dues = ok(clerk.get(f"/members/{first['id']}/dues"))
    assert dues["paid_to"] == str(months[-1])  # 党费交至 right from the first day
    assert "已提交" in assert_error(clerk.post(f"/dues/payment-imports/{preview['id']}/commit", json={}),
                                   409)["message"]
    logged = wait_for(lambda: ok(api.get("/audit", params={"entity": "dues_payment", "kind": "导入党费交纳记录",
                                                           "org_id": org_id}))["items"],
                      lambda items: len(items) == 4, what="the 操作日志 of the imported payments")
    assert {entry["action"] for entry in logged} == {"导入党费交纳记录"} and len({e["entity_id"] for e in logged}) == 4

    report = clerk.get(f"/imports/dues-payments/{preview['id']}/report.xlsx")
    assert report.status_code == 200 and report.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(report.content))
    summary = dict(book["概况"].iter_rows(values_only=True))
    assert (summary["状态"], summary["写入"], summary["未导入的行"]) == ("已写入", 4, 4)
    refused = list(book["未导入的行"].iter_rows(values_only=True))
    assert refused[0] == ("行号", "姓名", "公民身份号码", "所在党组织", "列", "原因") and len(refused) == 5
    assert refused[2][4] == "交纳金额（元）"

    again = ok(upload(clerk, org_id, content), 201)  # the same file twice
    assert again["valid"] == 0 and all("已登记" in error["message"] for error in again["errors"]
                                       if error["row"] in (2, 3, 4, 5))
    assert "没有可导入的行" in assert_error(clerk.post(f"/dues/payment-imports/{again['id']}/commit", json={}),
                                         409)["message"]
    assert payments_of(system, first["id"]) == [str(month) for month in months]


def test_all_or_nothing_writes_nothing_when_a_row_is_refused(system, branch):
    clerk, org_id, second = branch["clerk"], branch["org"], branch["people"]["迁移乙"]
    month = START + 5
    preview = ok(upload(clerk, org_id, sheet([
        ["迁移乙", second["id_number"], str(month), "30", month.first_day.isoformat(), "", ""],
        ["迁移乙", second["id_number"], str(month), "30", month.first_day.isoformat(), "", ""]])), 201)
    assert preview["valid"] == 1 and "每月只能有一行" in preview["errors"][0]["message"]
    assert "未写入任何数据" in assert_error(clerk.post(f"/dues/payment-imports/{preview['id']}/commit",
                                                       json={"all_or_nothing": True}), 400)["message"]
    assert str(month) not in payments_of(system, second["id"])


def test_two_previews_of_one_file_committed_at_once_write_it_once(system, branch):
    clerk, org_id, first = branch["clerk"], branch["org"], branch["people"]["迁移甲"]
    month = START + 7
    content = sheet([["迁移甲", first["id_number"], str(month), "30", month.first_day.isoformat(), "", ""]])
    previews = [ok(upload(clerk, org_id, content), 201) for _ in range(2)]
    assert [preview["valid"] for preview in previews] == [1, 1]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda p: ok(clerk.post(f"/dues/payment-imports/{p['id']}/commit", json={},
                                                        timeout=60)), previews))
    assert sorted(answer["written"] for answer in answers) == [0, 1]
    assert "已登记" in next(a for a in answers if not a["written"])["errors"][0]["message"]
    assert payments_of(system, first["id"]).count(str(month)) == 1


def test_one_sheet_for_a_committee_reaches_the_members_of_every_branch_under_it(system, api, branch):
    """A 党委's (or a county's) sheet: each row goes to the member's own branch, judged by that branch's
    registration start; a member outside the committee is refused; the refused rows name the branch."""
    second_branch = create_org(api, branch["committee"], "迁移二支部")
    data = member_data(second_branch, name="迁移丁")
    fourth = ok(api.post("/members", json=data), 201)["id"]
    wait_for(lambda: api.get(f"/members/{fourth}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the second branch's member")
    late_start = START + 4
    ok(api.put(f"/members/{fourth}/dues/base", json={"kind": "employed", "amount": "3000",
                                                     "from_month": str(START)}))
    ok(api.put(f"/orgs/{second_branch}/dues/settings", json={"registration_start": str(late_start)}))
    first, outside = branch["people"]["迁移甲"], branch["people"]["外支部丙"]
    month = START + 2  # within 迁移支部's registration, before 迁移二支部's
    preview = ok(upload(api, branch["committee"], sheet([
        ["迁移甲", first["id_number"], str(month + 8), "30", (month + 8).first_day.isoformat(), "", ""],
        ["迁移丁", data["id_number"], str(month), "30", month.first_day.isoformat(), "", ""],
        ["迁移丁", data["id_number"], str(late_start), "30", late_start.first_day.isoformat(), "", ""],
        ["外支部丙", outside["id_number"], str(month), "30", month.first_day.isoformat(), "", ""]])), 201)
    assert (preview["rows"], preview["valid"], preview["org_id"]) == (4, 2, branch["committee"])
    refused = {error["row"]: error for error in preview["errors"]}
    assert set(refused) == {3, 5}
    assert "登记开始月份" in refused[3]["message"] and refused[3]["org"] == "迁移二支部"
    assert "没有这个公民身份号码" in refused[5]["message"]
    done = ok(api.post(f"/dues/payment-imports/{preview['id']}/commit", json={}))
    assert done["written"] == 2
    assert str(month + 8) in payments_of(system, first["id"])
    assert payments_of(system, fourth) == [str(late_start)]
    # The branch's own clerk cannot import for the committee above it.
    assert_error(upload(branch["clerk"], branch["committee"], sheet([
        ["迁移甲", first["id_number"], str(month + 9), "30", (month + 9).first_day.isoformat(), "", ""]])), 403)


def test_a_sheet_naming_more_members_than_one_call_answers_is_refused_whole(system, api, branch):
    """20,001 distinct 公民身份号码: refused with the way out (split by subordinate organization),
    nothing kept."""
    with psycopg.connect(plain_dsn(system)) as conn:
        before = conn.execute("SELECT count(*) FROM dues.payment_imports").fetchone()[0]
    rows = [["某人", f"11010119900101{n:04d}", str(START), "30", START.first_day.isoformat(), "", ""]
            for n in range(20_001)]
    error = assert_error(upload(api, branch["committee"], sheet(rows)), 400)
    assert "20000名党员" in error["message"] and "分开导入" in error["message"]
    with psycopg.connect(plain_dsn(system)) as conn:
        assert conn.execute("SELECT count(*) FROM dues.payment_imports").fetchone()[0] == before


def test_scope_and_rights(system, api, branch):
    """The branch's clerk cannot import into another branch nor read its previews; a read-only account
    cannot upload; an unknown kind of report is refused as bad input (400)."""
    clerk = branch["clerk"]
    outside = branch["people"]["外支部丙"]
    content = sheet([["外支部丙", outside["id_number"], str(START), "30", START.first_day.isoformat(), "", ""]])
    assert_error(upload(clerk, branch["other"], content), 403)
    theirs = ok(upload(api, branch["other"], content), 201)
    assert_error(clerk.get(f"/dues/payment-imports/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/dues/payment-imports/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/dues-payments/{theirs['id']}/report.xlsx"), 403)
    assert_error(clerk.get(f"/imports/nonsense/{theirs['id']}/report.xlsx"), 400)
    assert_error(clerk.get("/dues/payment-imports/not-a-uuid"), 404)
    username = f"migread{code('')}".lower()
    ok(clerk.post("/accounts", json={"username": username, "password": FIRST_PASSWORD, "org_id": branch["org"],
                                     "role": "只读"}), 201)
    with closing(login(system.url, username, FIRST_PASSWORD)) as first:
        assert first.post("/session/password", json={"old_password": FIRST_PASSWORD,
                                                     "new_password": PASSWORD}).status_code == 204
    with closing(login(system.url, username, PASSWORD)) as reader:
        own = [["迁移甲", branch["people"]["迁移甲"]["id_number"], str(START + 6), "30",
                (START + 6).first_day.isoformat(), "", ""]]
        error = assert_error(upload(reader, branch["org"], sheet(own)), 403)
        assert "党费" in error["message"]


# --- 党籍变动历史表 ---------------------------------------------------------------------------------

HISTORY_HEADERS = ["公民身份号码", "姓名", "变动类型", "变动日期", "减少类型", "说明"]


def history_sheet(rows: list[list]) -> bytes:
    return collection_sheet("党籍变动历史表", HISTORY_HEADERS, rows)


def upload_history(client, content: bytes):
    return client.post("/imports/member-history", files={"file": ("党籍变动历史表.xlsx", content, XLSX)}, timeout=60)


@pytest.fixture(scope="module")
def histories(api, branch):
    people = {}
    for name, org in (("历史甲", branch["org"]), ("历史乙", branch["org"]), ("历史丙", branch["other"])):
        data = member_data(org, name=name)
        people[name] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]}
    return people


def test_the_history_template(branch):
    response = branch["clerk"].get("/imports/member-history/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["党籍变动历史表"][1]] == HISTORY_HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[3][:1] == ["变动类型"] and notes[3][3] == "转入"
    kinds = [row[0] for row in book["代码表"].iter_rows(values_only=True) if row[0]]
    assert kinds[:6] == ["变动类型", "入党", "转正", "转入", "转出", "减少"]


def test_history_preview_commit_card_and_the_same_file_twice(api, branch, histories):
    clerk = branch["clerk"]
    first, second, outside = histories["历史甲"], histories["历史乙"], histories["历史丙"]
    content = history_sheet([
        [first["id_number"], "历史甲", "入党", "2009-07-01", "", ""],
        [first["id_number"], "历史甲", "转正", "2010-07-01", "", ""],
        [first["id_number"], "历史甲", "转入", "2015-03-01", "", "原某市第三党支部"],
        [second["id_number"], "历史乙", "减少", "2024-05-01", "死亡", "病故"],
        [second["id_number"], "历史乙", "转入", "2025-01-01", "", ""],  # after the 减少
        [outside["id_number"], "历史丙", "转入", "2015-03-01", "", ""],  # not the clerk's
        [first["id_number"], "历史丁", "转出", "2016-03-01", "", ""],  # not the name on the rolls
        [first["id_number"], "历史甲", "调动", "2016-03-01", "", ""],
    ])
    preview = ok(upload_history(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (8, 4)
    reasons = {error["row"]: error["message"] for error in preview["errors"]}
    assert set(reasons) == {6, 7, 8, 9}
    assert "之后不能再有党籍变动" in reasons[6] and "管理范围内没有" in reasons[7]
    assert "名册中为“历史甲”" in reasons[8] and "变动类型应为" in reasons[9]
    assert ok(clerk.get(f"/members/{first['id']}"))["joined_on"] == "2010-07-01"  # a preview writes nothing

    done = ok(clerk.post(f"/imports/member-history/{preview['id']}/commit", json={}))
    assert (done["written"], done["skipped_rows"]) == (4, 4)
    card = ok(clerk.get(f"/members/{first['id']}"))
    card = card.get("member", card)
    assert (card["joined_on"], card["full_on"]) == ("2009-07-01", "2010-07-01")
    gone = ok(clerk.get(f"/members/{second['id']}"))
    gone = gone.get("member", gone)
    assert (gone["status"], gone["leave_kind_name"], gone["left_on"]) == ("left", "死亡", "2024-05-01")
    lines = ok(clerk.get(f"/members/{first['id']}/history"))["items"]
    imported = [line for line in lines if line["action"] == "history_imported"]
    assert [line["action_name"] for line in imported] == ["导入党籍变动"] * 3
    assert {line["changes"][0]["new_name"] for line in imported} == {"2009-07-01", "2010-07-01",
                                                                      "2015-03-01 原某市第三党支部"}
    logged = wait_for(lambda: ok(api.get("/audit", params={"entity": "member", "entity_id": second["id"]}))["items"],
                      lambda items: {"导入党员减少", "导入党籍变动"} <= {item["action"] for item in items},
                      what="the 操作日志 of the imported 减少")
    assert logged

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/member-history/{preview['id']}/report.xlsx").content))
    assert dict(report["概况"].iter_rows(values_only=True))["写入"] == 4

    again = ok(upload_history(clerk, content), 201)  # the same file twice
    assert again["valid"] == 0
    again_reasons = {error["row"]: error["message"] for error in again["errors"]}
    assert all("已导入" in again_reasons[row] for row in (2, 3, 4, 5))
    after = ok(clerk.get(f"/members/{first['id']}/history"))["items"]
    assert len([line for line in after if line["action"] == "history_imported"]) == 3
