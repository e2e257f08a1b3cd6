"""Member import through HTTP: the downloaded template filled in, a preview with every row's
problems, a commit of the valid rows (or of nothing), and files that cannot be read."""
import io
from datetime import date

import httpx
import psycopg
import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import login
from tests.support.factories import code, id_number
from tests.support.helpers import assert_error, plain_dsn, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_bytes(api, rows: list[list], numeric_id_row: int | None = None) -> bytes:
    """The template from the API, with `rows` filled in from row 2."""
    book = load_workbook(io.BytesIO(api.get("/imports/members/template.xlsx").content))
    sheet = book["党员采集表"]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=2 + offset, column=column, value=value)
    if numeric_id_row is not None:
        sheet.cell(row=numeric_id_row, column=2, value=110105194912310000)  # Excel turned it into a number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: httpx.Client, content: bytes, name: str = "党员.xlsx"):
    return client.post("/imports/members", files={"file": (name, content, XLSX)})


@pytest.fixture(scope="module")
def branches(api, root_id):
    mine = api.post("/orgs", json={"name": "导入党委", "code": code("I"), "type": "11", "parent_id": root_id}).json()
    branch_code, other_code = code("IB"), code("IO")
    branch = api.post("/orgs", json={"name": "导入支部", "code": branch_code, "type": "31",
                                     "parent_id": mine["id"]}).json()
    other = api.post("/orgs", json={"name": "别处支部", "code": other_code, "type": "31",
                                    "parent_id": root_id}).json()
    return {"committee": mine["id"], "branch": branch["id"], "branch_code": branch_code, "other_code": other_code,
            "other": other["id"]}


@pytest.fixture(scope="module")
def committee_user(system, api, branches):
    username = f"imp{code('')}"
    api.post("/accounts", json={"username": username, "password": "Init#Pass2026i", "org_id": branches["committee"]})
    client = login(system.url, username, "Init#Pass2026i")
    client.post("/session/password", json={"old_password": "Init#Pass2026i", "new_password": "Import#Pass2026"})
    return login(system.url, username, "Import#Pass2026")


def test_preview_reports_every_problem_and_commit_writes_only_valid_rows(api, committee_user, branches):
    registered = id_number()
    assert api.post("/members", json={"org_id": branches["other"], "name": "已登记", "id_number": registered,
                                      "ethnicity": "汉族", "category": "正式党员", "joined_on": "2010-07-01"}
                    ).status_code == 201
    good_one, good_two, twice = id_number(), id_number(), id_number()
    b = branches["branch_code"]
    content = sheet_bytes(api, [
        ["导入甲", good_one, "汉族", "正式党员", "2010-07-01", b],          # row 2: valid
        ["导入乙", good_two, "回族", "预备党员", "2025-07-01", b],          # row 3: valid
        ["校验错", "110105194912310021", "汉族", "正式党员", "2010-07-01", b],  # row 4
        ["重复一", twice, "汉族", "正式党员", "2010-07-01", b],             # row 5: valid (first)
        ["重复二", twice, "汉族", "正式党员", "2010-07-01", b],             # row 6: duplicate of row 5
        ["已登记", registered, "汉族", "正式党员", "2010-07-01", b],         # row 7
        ["无组织", id_number(), "汉族", "正式党员", "2010-07-01", "NO-SUCH"],  # row 8
        ["越权", id_number(), "汉族", "正式党员", "2010-07-01", branches["other_code"]],  # row 9
        ["", id_number(), "火星族", "正式党员", "2010-07-01", b],            # row 10
        ["数字号", None, "汉族", "正式党员", "2010-07-01", b],               # row 11: numeric ID cell
    ], numeric_id_row=11)
    before = api.get(f"/orgs/{branches['branch']}/members").json()["total"]
    response = upload(committee_user, content)
    assert response.status_code == 201, response.text
    preview = response.json()
    assert preview["rows"] == 10 and preview["valid"] == 3
    problems = {(e["row"], e["field"]): e["message"] for e in preview["errors"]}
    assert problems[(4, "id_number")] == "公民身份号码校验码错误"
    assert problems[(6, "id_number")] == "与第5行的公民身份号码重复"
    assert problems[(7, "id_number")].endswith("已登记为党员")
    assert problems[(8, "org_code")] == "党组织代码不存在：NO-SUCH"
    assert problems[(9, "org_code")].startswith("党组织不在本账号的管理范围内")
    assert problems[(10, "name")] == "必填" and problems[(10, "ethnicity")] == "未知的民族：火星族"
    assert "文本格式" in problems[(11, "id_number")]
    assert api.get(f"/orgs/{branches['branch']}/members").json()["total"] == before  # a preview writes nothing

    refused = committee_user.post(f"/imports/{preview['id']}/commit", json={"all_or_nothing": True})
    assert_error(refused, 400, "validation")
    assert api.get(f"/orgs/{branches['branch']}/members").json()["total"] == before

    result = committee_user.post(f"/imports/{preview['id']}/commit")
    assert result.status_code == 200, result.text
    assert result.json()["written"] == 3 and result.json()["skipped_rows"] == 7
    names = {m["name"] for m in api.get(f"/orgs/{branches['branch']}/members").json()["items"]}
    assert {"导入甲", "导入乙", "重复一"} <= names and not names & {"重复二", "校验错"}
    wait_for(lambda: api.get(f"/orgs/{branches['branch']}/stats").json()["members"]["total"],
             lambda n: n == before + 3, what="imported members to be counted")
    assert_error(committee_user.post(f"/imports/{preview['id']}/commit"), 409, "conflict")
    assert committee_user.get(f"/imports/{preview['id']}").json()["status"] == "committed"


def test_all_or_nothing_commit_of_a_clean_file(api, committee_user, branches):
    content = sheet_bytes(api, [["全对甲", id_number(), "汉族", "正式党员", "2011-07-01", branches["branch_code"]]])
    preview = upload(committee_user, content).json()
    assert preview["errors"] == [] and preview["valid"] == 1
    result = committee_user.post(f"/imports/{preview['id']}/commit", json={"all_or_nothing": True})
    assert result.status_code == 200 and result.json()["written"] == 1


def test_files_that_cannot_be_read(api, committee_user):
    assert_error(upload(committee_user, b"not a spreadsheet"), 400, "bad_file")
    book = Workbook()
    book.active.append(["姓名", "民族"])
    book.active.append(["张三", "汉族"])
    out = io.BytesIO()
    book.save(out)
    error = assert_error(upload(committee_user, out.getvalue()), 400, "bad_file")
    assert "缺少列" in error["message"] and "公民身份号码" in error["message"]
    assert_error(upload(committee_user, sheet_bytes(api, [])), 400, "validation")  # headers only
    assert_error(committee_user.post("/imports/members", data={"x": "1"}), 400, "bad_file")
    assert_error(committee_user.post("/imports/members", content=b"{}",
                                     headers={"Content-Type": "application/json"}), 400, "bad_file")
    oversize = committee_user.post("/imports/members", files={"file": ("big.xlsx", b"x" * (21 * 1024 * 1024), XLSX)})
    assert_error(oversize, 413, "too_large")


def test_unknown_or_foreign_imports(api, system, committee_user, branches):
    assert_error(committee_user.get("/imports/00000000-0000-0000-0000-000000000000"), 404)
    assert_error(committee_user.post("/imports/not-a-uuid/commit"), 404)
    preview = upload(api, sheet_bytes(api, [["根导入", id_number(), "汉族", "正式党员", "2012-07-01",
                                             branches["other_code"]]])).json()
    assert_error(committee_user.post(f"/imports/{preview['id']}/commit"), 403)  # made by the root's admin
    assert_error(api.post(f"/imports/{preview['id']}/commit", content=b"{bad",
                          headers={"Content-Type": "application/json"}), 400, "malformed")
    assert api.post(f"/imports/{preview['id']}/commit").json()["written"] == 1


def member_directory(system, org_id: int, column: str) -> str | None:
    with psycopg.connect(plain_dsn(system)) as conn:
        row = conn.execute(f"SELECT {column} FROM member.org_directory WHERE id = %s", (org_id,)).fetchone()
    return row and row[0]


def imported(system, id_number_: str) -> list[tuple]:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute("SELECT org_id, org_path FROM member.members WHERE id_number = %s",
                            (id_number_,)).fetchall()


def new_branch(api, parent_id: int, name: str) -> dict:
    branch_code = code("IR")
    response = api.post("/orgs", json={"name": name, "code": branch_code, "type": "31", "parent_id": parent_id})
    assert response.status_code == 201, response.text
    return {**response.json(), "code": branch_code}


def test_a_commit_into_an_organization_revoked_since_the_preview_is_refused(system, api, committee_user, branches):
    """The preview read the member service's projection; the commit asks the org service, so an
    organization revoked a moment before (its event not yet arrived) receives nobody."""
    branch = new_branch(api, branches["committee"], "导入后撤销支部")
    other_id = id_number()
    content = sheet_bytes(api, [["撤销前", other_id, "汉族", "正式党员", "2012-07-01", branch["code"]]])
    preview = upload(committee_user, content).json()
    assert preview["valid"] == 1 and preview["errors"] == []
    revoked = api.post(f"/orgs/{branch['id']}/revoke", json={"date": date.today().isoformat(), "reason": "撤并"})
    assert revoked.status_code == 200, revoked.text
    wait_for(lambda: member_directory(system, branch["id"], "status"), lambda s: s == "revoked",
             what="the revoke to reach the member service")
    with psycopg.connect(plain_dsn(system)) as conn:  # as if the revoke's event were still on its way
        conn.execute("UPDATE member.org_directory SET status = 'active' WHERE id = %s", (branch["id"],))

    for all_or_nothing in (False, True):
        refused = committee_user.post(f"/imports/{preview['id']}/commit", json={"all_or_nothing": all_or_nothing})
        error = assert_error(refused, 409, "conflict")
        assert "导入后撤销支部" in error["message"] and "已撤销" in error["message"]
    assert imported(system, other_id) == []
    assert committee_user.get(f"/imports/{preview['id']}").json()["status"] == "previewed"


def test_a_commit_into_an_organization_moved_since_the_preview_uses_its_new_path(system, api, committee_user,
                                                                                  branches):
    branch = new_branch(api, branches["committee"], "导入后移动支部")
    middle = api.post("/orgs", json={"name": "导入后移入党总支", "code": code("IM"), "type": "21",
                                     "parent_id": branches["committee"]}).json()
    number = id_number()
    preview = upload(committee_user, sheet_bytes(api, [["移动前", number, "汉族", "正式党员", "2012-07-01",
                                                         branch["code"]]])).json()
    assert preview["valid"] == 1
    moved = api.post(f"/orgs/{branch['id']}/move", json={"parent_id": middle["id"], "date": date.today().isoformat(),
                                                        "reason": "隶属关系调整",
                                                        "version": api.get(f"/orgs/{branch['id']}").json()["version"]})
    assert moved.status_code == 200, moved.text
    # Once the move has reached the member service, a row written with the preview's old path
    # would stay there for good.
    wait_for(lambda: member_directory(system, branch["id"], "path"), lambda p: p == moved.json()["path"],
             what="the move to reach the member service")
    result = committee_user.post(f"/imports/{preview['id']}/commit")
    assert result.status_code == 200 and result.json()["written"] == 1, result.text
    assert imported(system, number) == [(branch["id"], moved.json()["path"])]


def test_a_large_import_is_written_and_counted_in_full(api, committee_user, branches):
    """Beyond a few dozen rows the members and their events go through COPY: every row must still
    arrive with its facts, and every member_created event must reach the counters."""
    rows = [[f"批量{i:03d}", id_number(), "汉族", "预备党员" if i % 3 else "正式党员", "2024-07-01",
             branches["branch_code"]] for i in range(150)]
    before = api.get(f"/orgs/{branches['branch']}/stats").json()["members"]
    preview = upload(committee_user, sheet_bytes(api, rows)).json()
    assert preview["valid"] == 150 and preview["errors"] == []
    assert committee_user.post(f"/imports/{preview['id']}/commit").json()["written"] == 150
    found = api.get("/members", params={"q": rows[7][1]}).json()["items"]
    assert [(m["name"], m["category"]) for m in found] == [("批量007", "02")]
    after = wait_for(lambda: api.get(f"/orgs/{branches['branch']}/stats").json()["members"],
                     lambda s: s["total"] == before["total"] + 150, what="150 imported members to be counted")
    assert after["by_category"].get("01", 0) - before["by_category"].get("01", 0) == 50
