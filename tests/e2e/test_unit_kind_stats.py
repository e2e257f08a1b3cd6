"""表5 乡镇/村党员, 表6 街道/社区党员, 表7 学生党员 through the gateway: a 县委 with a 乡镇党委, two village
branches (one from the 党组织采集表 with its 单位信息 columns, one a 联合党支部 of two villages), a 社区党委
and a 街道党工委 recording a 社区 with no party organization, members and students in them. The tables
at the 县委 equal the hand count; a village branch's unit changed to a 社区 takes its member from the
村 counts to the 社区 ones; a member transferred (省内) from that branch to the 社区 this year counts there
at this year end and at the branch the years before, and the branch's kind change takes those years
along; the branch's events delivered again and out of order change nothing; reconcile of the subtree
is clean after each step."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.api import complete_member, staff_client
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import assert_reconciled, wait_for
from tests.support.stats_events import deliver_again, outbox_envelopes

TODAY = date.today()
YEAR = TODAY.year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEYS = ("t5", "t6", "t7")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def new_org(api, parent_id: int, name: str, type_: str, *units) -> dict:
    org_code = code()
    org = {**ok(api.post("/orgs", json={"name": name, "code": org_code, "type": type_, "parent_id": parent_id}), 201),
           "code": org_code}
    org["unit_ids"] = [ok(api.post(f"/orgs/{org['id']}/units", json={
        "name": unit_name, "category": category, "party_setup": setup}), 201)["id"]
        for unit_name, category, setup in units]
    return org


def imported_branch(api, parent_code: str, name: str) -> int:
    """A 党支部 from the 党组织采集表 with its village in the 单位信息 columns."""
    book = load_workbook(io.BytesIO(api.get("/imports/orgs/template.xlsx").content))
    sheet = book["党组织采集表"]
    headers = [cell.value for cell in sheet[1]]
    org_code = code("V")
    row = {"党组织名称": name, "党组织代码": org_code, "党组织类别": "党支部", "上级党组织代码": parent_code,
           "单位性质类别": "村", "单位名称": "统计东村", "建立党组织情况": "单独建立党组织"}
    for header, value in row.items():
        sheet.cell(row=2, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    preview = ok(api.post("/imports/orgs", files={"file": ("党组织.xlsx", out.getvalue(), XLSX)}), 201)
    assert preview["valid"] == 1, preview["errors"]
    assert ok(api.post(f"/imports/orgs/{preview['id']}/commit", json={}))["written"] == 1
    return api.get("/orgs", params={"q": org_code}).json()["items"][0]["id"]


def member(api, org_id: int, name: str, **extra) -> int:
    return ok(api.post("/members", json=member_data(org_id, name=name, joined_on="2015-07-01", **extra)), 201)["id"]


def tables(api, org_id: int, year: int = YEAR) -> dict:
    report = ok(api.get(f"/orgs/{org_id}/reports/{year}"))
    return {t["key"]: {key: n for key, n in t["rows"][0]["cells"].items() if n}
            for t in report["tables"] if t["key"] in KEYS}


def settled(api, org_id: int, expected: dict) -> None:
    wait_for(lambda: tables(api, org_id), lambda found: found == expected, timeout=30,
             what=f"the tables 5–7 of {org_id}")


@pytest.fixture(scope="module")
def county(system, api, root_id):
    top = new_org(api, root_id, "单位统计县委", "党委")
    town = new_org(api, top["id"], "单位统计镇党委", "党委", ("统计镇人民政府", "乡（镇）", "单独建立党组织"))
    east = imported_branch(api, town["code"], "单位统计东村党支部")
    joint = new_org(api, town["id"], "单位统计联村党支部", "联合党支部", ("统计南村", "村", "联合建立党组织"),
                    ("统计北村", "村", "联合建立党组织"))
    community = new_org(api, top["id"], "单位统计社区党委", "党委",
                        ("统计社区居委会", "社区（居委会）", "单独建立党组织"))
    street = new_org(api, top["id"], "单位统计街道党工委", "党工委", ("统计街道办事处", "街道", "单独建立党组织"),
                     ("统计新社区", "社区（居委会）", "未建立党组织"))
    member(api, town["id"], "单位统计镇员")
    member(api, east, "单位统计村员甲")
    member(api, east, "单位统计村学生", occupation="学生", education="大学本科")
    mover = complete_member(api, joint["id"], "单位统计联村员")
    ok(api.post("/members", json=member_data(
        community["id"], name="单位统计新生", occupation="学生", education="研究生", category="预备党员",
        joined_on=TODAY.isoformat(), id_number=id_number(date(2003, 3, 3)))), 201)
    member(api, community["id"], "单位统计老学生", occupation="学生", education="大学专科",
           id_number=id_number(date(1970, 3, 3)))
    member(api, street["id"], "单位统计街道员")
    return {"top": top["id"], "joint": joint["id"], "joint_unit": joint["unit_ids"][0], "mover": mover,
            "community": community["id"]}


def transferred(system, api, member_id: int, to_org_id: int) -> None:
    """A 省内 transfer effective today, each step by an account of its organization."""
    clients = {}

    def client(org_id: int):
        if org_id not in clients:
            clients[org_id] = staff_client(system, api, org_id, "uk")
        return clients[org_id]

    transfer = ok(api.post("/transfers", json={
        "member_id": member_id, "kind": "within", "to_org_id": to_org_id, "reason": "01",
        "dues_paid_to": f"{YEAR}-01", "phone": "13900000000", "address": "某某市某某路1号", "postcode": "100020"}), 201)
    try:
        while transfer["state"] in ("approving", "to_receive"):
            step = next(s for s in transfer["route"] if s["state"] == "current")
            data = {"date": TODAY.isoformat()} if step["action"] == "receive" else {}
            transfer = ok(client(step["org_id"]).post(f"/transfers/{transfer['id']}/{step['action']}",
                                                      json={"version": transfer["version"], **data}))
        wait_for(lambda: ok(api.get(f"/transfers/{transfer['id']}"))["state"], lambda state: state == "received",
                 what="the member service to move the member")
    finally:
        for opened in clients.values():
            opened.close()


def test_tables_five_to_seven_count_by_unit_kind_and_a_kind_change_moves_the_members(system, api, rpc, county):
    expected = {
        "t5": {"towns": 1, "towns_with_org": 1, "town_setup_1": 1, "town_orgs": 1, "town_members": 1,
               "villages": 3, "villages_with_org": 3, "village_setup_1": 1, "village_setup_2": 2, "village_orgs": 2,
               "village_members": 3},
        "t6": {"streets": 1, "streets_with_org": 1, "street_setup_1": 1, "street_orgs": 1, "street_members": 1,
               "communities": 2, "communities_with_org": 1, "community_setup_1": 1, "community_setup_3": 1,
               "community_orgs": 1, "community_members": 2},
        "t7": {"total": 3, "education_10": 1, "education_20": 1, "education_30": 1, "developed": 1, "older": 1}}
    settled(api, county["top"], expected)
    assert_reconciled(rpc, county["top"])

    # The 联合党支部's first village becomes a 社区: its member leaves the 村 counts for the 社区 ones.
    ok(api.patch(f"/orgs/{county['joint']}/units/{county['joint_unit']}", json={
        "name": "统计南社区", "category": "社区（居委会）", "party_setup": "联合建立党组织"}))
    expected["t5"].update({"villages": 2, "villages_with_org": 2, "village_setup_2": 1, "village_orgs": 1,
                           "village_members": 2})
    expected["t6"].update({"communities": 3, "communities_with_org": 2, "community_setup_2": 1,
                           "community_orgs": 2, "community_members": 3})
    settled(api, county["top"], expected)
    assert_reconciled(rpc, county["top"])

    # Its member goes to the 社区党委 (省内, today): a 社区 member at this year end, a 村 one (the
    # 联合党支部's other village is still a 村) at last year's.
    def members_by_kind(year: int) -> tuple:
        found = tables(api, county["top"], year)
        return found["t5"].get("village_members", 0), found["t6"].get("community_members", 0)

    assert members_by_kind(YEAR - 1) == (2, 2)  # the branch's past moved with its kind too
    ok(api.patch(f"/orgs/{county['joint']}/units/{county['joint_unit']}", json={
        "name": "统计南村", "category": "村", "party_setup": "联合建立党组织"}))  # back to a 村
    wait_for(lambda: members_by_kind(YEAR - 1), lambda found: found == (3, 1), what="the 村 back")
    transferred(system, api, county["mover"], county["community"])
    wait_for(lambda: members_by_kind(YEAR), lambda found: found == (2, 3), what="the transferred member")
    assert members_by_kind(YEAR - 1) == (3, 1)
    assert_reconciled(rpc, county["top"])
    # The branch it left becomes a 社区 again: the member's years there go along, this year end stays.
    ok(api.patch(f"/orgs/{county['joint']}/units/{county['joint_unit']}", json={
        "name": "统计南社区", "category": "社区（居委会）", "party_setup": "联合建立党组织"}))
    wait_for(lambda: members_by_kind(YEAR - 1), lambda found: found == (2, 2), what="the branch's past relabelled")
    assert members_by_kind(YEAR) == (2, 3)
    assert_reconciled(rpc, county["top"])
    # The branch's events (its kind back and forth) delivered again and out of order change nothing.
    settled_now = tables(api, county["top"])
    deliver_again(system, "org", outbox_envelopes(system, "org", str(county["joint"]), "org_%"))
    assert tables(api, county["top"]) == settled_now and members_by_kind(YEAR - 1) == (2, 2)
    assert_reconciled(rpc, county["top"])


def test_the_report_checks_hold_for_the_new_tables(api, county):
    report = ok(api.get(f"/orgs/{county['top']}/reports/{YEAR}"))
    for table in (t for t in report["tables"] if t["key"] in KEYS):
        cells = table["rows"][0]["cells"]
        assert table["sums"], table["key"]
        for check in table["sums"]:
            assert cells[check["total"]] == sum(cells[part] for part in check["parts"]), check["label"]
