"""流动党员 in the annual report: outflows of last year and this one (省内 to a branch of this
deployment, 跨省, 出国（境）), a 失联 over the year end found this year, a 返回, inflows from this
deployment and from outside. The 流动党员情况 table of each year end at the home branch, the
receiving branch and their common county equals what the effective dates say; reconcile (which
recounts from the transfer service's records) is clean; the outflow's events delivered again and
out of order change nothing."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import wait_for
from tests.support.stats_events import deliver_again, outbox_envelopes

TODAY = date.today()
YEAR, LAST = TODAY.year, TODAY.year - 1
ZERO = {"outflow_start": 0, "outflow_new": 0, "outflow_returned": 0, "outflow_closed": 0, "outflow_end": 0,
        "outflow_within_province": 0, "outflow_cross_province": 0, "outflow_abroad": 0, "outflow_lost": 0,
        "inflow_end": 0, "inflow_in_system": 0, "inflow_outside": 0, "inflow_new": 0}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def mobile(rpc, org_id: int, year: int) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=year)
    return next(t for t in report["tables"] if t["key"] == "mobile")["rows"][0]["cells"]


def outflow(api, org_id: int, name: str, from_date: str, destination: dict, **extra) -> dict:
    member_id = ok(api.post("/members", json=member_data(org_id, name=name)), 201)["id"]
    return ok(api.post(f"/members/{member_id}/outflows", json={
        "from_date": from_date, "reason": "01", "destination": destination, "phone": "13900000000",
        "certificate": False, **extra}), 201)


@pytest.fixture(scope="module")
def counted(system, api, rpc, root_id):
    orgs = {"K": create_org(api, root_id, "流动统计县委", "地方委员会")}
    orgs["A1"] = create_org(api, orgs["K"], "流动统计流出支部")
    orgs["B1"] = create_org(api, orgs["K"], "流动统计流入支部")
    # 省内, to a branch of this deployment, since March last year; 失联 over the year end, found today.
    inside = outflow(api, orgs["A1"], "统计流出甲", f"{LAST}-03-01", {"code": "440106", "text": "广州市天河区"},
                     to_org_id=orgs["B1"])
    ok(api.post(f"/orgs/{orgs['B1']}/inflows", json={"outflow_id": inside["id"], "from_date": f"{LAST}-04-01"}),
       201)
    ok(api.post(f"/outflows/{inside['id']}/lost", json={"since": f"{LAST}-06-01", "reason": "4"}))
    ok(api.post(f"/outflows/{inside['id']}/found", json={"date": TODAY.isoformat()}))
    # 跨省 since May last year, back today.
    away = outflow(api, orgs["A1"], "统计流出乙", f"{LAST}-05-01", {"code": "110105", "text": "北京市朝阳区"})
    ok(api.post(f"/outflows/{away['id']}/return", json={"date": TODAY.isoformat(), "report": "按时交纳党费"}))
    # 出国（境） from today; a member from outside keyed in at the receiving branch today.
    outflow(api, orgs["A1"], "统计流出丙", TODAY.isoformat(), {"text": "新加坡", "abroad": True})
    ok(api.post(f"/orgs/{orgs['B1']}/inflows", json={"external": {
        "name": "系统外流入", "id_number": "11010519491231002X", "home_org_text": "外省某党支部",
        "certificate_no": "W000001"}, "from_date": TODAY.isoformat()}), 201)
    expected = {
        ("A1", LAST): {**ZERO, "outflow_new": 2, "outflow_end": 2, "outflow_within_province": 1,
                       "outflow_cross_province": 1, "outflow_lost": 1},
        ("A1", YEAR): {**ZERO, "outflow_start": 2, "outflow_new": 1, "outflow_returned": 1, "outflow_end": 2,
                       "outflow_within_province": 1, "outflow_abroad": 1},
        ("B1", LAST): {**ZERO, "inflow_end": 1, "inflow_in_system": 1, "inflow_new": 1},
        ("B1", YEAR): {**ZERO, "inflow_end": 2, "inflow_in_system": 1, "inflow_outside": 1, "inflow_new": 1},
    }
    for year in (LAST, YEAR):  # the county counts both sides
        expected[("K", year)] = {key: expected[("A1", year)][key] + expected[("B1", year)][key] for key in ZERO}
    return orgs, inside, expected


def settled(rpc, orgs: dict, expected: dict) -> None:
    for (name, year), cells in expected.items():
        wait_for(lambda: mobile(rpc, orgs[name], year), lambda found: found == cells, timeout=30,
                 what=f"流动党员情况 of {name} in {year}")


def test_each_year_end_counts_by_the_effective_dates_and_reconcile_is_clean(rpc, counted):
    orgs, _, expected = counted
    settled(rpc, orgs, expected)
    result = rpc.call("stats", "reconcile", org_id=orgs["K"])
    assert result["total_differences"] == 0, result["differences"]


def test_the_excel_export_has_the_table(api, rpc, counted):
    orgs, _, expected = counted
    settled(rpc, orgs, expected)
    response = api.get(f"/orgs/{orgs['K']}/reports/{YEAR}.xlsx")
    assert response.status_code == 200, response.text
    sheet = load_workbook(BytesIO(response.content))["流动党员情况"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "流动党员情况" in values and "跨省" in values and "其中失去联系" in values
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"]
    assert rows and list(rows[0][1:1 + len(ZERO)]) == [expected[("K", YEAR)][key] for key in ZERO]


def test_the_events_again_and_out_of_order_change_nothing(system, rpc, counted):
    orgs, inside, expected = counted
    settled(rpc, orgs, expected)
    envelopes = outbox_envelopes(system, "transfer", f"outflow-{inside['id']}")
    assert [e["type"] for e in envelopes] == ["outflow_opened", "outflow_changed", "outflow_changed"]
    deliver_again(system, "transfer", envelopes)
    settled(rpc, orgs, expected)
    assert rpc.call("stats", "reconcile", org_id=orgs["K"])["total_differences"] == 0
