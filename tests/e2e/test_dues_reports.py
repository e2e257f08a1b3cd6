"""党费 reports through the JSON API, each call as the clerk whose organization it is: a county and a
党委 see their subtree's 大额党费 (each payment, the totals per year; equal to the summary's `large`,
never in 实交), a branch's yearly 党费收缴情况公示 (应交/实交 by month, 大额党费 apart, adding up to the
summary), the quarterly 上缴 reminder (the organization's own and its subordinates') and the Excel
sheets read back with openpyxl: amounts are number cells, a negative 上缴 差额 too. Outside the
subtree: 403; a bad year: 400 in Chinese."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.dues.domain import Month
from tests.support.api import create_org, staff_client
from tests.support.factories import code, member_data
from tests.support.helpers import assert_error, wait_for

TODAY = date.today()
NOW = Month.of(TODAY)
PQ = NOW.quarter_start - 3  # the previous quarter's first month: the 上缴 reminder's quarter
QUARTER = f"{PQ.year:04d}-Q{(PQ.month + 2) // 3}"
LAST_YEAR = date(TODAY.year - 1, 6, 1)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def sheet(response):
    assert response.status_code == 200, response.text
    return load_workbook(BytesIO(response.content)).active


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A county with a 党委 and two branches under it, an unrelated 党委; a clerk of each. Bases and the
    branches' registration from the previous quarter; 甲 and 乙 (B1) paid its first month, 甲 this
    month too; 大额党费: 甲 this year, 丙 (B2) this year, 乙 last year."""
    orgs = {"K": create_org(api, root_id, "报表测试县委", "地方委员会")}
    orgs["A"] = create_org(api, orgs["K"], "报表测试党委", "党委")
    orgs["B1"] = create_org(api, orgs["A"], "报表第一支部")
    orgs["B2"] = create_org(api, orgs["A"], "报表第二支部")
    orgs["C"] = create_org(api, root_id, "报表无关党委", "党委")
    clerks = {name: staff_client(system, api, orgs[name], f"rp{name.lower()}") for name in orgs}
    people = {}
    for branch, name, base in (("B1", "公示甲", "5000"), ("B1", "公示乙", "3000"), ("B2", "公示丙", "4000")):
        member_id = ok(api.post("/members", json=member_data(orgs[branch], name=name)), 201)["id"]
        wait_for(lambda: clerks[branch].get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
                 what="the dues service's projection of the new member")
        ok(clerks[branch].put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": base,
                                                                       "from_month": str(PQ)}))
        people[name] = member_id
    for branch in ("B1", "B2"):
        ok(clerks[branch].put(f"/orgs/{orgs[branch]}/dues/settings", json={"registration_start": str(PQ)}))
    paid_on = TODAY.isoformat()
    ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/dues/payments", json={"month": str(PQ), "payments": [
        {"member_id": people["公示甲"], "amount": "50.00", "paid_on": paid_on},
        {"member_id": people["公示乙"], "amount": "15.00", "paid_on": paid_on},
        {"member_id": people["公示甲"], "amount": "50.00", "paid_on": paid_on, "month": str(NOW)}]}), 201)
    for name, amount, day in (("公示甲", "1000", TODAY), ("公示丙", "2500.00", TODAY),
                              ("公示乙", "1200.00", LAST_YEAR)):
        branch = "B2" if name == "公示丙" else "B1"
        ok(clerks[branch].post(f"/members/{people[name]}/dues/large", json={
            "amount": amount, "paid_on": day.isoformat(), "receipt_no": f"DE-{code('')}"}), 201)
    yield orgs, clerks, people
    for client in clerks.values():
        client.close()


def test_a_county_sees_its_subtrees_large_dues_apart_from_monthly_dues(tree):
    orgs, clerks, people = tree
    county = clerks["K"]
    found = ok(county.get(f"/orgs/{orgs['K']}/dues/large", params={"year": TODAY.year}))
    assert (found["year"], found["total"], found["amount"]) == (TODAY.year, 2, "3500.00")
    rows = {item["name"]: item for item in found["items"]}
    assert set(rows) == {"公示甲", "公示丙"}
    assert (rows["公示丙"]["org_name"], rows["公示丙"]["amount"], rows["公示丙"]["paid_on"]) == (
        "报表第二支部", "2500.00", TODAY.isoformat())
    assert rows["公示甲"]["receipt_no"].startswith("DE-") and rows["公示甲"]["org_id"] == orgs["B1"]
    assert found["years"] == [{"year": TODAY.year, "count": 2, "amount": "3500.00"},
                              {"year": TODAY.year - 1, "count": 1, "amount": "1200.00"}]
    # The summary keeps 大额 apart: the same total, and 实交 holds only the monthly dues.
    summary = ok(county.get(f"/orgs/{orgs['K']}/dues/summary", params={"year": TODAY.year}))
    assert summary["large"] == "3500.00"
    monthly = Decimal("50.00") + (Decimal("65.00") if PQ.year == TODAY.year else 0)
    assert Decimal(summary["paid"]) == monthly
    last = ok(county.get(f"/orgs/{orgs['K']}/dues/large", params={"year": TODAY.year - 1}))
    assert [(i["name"], i["amount"]) for i in last["items"]] == [("公示乙", "1200.00")]
    # A page at a time; a branch sees its own members only.
    page = ok(county.get(f"/orgs/{orgs['K']}/dues/large", params={"year": TODAY.year, "size": 1, "page": 2}))
    assert (len(page["items"]), page["total"], page["page"]) == (1, 2, 2)
    own = ok(clerks["B2"].get(f"/orgs/{orgs['B2']}/dues/large"))
    assert [i["name"] for i in own["items"]] == ["公示丙"] and own["year"] == TODAY.year
    # Out of the subtree, above the account, a bad year.
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/dues/large"), 403)
    assert_error(clerks["B1"].get(f"/orgs/{orgs['A']}/dues/large"), 403)
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/dues/large.xlsx"), 403)
    for year in ("abc", "1990"):
        assert "年份" in assert_error(county.get(f"/orgs/{orgs['K']}/dues/large", params={"year": year}),
                                    400)["message"]
    assert_error(county.get(f"/orgs/{orgs['K']}/dues/large", params={"size": 0}), 400)


def test_the_large_dues_in_excel(tree):
    orgs, clerks, _ = tree
    ws = sheet(clerks["A"].get(f"/orgs/{orgs['A']}/dues/large.xlsx", params={"year": TODAY.year}))
    rows = list(ws.iter_rows())
    assert "大额党费" in rows[0][0].value and [c.value for c in rows[1][:5]] == [
        "党员姓名", "所在党组织", "金额（元）", "交纳日期", "收据号"]
    by_name = {row[0].value: row for row in rows[2:] if row[0].value}
    amount = by_name["公示丙"][2]
    assert (amount.value, amount.data_type, amount.number_format) == (2500, "n", "#,##0.00")
    assert by_name["公示丙"][1].value == "报表第二支部"
    assert by_name["合计"][2].value == 3500 and by_name["合计"][2].data_type == "n"
    assert "各年度合计" in by_name and by_name[f"{TODAY.year - 1}年"][2].value == 1200


def test_a_branchs_yearly_publication_adds_up_to_its_summary(tree):
    orgs, clerks, people = tree
    branch = clerks["B1"]
    pub = ok(branch.get(f"/orgs/{orgs['B1']}/dues/publication", params={"year": PQ.year}))
    assert pub["year"] == PQ.year and pub["org"]["name"] == "报表第一支部"
    members = {m["name"]: m for m in pub["members"]}
    assert list(members) == sorted(members) and set(members) == {"公示甲", "公示乙"}
    first = members["公示乙"]["months"][PQ.month - 1]
    assert (first["month"], first["due"], first["paid"]) == (str(PQ), "15.00", "15.00")
    if PQ.month < 12:
        second = members["公示乙"]["months"][PQ.month]
        assert (second["due"], second["paid"]) == ("15.00", "0.00")
    if PQ.month > 1:
        assert members["公示甲"]["months"][0] == {"month": f"{PQ.year:04d}-01", "due": None, "paid": None}
    if PQ.year == TODAY.year and NOW.month < 12:
        assert members["公示甲"]["months"][NOW.month]["due"] is None  # a month to come owes nothing yet
    assert members["公示甲"]["large"] == ("1000.00" if PQ.year == TODAY.year else "0.00")
    summary = ok(branch.get(f"/orgs/{orgs['B1']}/dues/summary", params={"year": PQ.year}))
    totals = pub["totals"]
    assert (totals["due"], totals["paid"], totals["large"], totals["members"]) == (
        summary["due"], summary["paid"], summary["large"], 2)
    assert Decimal(totals["paid"]) == sum(Decimal(m["paid"]) for m in members.values())  # 大额 not in 实交
    assert totals["months"][PQ.month - 1] == {"month": str(PQ), "due": "65.00", "paid": "65.00"}
    # A higher 党委 may read it; an unrelated one may not; a bad or coming year is refused.
    assert ok(clerks["A"].get(f"/orgs/{orgs['B1']}/dues/publication", params={"year": PQ.year}))["totals"] == totals
    assert_error(clerks["C"].get(f"/orgs/{orgs['B1']}/dues/publication"), 403)
    assert_error(clerks["B2"].get(f"/orgs/{orgs['B1']}/dues/publication.xlsx"), 403)
    assert "年份" in assert_error(branch.get(f"/orgs/{orgs['B1']}/dues/publication", params={"year": "20x"}),
                                400)["message"]
    assert "尚未开始" in assert_error(branch.get(f"/orgs/{orgs['B1']}/dues/publication",
                                                 params={"year": TODAY.year + 1}), 400)["message"]


def test_the_publication_in_excel(tree):
    orgs, clerks, _ = tree
    ws = sheet(clerks["B1"].get(f"/orgs/{orgs['B1']}/dues/publication.xlsx", params={"year": PQ.year}))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in ("9", 9)
    rows = [[cell for cell in row] for row in ws.iter_rows()]
    assert rows[0][0].value == f"报表第一支部 {PQ.year}年党费收缴情况公示"
    assert [c.value for c in rows[1][:3]] == ["姓名", "项目", "1月"] and [c.value for c in rows[1][14:16]] == [
        "全年合计", "大额党费"]
    names = [row[0].value for row in rows]
    due_row, paid_row = rows[names.index("公示乙")], rows[names.index("公示乙") + 1]
    assert (due_row[1].value, paid_row[1].value) == ("应交", "实交")
    cell = paid_row[1 + PQ.month]
    assert (cell.value, cell.data_type, cell.number_format) == (15, "n", "#,##0.00")
    if PQ.month > 1:
        assert due_row[2].value == "—"  # not counted: text
    total = rows[names.index("合计")]
    assert total[14].value == float(ok(clerks["B1"].get(f"/orgs/{orgs['B1']}/dues/publication",
                                                        params={"year": PQ.year}))["totals"]["due"])


def test_the_quarterly_remittance_reminder(tree):
    orgs, clerks, _ = tree
    due = ok(clerks["A"].get(f"/orgs/{orgs['A']}/dues/remittances/due"))
    assert due["period"] == QUARTER
    assert due["own"]["collected"] == "65.00" and due["own"]["months"] == [str(PQ)]
    assert due["own"]["parent"]["id"] == orgs["K"]
    assert [(c["org_id"], c["collected"]) for c in due["children"]] == [(orgs["B1"], "65.00")]  # B2: nothing collected
    county = ok(clerks["K"].get(f"/orgs/{orgs['K']}/dues/remittances/due"))
    assert [c["org_id"] for c in county["children"]] == [orgs["A"]]
    # The branch remits the quarter: the 党委 no longer lists it; its own reminder stays until it remits.
    ok(clerks["B1"].post(f"/orgs/{orgs['B1']}/dues/remittances", json={
        "period": QUARTER, "amount": "60.00", "remitted_on": TODAY.isoformat()}), 201)
    due = ok(clerks["A"].get(f"/orgs/{orgs['A']}/dues/remittances/due"))
    assert due["children"] == [] and due["own"] is not None
    ok(clerks["A"].post(f"/orgs/{orgs['A']}/dues/remittances", json={
        "period": str(PQ), "amount": "65.00", "remitted_on": TODAY.isoformat()}), 201)  # by month covers it too
    assert ok(clerks["A"].get(f"/orgs/{orgs['A']}/dues/remittances/due"))["own"] is None
    assert ok(clerks["K"].get(f"/orgs/{orgs['K']}/dues/remittances/due"))["children"] == []
    assert_error(clerks["C"].get(f"/orgs/{orgs['A']}/dues/remittances/due"), 403)


def test_a_negative_difference_is_a_number_in_the_remittance_sheet(tree):
    """B2 remits this month's 40.00, then the payment is voided: 实交 0.00, 差额 −40.00 — a number cell
    with two decimals like every amount (it was the text '-40.00)."""
    orgs, clerks, people = tree
    branch = clerks["B2"]
    paid = ok(branch.post(f"/orgs/{orgs['B2']}/dues/payments", json={"month": str(NOW), "payments": [
        {"member_id": people["公示丙"], "amount": "40.00", "paid_on": TODAY.isoformat()}]}), 201)
    ok(branch.post(f"/orgs/{orgs['B2']}/dues/remittances", json={
        "period": str(NOW), "amount": "40.00", "remitted_on": TODAY.isoformat()}), 201)
    ok(branch.post(f"/dues/payments/{paid['recorded'][0]['id']}/void", json={"reason": "登记错误"}))
    ws = sheet(branch.get(f"/orgs/{orgs['B2']}/dues/remittances.xlsx", params={"year": NOW.year}))
    header = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    column = header.index("差额（元）")
    record = next(row for row in ws.iter_rows(min_row=3) if row[1].value == str(NOW.label))
    difference = record[column]
    assert (difference.value, difference.data_type, difference.number_format) == (-40, "n", "#,##0.00")
    assert (record[header.index("实交（元）")].value, record[header.index("上缴（元）")].value) == (0, 40)
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(text.startswith("'-") for text in texts)
