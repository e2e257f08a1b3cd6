"""党费 through the JSON API, each call as the clerk whose organization it is: a branch's year —
系统设置, bases with their brackets, a month's payments, 补交, 少交/免交 approved by the higher 党委,
大额党费, arrears and the summaries rolled up the tree; refusals (not on the rolls that month, a
duplicate month, a negative or absurd amount, out of scope, an approver who is not the higher
党委) with nothing written; two clerks paying one month at once record one payment."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
NOW = Month.of(TODAY)
START = NOW - 7  # the branch's registration start: seven months are over since


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def new_member(api, clerk, org_id: int, name: str, **data) -> int:
    member_id = ok(api.post("/members", json=member_data(org_id, name=name, **data)), 201)["id"]
    wait_for(lambda: clerk.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the new member")
    return member_id


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county with a 党委 and its branch, an unrelated 党委 with a branch; clerks of each, and
    three members of the branch with their bases set."""
    orgs = {"K": create_org(api, root_id, "党费测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "党费测试党委", "党委")
    orgs["A1"] = create_org(api, orgs["A"], "党费第一支部")
    orgs["C"] = create_org(api, root_id, "无关党费党委", "党委")
    orgs["C1"] = create_org(api, orgs["C"], "无关党费支部")
    clerks = {name: staff_client(system, api, orgs[name], f"du{name.lower()}") for name in ("A", "A1", "C")}
    branch = clerks["A1"]
    members = {name: new_member(api, branch, orgs["A1"], name) for name in ("在职甲", "退休乙", "学生丙")}
    ok(branch.put(f"/orgs/{orgs['A1']}/dues/settings", json={"registration_start": str(START)}))
    yield orgs, clerks, members
    for client in clerks.values():
        client.close()


def pay(client, org_id: int, month: Month, *entries, **extra):
    return client.post(f"/orgs/{org_id}/dues/payments", json={"month": str(month), "payments": [
        {"member_id": member_id, "amount": amount, "paid_on": TODAY.isoformat(), **more}
        for member_id, amount, *rest in entries for more in [rest[0] if rest else {}]], **extra})


def months_of(client, member_id: int, year: int) -> dict:
    return {row["month"]: row for row in ok(client.get(f"/members/{member_id}/dues", params={"year": year}))["months"]}


def test_a_branch_year(api, tree):
    orgs, clerks, members = tree
    branch, committee = clerks["A1"], clerks["A"]
    worker, retiree, student = members["在职甲"], members["退休乙"], members["学生丙"]
    # Bases: the monthly amount and the bracket used (one rate on the whole base; upper bounds inclusive).
    base = ok(branch.put(f"/members/{worker}/dues/base", json={"kind": "employed", "amount": "5000",
                                                               "from_month": str(START)}))
    assert base["monthly_due"] == "50.00" and "1%" in base["bracket"]
    base = ok(branch.put(f"/members/{retiree}/dues/base", json={"kind": "retired", "amount": "6000.00",
                                                                "from_month": str(START)}))
    assert base["monthly_due"] == "60.00" and "1%" in base["bracket"]
    assert ok(branch.put(f"/members/{student}/dues/base", json={"kind": "student",
                                                                "from_month": str(START)}))["monthly_due"] == "0.20"
    bad = assert_error(branch.put(f"/members/{worker}/dues/base", json={"kind": "employed", "amount": "-1",
                                                                         "from_month": str(START)}), 400)
    assert "amount" in bad["fields"]
    # The month's roster: 应交 prefilled.
    sheet = ok(branch.get(f"/orgs/{orgs['A1']}/dues/month", params={"month": str(NOW)}))
    rows = {row["member_id"]: row for row in sheet["members"]}
    assert [rows[m]["suggested"] for m in (worker, retiree, student)] == ["50.00", "60.00", "0.20"]
    assert sheet["totals"]["due"] == "110.20" and sheet["totals"]["unpaid_members"] == 3
    # This month for two, 补交 of the start month and last month for the worker.
    recorded = ok(pay(branch, orgs["A1"], NOW, (worker, "50.00", {"collector": "李会计"}),
                      (retiree, "60.00", {"method": "proxy"})), 201)
    assert recorded["count"] == 2 and recorded["refused"] == []
    assert {r["kind"] for r in recorded["recorded"]} == {"monthly"}
    late = ok(pay(branch, orgs["A1"], START, (worker, "50.00"), (worker, "50.00", {"month": str(NOW - 1)})), 201)
    assert {r["kind"] for r in late["recorded"]} == {"late"} and late["count"] == 2
    # 少交/免交: the branch applies, only the higher 党委 decides.
    applied = ok(branch.post(f"/members/{retiree}/dues/exemptions", json={
        "from_month": str(START), "to_month": str(NOW - 1), "kind": "exempt", "reason": "重病住院，生活困难"}), 201)
    assert applied["state"] == "applied"
    assert "上级党委" in assert_error(branch.post(f"/dues/exemptions/{applied['id']}/approve", json={}), 403)["message"]
    assert_error(clerks["C"].post(f"/dues/exemptions/{applied['id']}/approve", json={}), 403)
    listed = ok(committee.get(f"/orgs/{orgs['A']}/dues/exemptions"))["items"]
    assert [(e["id"], e["can_decide"]) for e in listed if e["id"] == applied["id"]] == [(applied["id"], True)]
    approved = ok(committee.post(f"/dues/exemptions/{applied['id']}/approve", json={"opinion": "同意"}))
    assert approved["state"] == "approved" and "党费测试党委" in approved["approver"]
    assert_error(committee.post(f"/dues/exemptions/{applied['id']}/refuse", json={"opinion": "再议"}), 409)
    exempt_month = months_of(branch, retiree, (NOW - 1).year)[str(NOW - 1)]
    assert (exempt_month["status"], exempt_month["due"]) == ("exempt", "0.00")
    # 大额党费: apart from monthly dues; at least 1000; a receipt number once.
    large = ok(branch.post(f"/members/{worker}/dues/large", json={"amount": "2000", "paid_on": TODAY.isoformat(),
                                                                  "receipt_no": f"R{worker}"}), 201)
    assert large["amount"] == "2000.00"
    assert_error(branch.post(f"/members/{worker}/dues/large", json={"amount": "999.99", "paid_on": TODAY.isoformat(),
                                                                    "receipt_no": f"S{worker}"}), 400)
    assert_error(branch.post(f"/members/{worker}/dues/large", json={"amount": "1000", "paid_on": TODAY.isoformat(),
                                                                    "receipt_no": f"R{worker}"}), 409)
    # The member card's view: months, 党费交至 (the worker: START, then a gap, then NOW-1 and NOW).
    dues = ok(branch.get(f"/members/{worker}/dues", params={"year": NOW.year}))
    assert dues["paid_to"] == str(START) and dues["base"]["monthly_due"] == "50.00"
    this = {row["month"]: row for row in dues["months"]}[str(NOW)]
    assert (this["due"], this["paid"], this["paid_on"], this["status"]) == ("50.00", "50.00", TODAY.isoformat(),
                                                                             "paid")
    assert ok(branch.get(f"/members/{retiree}/dues/paid-to"))["paid_to"] == str(NOW)
    # Arrears: the student paid nothing for seven months over (the 自行脱党 case); the worker's
    # streak is broken by last month's payment; the retiree's months were exempted.
    six = ok(committee.get(f"/orgs/{orgs['A']}/dues/arrears", params={"months": 6}))
    assert [(item["member_id"], item["streak"], item["level"]) for item in six["items"]] == [(student, 7, "lapsed")]
    three = {item["member_id"] for item in ok(committee.get(f"/orgs/{orgs['A']}/dues/arrears",
                                                            params={"months": 3}))["items"]}
    assert three == {student}
    assert ok(committee.get(f"/orgs/{orgs['A']}/dues/arrears/counts")) == {"three": 1, "six": 1}
    # The summaries, kept incrementally and rolled up: the branch, its 党委 and the county agree.
    month = {org: ok(committee.get(f"/orgs/{orgs[org]}/dues/summary",
                                   params={"year": NOW.year, "month": NOW.month})) for org in ("A1", "A")}
    assert month["A1"] == {**month["A"], "org_id": orgs["A1"], "org_name": "党费第一支部",
                           "children": month["A1"]["children"]}
    figures = {key: month["A"][key] for key in ("due", "paid", "large", "arrears_members")}
    assert figures == {"due": "110.20", "paid": "110.00", "large": "2000.00", "arrears_members": 1}
    county = ok(api.get(f"/orgs/{orgs['K']}/dues/summary", params={"year": NOW.year}))
    committee_year = ok(committee.get(f"/orgs/{orgs['A']}/dues/summary", params={"year": NOW.year}))
    assert {k: county[k] for k in ("due", "paid", "late", "large", "exempt", "arrears_members")} == \
        {k: committee_year[k] for k in ("due", "paid", "late", "large", "exempt", "arrears_members")}
    assert [child["org_id"] for child in county["children"]] == [orgs["A"]]


def test_void_and_record_again(tree):
    orgs, clerks, members = tree
    branch, worker = clerks["A1"], members["在职甲"]
    sheet = ok(branch.get(f"/orgs/{orgs['A1']}/dues/month", params={"month": str(NOW - 2)}))
    assert {row["member_id"]: row for row in sheet["members"]}[worker]["payment"] is None
    payment = ok(pay(branch, orgs["A1"], NOW - 2, (worker, "50.00")), 201)["recorded"][0]
    assert_error(branch.post(f"/dues/payments/{payment['id']}/void", json={}), 400)
    voided = ok(branch.post(f"/dues/payments/{payment['id']}/void", json={"reason": "金额记错"}))
    assert voided["voided"] and voided["void_reason"] == "金额记错"
    assert_error(branch.post(f"/dues/payments/{payment['id']}/void", json={"reason": "再次"}), 409)
    again = ok(pay(branch, orgs["A1"], NOW - 2, (worker, "50.00")), 201)["recorded"][0]
    history = [p for p in ok(branch.get(f"/members/{worker}/dues", params={"year": (NOW - 2).year}))["payments"]
               if p["month"] == str(NOW - 2)]
    assert [(p["id"], p["voided"]) for p in history] == [(payment["id"], True), (again["id"], False)]


def test_refusals_write_nothing(api, tree):
    orgs, clerks, members = tree
    branch, student, worker = clerks["A1"], members["学生丙"], members["在职甲"]
    newcomer = new_member(api, branch, orgs["A1"], "新党员丁", category="预备党员", joined_on=NOW.first_day.isoformat())
    outsider = new_member(api, clerks["C"], orgs["C1"], "外支部戊")

    def unpaid() -> dict:
        sheet = ok(branch.get(f"/orgs/{orgs['A1']}/dues/month", params={"month": str(NOW - 3)}))
        return {row["member_id"]: row["payment"] for row in sheet["members"]}

    before = unpaid()
    # Not on the rolls that month (accepted this month), another branch's member, a duplicate month.
    error = assert_error(pay(branch, orgs["A1"], NOW - 1, (newcomer, "1.00")), 409)
    assert "支部大会通过之前" in error["message"]
    assert "不在本组织" in assert_error(pay(branch, orgs["A1"], NOW - 3, (outsider, "1.00")), 409)["message"]
    assert "已登记" in assert_error(pay(branch, orgs["A1"], NOW, (worker, "50.00")), 409)["message"]
    # Negative, absurd and malformed amounts: 400, per member.
    for amount in ("-5", "99999999", "1e3", "12.345"):
        assert_error(pay(branch, orgs["A1"], NOW - 3, (student, amount)), 400)
    # 1000 or more above what is owed is 大额党费, not a month.
    assert "大额党费" in assert_error(pay(branch, orgs["A1"], NOW - 3, (student, "1000.20")), 409)["message"]
    # Out of scope: another 党委's clerk, at the branch or for its member.
    assert_error(pay(clerks["C"], orgs["A1"], NOW - 3, (student, "0.20")), 403)
    assert_error(clerks["C"].put(f"/members/{student}/dues/base", json={"kind": "student", "from_month": "2020-01"}),
                 403)
    assert_error(clerks["C"].get(f"/members/{student}/dues"), 403)
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/dues/summary"), 403)
    # All or nothing: one refused, none recorded; without it the good one is recorded, the bad listed.
    error = assert_error(pay(branch, orgs["A1"], NOW - 3, (student, "0.20"), (outsider, "1.00"),
                             all_or_nothing=True), 409)
    assert "全部未登记" in error["message"]
    assert unpaid() == before
    partial = ok(pay(branch, orgs["A1"], NOW - 3, (student, "0.20"), (outsider, "1.00")), 201)
    assert partial["count"] == 1 and [r["member_id"] for r in partial["refused"]] == [outsider]


def test_two_clerks_pay_one_month_at_once(system, api, tree):
    orgs, clerks, members = tree
    other = staff_client(system, api, orgs["A1"], "dua1b")
    month, student = NOW - 4, members["学生丙"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda client: pay(client, orgs["A1"], month, (student, "0.20")),
                                (clerks["A1"], other)))
    other.close()
    assert sorted(answer.status_code for answer in answers) == [201, 409]
    paid = [p for p in ok(clerks["A1"].get(f"/members/{student}/dues", params={"year": month.year}))["payments"]
            if p["month"] == str(month) and not p["voided"]]
    assert len(paid) == 1


def test_the_month_sheet_and_the_summary_in_excel(tree):
    orgs, clerks, members = tree
    sheet = clerks["A1"].get(f"/orgs/{orgs['A1']}/dues/month.xlsx", params={"month": str(NOW)})
    assert sheet.status_code == 200, sheet.text
    rows = [[cell for cell in row if cell is not None]
            for row in load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True)]
    assert "党费收缴表" in rows[0][0] and rows[1][:4] == ["姓名", "基数档次", "应交（元）", "实交（元）"]
    assert any(row[:1] == ["在职甲"] and 50 in row for row in rows)  # amounts are number cells
    assert rows[-1][0] == "合计"
    summary = clerks["A"].get(f"/orgs/{orgs['A']}/dues/summary.xlsx", params={"year": NOW.year})
    assert summary.status_code == 200, summary.text
    labels = [row[0] for row in load_workbook(BytesIO(summary.content)).active.iter_rows(values_only=True)]
    assert "全年合计" in labels and "党费第一支部" in labels and f"{NOW.month}月" in labels
    assert clerks["C"].get(f"/orgs/{orgs['A1']}/dues/month.xlsx").status_code == 403
