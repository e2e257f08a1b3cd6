"""党费 bases in bulk through the JSON API: the 党费基数表 downloaded prefilled with the branch's
members (full 公民身份号码, as the roster export has them), filled in, uploaded: the preview matches
each row (monthly due and bracket) or says why not; the commit writes every valid row at once, or
none when one can no longer be written; hostile files are refused as every sheet is. 年度核定: the
roster marks who was not re-set since January, many new amounts in one all-or-nothing request."""
import io
from datetime import date

import psycopg
import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support import hostile_sheets as hostile
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = date.today().year
NOW = Month.of(date.today())


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def branch(system, api, root_id):
    """A 党委 with a branch of four members (their bases not set), the branch's clerk and a clerk
    of an unrelated 党委."""
    committee = create_org(api, root_id, "基数导入党委", "党委")
    org_id = create_org(api, committee, "基数导入支部")
    other = create_org(api, root_id, "无关基数党委", "党委")
    clerk, stranger = staff_client(system, api, org_id, "bi"), staff_client(system, api, other, "bo")
    people = {}
    for name in ("导入甲", "导入乙", "导入丙", "导入丁"):
        data = member_data(org_id, name=name)
        people[name] = {"id": ok(api.post("/members", json=data), 201)["id"], "id_number": data["id_number"]}
    for person in people.values():
        wait_for(lambda: clerk.get(f"/members/{person['id']}/dues").status_code, lambda status: status == 200,
                 what="the dues service's projection of the new member")
    yield {"org": org_id, "clerk": clerk, "stranger": stranger, "people": people, "committee": committee}
    clerk.close()
    stranger.close()


def filled(template: bytes, rows: dict[str, list]) -> bytes:
    """The downloaded template with the rows of the members named in `rows` changed (kind, amount,
    month; None leaves a cell as it was) and extra rows appended (keys starting with "+")."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["党费基数表"]
    for values in sheet.iter_rows(min_row=2):
        change = rows.get(values[0].value)
        for cell, value in zip(values[2:], change or []):
            if value is not None:
                cell.value = value
    for key, values in rows.items():
        if key.startswith("+"):
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, org_id: int, content: bytes):
    return client.post(f"/orgs/{org_id}/dues/bases/imports", files={"file": ("党费基数表.xlsx", content, XLSX)},
                       timeout=60)


def bases_written(system) -> int:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT count(*) FROM dues.bases").fetchone()[0]


def test_the_sheet_is_prefilled_with_the_branchs_members(branch):
    template = branch["clerk"].get(f"/orgs/{branch['org']}/dues/bases/template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(template.content))["党费基数表"]
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header == ["姓名", "公民身份号码", "党费类别", "交纳基数（元/月）", "起始月份"]
    listed = {row[0]: row for row in rows if row[0]}
    assert {name: listed[name][1] for name in branch["people"]} == {
        name: person["id_number"] for name, person in branch["people"].items()}  # not masked
    assert all(row[4] == str(NOW) for row in listed.values())
    assert_error(branch["stranger"].get(f"/orgs/{branch['org']}/dues/bases/template.xlsx"), 403)


def test_preview_then_commit_every_valid_row_at_once(system, branch):
    clerk, org_id, people = branch["clerk"], branch["org"], branch["people"]
    template = clerk.get(f"/orgs/{org_id}/dues/bases/template.xlsx").content
    content = filled(template, {
        "导入甲": ["在职", "5000", f"{YEAR}-01"], "导入乙": ["学生", None, f"{YEAR}-01"],
        "导入丙": ["在职", "-5", f"{YEAR}-01"],  # refused: a negative amount
        # 导入丁 left blank: refused as not filled in
        "+stranger": ["不相干", "110105194912310037", "在职", "3000", f"{YEAR}-01"]})
    before = bases_written(system)
    preview = ok(upload(clerk, org_id, content), 201)
    assert (preview["rows"], preview["valid"]) == (5, 2)
    items = {item["name"]: item for item in preview["items"]}
    assert (items["导入甲"]["member_id"], items["导入甲"]["monthly_due"]) == (people["导入甲"]["id"], "50.00")
    assert "1%" in items["导入甲"]["bracket"] and items["导入乙"]["monthly_due"] == "0.20"
    reasons = {error["name"]: error["message"] for error in preview["errors"]}
    assert set(reasons) == {"导入丙", "导入丁", "不相干"}
    assert "交纳基数" in reasons["导入丙"] and "未填写" in reasons["导入丁"]
    assert "没有这个公民身份号码" in reasons["不相干"]
    assert bases_written(system) == before  # a preview writes no base
    assert ok(clerk.get(f"/dues/base-imports/{preview['id']}"))["valid"] == 2
    assert_error(branch["stranger"].get(f"/dues/base-imports/{preview['id']}"), 403)
    assert_error(branch["stranger"].post(f"/dues/base-imports/{preview['id']}/commit"), 403)

    done = ok(clerk.post(f"/dues/base-imports/{preview['id']}/commit"))
    assert done["written"] == 2 and {item["name"] for item in done["refused"]} == {"导入丙", "导入丁", "不相干"}
    assert bases_written(system) == before + 2
    assert ok(clerk.get(f"/members/{people['导入甲']['id']}/dues"))["base"]["monthly_due"] == "50.00"
    assert "已提交" in assert_error(clerk.post(f"/dues/base-imports/{preview['id']}/commit"), 409)["message"]
    assert bases_written(system) == before + 2


def test_one_base_per_member_and_out_of_scope(branch):
    clerk, org_id = branch["clerk"], branch["org"]
    template = clerk.get(f"/orgs/{org_id}/dues/bases/template.xlsx").content
    twice = filled(template, {"导入甲": ["在职", "6000", None],
                              "+again": ["导入甲", branch["people"]["导入甲"]["id_number"], "在职", "7000", str(NOW)]})
    preview = ok(upload(clerk, org_id, twice), 201)
    assert all("出现2次" in e["message"] for e in preview["errors"] if e["name"] == "导入甲")
    assert "导入甲" not in {item["name"] for item in preview["items"]}
    assert_error(upload(branch["stranger"], org_id, twice), 403)


def test_a_committees_sheet_sets_the_bases_of_members_of_its_branches(system, api, branch):
    """One 党费基数表 for the 党委 (数据迁移 of a whole committee, county or province): each row's member
    is found in whichever branch under it holds them; the branch's own clerk cannot upload it."""
    second = create_org(api, branch["committee"], "基数导入二支部")
    data = member_data(second, name="导入戊")
    fifth = ok(api.post("/members", json=data), 201)["id"]
    wait_for(lambda: api.get(f"/members/{fifth}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the second branch's member")
    first = branch["people"]["导入丙"]
    book = load_workbook(io.BytesIO(branch["clerk"].get(f"/orgs/{branch['org']}/dues/bases/template.xlsx").content))
    sheet = book["党费基数表"]
    sheet.delete_rows(2, sheet.max_row)  # the header stays; the branch's prefilled rows go
    for values in (["导入丙", first["id_number"], "在职", "5000", str(NOW)],
                   ["导入戊", data["id_number"], "离退休", "4000", str(NOW)],
                   ["导入戊", "110101199001011237", "在职", "4000", str(NOW)]):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    assert_error(upload(branch["clerk"], branch["committee"], out.getvalue()), 403)
    preview = ok(upload(api, branch["committee"], out.getvalue()), 201)
    assert (preview["valid"], [error["row"] for error in preview["errors"]]) == (2, [4])
    assert "没有这个公民身份号码" in preview["errors"][0]["message"]
    done = ok(api.post(f"/dues/base-imports/{preview['id']}/commit"))
    assert {(item["name"], item["amount"]) for item in done["bases"]} == {("导入丙", "5000.00"), ("导入戊", "4000.00")}
    assert ok(api.get(f"/members/{fifth}/dues"))["base"]["kind"] == "retired"


def test_a_committees_template_lists_the_members_of_every_branch_under_it(system, api, branch):
    """The 党委's 党费基数表 (数据迁移 of a whole committee) comes prefilled with the members of each
    branch under it, by branch, with a 所在党组织 column to check them by; filled in and uploaded
    there, it sets their bases (the column is only read by people)."""
    third = create_org(api, branch["committee"], "基数模板三支部")
    data = member_data(third, name="模板己")
    sixth = ok(api.post("/members", json=data), 201)["id"]
    wait_for(lambda: api.get(f"/members/{sixth}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the third branch's member")
    assert_error(branch["clerk"].get(f"/orgs/{branch['committee']}/dues/bases/template.xlsx"), 403)
    template = api.get(f"/orgs/{branch['committee']}/dues/bases/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content))["党费基数表"]
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header == ["姓名", "公民身份号码", "党费类别", "交纳基数（元/月）", "起始月份", "所在党组织"]
    listed = {row[0]: row for row in rows if row[0]}
    assert listed["模板己"][1] == data["id_number"] and listed["模板己"][5] == "基数模板三支部"
    assert all(name in listed for name in branch["people"])
    branch_name = listed[next(iter(branch["people"]))][5]
    assert branch_name and {listed[name][5] for name in branch["people"]} == {branch_name}
    places = [row[5] for row in rows if row[0]]  # grouped by organization, not interleaved
    assert sorted(set(places), key=places.index) == [place for i, place in enumerate(places)
                                                    if i == 0 or places[i - 1] != place]
    content = filled(template.content, {"模板己": ["在职", "6000", str(NOW)]})
    preview = ok(upload(api, branch["committee"], content), 201)
    assert "模板己" in {item["name"] for item in preview["items"]}
    ok(api.post(f"/dues/base-imports/{preview['id']}/commit"))
    assert ok(api.get(f"/members/{sixth}/dues"))["base"]["amount"] == "6000.00"
    # a branch's own sheet keeps its five columns
    own = load_workbook(io.BytesIO(api.get(f"/orgs/{third}/dues/bases/template.xlsx").content))["党费基数表"]
    assert [cell.value for cell in next(own.iter_rows())] == header[:5]


def test_nothing_is_written_when_a_row_can_no_longer_be(system, api, branch):
    """A member who left between the preview and the commit: the whole commit is refused, naming the row."""
    clerk, org_id = branch["clerk"], branch["org"]
    leaving = ok(api.post("/members", json=member_data(org_id, name="导入将离")), 201)["id"]
    wait_for(lambda: clerk.get(f"/members/{leaving}/dues").status_code, lambda status: status == 200)
    template = clerk.get(f"/orgs/{org_id}/dues/bases/template.xlsx").content
    content = filled(template, {"导入将离": ["离退休", "4000", str(NOW)], "导入丁": ["在职", "3000", str(NOW)]})
    preview = ok(upload(clerk, org_id, content), 201)
    assert {item["name"] for item in preview["items"]} >= {"导入将离", "导入丁"}
    version = ok(api.get(f"/members/{leaving}"))["version"]
    ok(api.post(f"/members/{leaving}/leave", json={"kind": "停止党籍", "date": date.today().isoformat(),
                                                   "reason": "测试", "version": version}))
    wait_for(lambda: ok(clerk.get(f"/members/{leaving}/dues"))["member"]["status"], lambda status: status != "active")
    before = bases_written(system)
    error = assert_error(clerk.post(f"/dues/base-imports/{preview['id']}/commit"), 409)
    assert "导入将离" in error["message"] and "全部未写入" in error["message"]
    assert bases_written(system) == before
    assert ok(clerk.get(f"/dues/base-imports/{preview['id']}"))["status"] == "previewed"


@pytest.mark.parametrize("name", ["a1_and_xfd", "zip_bomb", "not_a_zip"])
def test_a_hostile_sheet_is_one_refused_request(system, branch, name):
    make, status = {"a1_and_xfd": (hostile.a1_and_xfd, 413), "zip_bomb": (hostile.zip_bomb, 413),
                    "not_a_zip": (hostile.not_a_zip, 400)}[name]
    with psycopg.connect(plain_dsn(system)) as conn:
        before = conn.execute("SELECT count(*) FROM dues.base_imports").fetchone()[0]
    error = assert_error(upload(branch["clerk"], branch["org"], make()), status)
    assert error["fields"]["file"] == error["message"]
    with psycopg.connect(plain_dsn(system)) as conn:
        assert conn.execute("SELECT count(*) FROM dues.base_imports").fetchone()[0] == before


def test_annual_reset(system, branch):
    clerk, org_id, people = branch["clerk"], branch["org"], branch["people"]
    roster = ok(clerk.get(f"/orgs/{org_id}/dues/bases", params={"year": YEAR + 1}))
    assert roster["from_month"] == f"{YEAR + 1}-01" and roster["counts"]["reset"] == 0
    rows = {m["name"]: m for m in roster["members"]}
    assert rows["导入甲"]["base"]["kind"] == "employed" and not rows["导入甲"]["reset"]
    assert rows["导入丁"]["base"] is None or rows["导入丁"]["base"]["kind"]
    first, second = people["导入甲"]["id"], people["导入乙"]["id"]
    before = bases_written(system)
    # One bad entry: nothing written, the reason keyed by the member.
    bad = assert_error(clerk.post(f"/orgs/{org_id}/dues/bases", json={"year": YEAR + 1, "bases": [
        {"member_id": first, "amount": "8000"}, {"member_id": second, "amount": "abc", "kind": "employed"}]}), 400)
    assert set(bad["fields"]) == {str(second)} and "导入乙" in bad["message"]
    outsider = assert_error(clerk.post(f"/orgs/{org_id}/dues/bases", json={"bases": [
        {"member_id": first, "amount": "8000"}, {"member_id": 999_999_999, "amount": "100", "kind": "在职"}]}), 409)
    assert "不在本组织" in outsider["fields"]["999999999"]
    assert_error(branch["stranger"].post(f"/orgs/{org_id}/dues/bases", json={"bases": [
        {"member_id": first, "amount": "8000"}]}), 403)
    assert_error(clerk.post(f"/orgs/{org_id}/dues/bases", json={"bases": []}), 400)
    assert bases_written(system) == before
    done = ok(clerk.post(f"/orgs/{org_id}/dues/bases", json={"year": YEAR + 1, "bases": [
        {"member_id": first, "amount": "8000"}, {"member_id": second}]}))  # kinds kept: 在职, 学生
    assert done["written"] == 2 and {b["from_month"] for b in done["bases"]} == {f"{YEAR + 1}-01"}
    assert {b["member_id"]: b["monthly_due"] for b in done["bases"]} == {first: "120.00", second: "0.20"}
    roster = ok(clerk.get(f"/orgs/{org_id}/dues/bases", params={"year": YEAR + 1}))
    marks = {m["name"]: m["reset"] for m in roster["members"]}
    assert marks["导入甲"] and marks["导入乙"] and not marks["导入丙"]
    assert roster["counts"]["reset"] == 2
