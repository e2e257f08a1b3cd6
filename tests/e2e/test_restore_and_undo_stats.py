"""找回 and 回退 in the annual report, through the gateway (docs/REPORT_TABLES.md "找回 and 回退"):
a mistaken death taken back by 回退 leaves no trace in table 1 (no 死亡, no 其他增加: the stock as
before) and the recount agrees; a real 停止党籍 then 找回 counts 停止党籍 1 and 恢复党籍 1, a death then
找回 counts 死亡 1 and 其他 1, each member named in the matching name list."""
from datetime import date

import pytest

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import wait_for

YEAR = date.today().year
INCREASE_DECREASE = ("increase_restore", "increase_other", "decrease_death", "decrease_suspend", "decrease_expel")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def add_member(api, org_id: int, name: str) -> int:
    return ok(api.post("/members", json=member_data(org_id, name=name, joined_on="2015-07-01")), 201)["id"]


def day(month: int, dom: int) -> str:
    """A day of this year not after today (the status changes refuse future dates)."""
    return min(date(YEAR, month, dom), date.today()).isoformat()


def t1(api, org_id: int) -> dict:
    report = ok(api.get(f"/orgs/{org_id}/reports/{YEAR}"))
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def settled(api, org_id: int, expected: dict, what: str) -> dict:
    return wait_for(lambda: t1(api, org_id), lambda cells: all(cells[k] == v for k, v in expected.items()),
                    what=what)


def named(api, org_id: int, kind: str) -> list[str]:
    return [item["name"] for item in ok(api.get(f"/orgs/{org_id}/reports/{YEAR}/name-lists/{kind}"))["items"]]


def reconcile_clean(api, org_id: int) -> None:
    result = ok(api.post(f"/orgs/{org_id}/stats/reconcile"))
    assert result["total_differences"] == 0, result["differences"]


@pytest.fixture(scope="module")
def branches(api, root_id):
    committee = create_org(api, root_id, "找回回退统计党委", "党委")
    return {"committee": committee, "mistake": create_org(api, committee, "误录回退支部"),
            "real": create_org(api, committee, "真实找回支部")}


def test_a_mistaken_death_taken_back_by_undo_is_in_no_table(api, branches):
    org_id = branches["mistake"]
    member_id = add_member(api, org_id, "误录死亡")
    add_member(api, org_id, "在册党员")
    before = settled(api, org_id, {"year_end": 2}, "两名在册党员")
    ok(api.post(f"/members/{member_id}/leave", json={"kind": "死亡", "date": day(5, 1), "reason": "误录"}))
    settled(api, org_id, {"decrease_death": 1, "year_end": 1}, "误录的死亡计入表1")
    undone = ok(api.post(f"/members/{member_id}/status/undo", json={}))
    assert undone["status"] == "active"
    after = settled(api, org_id, {"decrease_death": 0, "year_end": 2}, "回退后表1不留死亡")
    assert after == before  # every cell: no 死亡, no 其他增加, the stock back with no increase
    assert all(after[key] == 0 for key in INCREASE_DECREASE)
    assert after["increase_total"] == before["increase_total"] and after["difference"] == 0
    assert "误录死亡" not in named(api, org_id, "returned")
    reconcile_clean(api, org_id)


def test_real_leaves_found_back_count_their_decrease_and_increase_with_name_lists(api, browser_session, branches):
    org_id = branches["real"]
    stopped = add_member(api, org_id, "停止后恢复")
    died = add_member(api, org_id, "死亡后找回")
    settled(api, org_id, {"year_end": 2}, "两名在册党员")
    ok(api.post(f"/members/{stopped}/leave", json={"kind": "停止党籍", "date": day(2, 1), "reason": "停止党籍"}))
    ok(api.post(f"/members/{died}/leave", json={"kind": "死亡", "date": day(2, 1), "reason": "报死亡"}))
    settled(api, org_id, {"decrease_suspend": 1, "decrease_death": 1, "year_end": 0}, "两名党员减少")
    # The card's 找回 form names the column of table 1 the return will count in.
    assert '找回计入年报的党员增加（表1“恢复党籍”）' in browser_session.get(f"/members/{stopped}").text
    assert '找回计入年报的党员增加（表1“其他”）' in browser_session.get(f"/members/{died}").text
    ok(api.post(f"/members/{stopped}/restore", json={"date": day(6, 1), "reason": "经党委批准恢复党籍"}))
    ok(api.post(f"/members/{died}/restore", json={"date": day(6, 1), "reason": "经核实仍健在"}))
    cells = settled(api, org_id, {"increase_restore": 1, "increase_other": 1, "year_end": 2}, "两名党员找回")
    assert (cells["decrease_suspend"], cells["decrease_death"], cells["difference"]) == (1, 1, 0)
    assert named(api, org_id, "restored") == ["停止后恢复"]
    assert named(api, org_id, "suspended") == ["停止后恢复"]
    assert named(api, org_id, "returned") == ["死亡后找回"]
    report = ok(api.get(f"/orgs/{org_id}/reports/{YEAR}"))
    lists = {f["list"] for f in report["checks"]["failures"] if f["rule"] == "name_list"}
    assert lists == {"restored", "returned", "suspended"}
    reconcile_clean(api, branches["committee"])


def test_undoing_a_return_puts_the_member_back_in_history_and_out_of_the_list(api, branches):
    org_id = branches["real"]
    member_id = add_member(api, org_id, "找回又回退")
    ok(api.post(f"/members/{member_id}/leave", json={"kind": "停止党籍", "date": day(3, 1), "reason": "停止党籍"}))
    ok(api.post(f"/members/{member_id}/restore", json={"date": day(7, 1)}))
    settled(api, org_id, {"increase_restore": 2, "decrease_suspend": 2}, "第二名恢复党籍")
    ok(api.post(f"/members/{member_id}/status/undo", json={}))
    settled(api, org_id, {"increase_restore": 1, "decrease_suspend": 2}, "回退找回后只剩停止党籍")
    assert "找回又回退" not in named(api, org_id, "restored")
    assert "找回又回退" in named(api, org_id, "suspended")
    reconcile_clean(api, branches["committee"])
