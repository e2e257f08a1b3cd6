"""表12 表彰's organizations through the gateway: 奖励 rows keyed on organization cards (组织奖惩 with
the new 批准机关级别) count in the year of their 批准日期, at the organization, its 党委 and the root,
each organization once a year (受表彰的基层党组织) and every 奖励 by level (受表彰党组织（次）); a 惩处
counts nowhere; a corrected row moves and a deleted one un-counts; the org events delivered again
and out of order change nothing; the 校核 pass and reconcile is clean after each step."""
import pytest

from tests.support.api import create_org
from tests.support.helpers import assert_reconciled, wait_for
from tests.support.stats_events import deliver_again, outbox_envelopes

ORG_COLUMNS = ("orgs", "org_total", "org_level_1", "org_level_2", "org_level_3", "org_level_4", "org_level_5",
               "org_level_6", "org_level_none")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def org_cells(api, org_id: int, year: int) -> dict:
    """The non-zero organization cells of 表12 in the organization's report of the year."""
    report = ok(api.get(f"/orgs/{org_id}/reports/{year}"))
    t12 = next(table for table in report["tables"] if table["key"] == "t12")
    return {key: n for key, n in t12["rows"][0]["cells"].items() if n and key in ORG_COLUMNS}


def plus(before: dict, added: dict) -> dict:
    return {key: before.get(key, 0) + added.get(key, 0) for key in set(before) | set(added)
            if before.get(key, 0) + added.get(key, 0)}


def reward(api, org_id: int, **data) -> int:
    return ok(api.post(f"/orgs/{org_id}/sanctions", json={"approver": "中共某市委", **data}), 201)["id"]


def settled(api, org_id: int, year: int, expected: dict) -> None:
    wait_for(lambda: org_cells(api, org_id, year), lambda found: found == expected, timeout=30,
             what=f"表12's organization cells of {org_id} in {year}")


@pytest.fixture(scope="module")
def keyed(system, api, root_id):
    before = {year: org_cells(api, root_id, year) for year in (2024, 2025)}
    committee = create_org(api, root_id, "组织表彰统计党委", "党委")
    east = create_org(api, committee, "组织表彰统计东支部")
    west = create_org(api, committee, "组织表彰统计西支部")
    east_city = reward(api, east, kind="奖励", name="先进基层党组织", approved_on="2024-06-01", level="市级")
    reward(api, east, kind="奖励", name="五好党支部", approved_on="2024-09-01")  # no level: 未填写
    reward(api, east, kind="惩处", name="通报批评", approved_on="2024-10-01", level="县级")  # not a 表彰
    west_county = reward(api, west, kind="奖励", name="红旗党支部", approved_on="2024-07-01",
                         level="县（市、区、旗）")
    reward(api, committee, kind="奖励", name="先进党委", approved_on="2025-03-01", level="省级")
    return {"root": root_id, "committee": committee, "east": east, "west": west, "east_city": east_city,
            "west_county": west_county, "before": before}


COMMITTEE = {2024: {"orgs": 2, "org_total": 3, "org_level_3": 1, "org_level_4": 1, "org_level_none": 1},
             2025: {"orgs": 1, "org_total": 1, "org_level_2": 1}}


def test_rewards_count_at_the_organization_its_committee_and_the_root_in_their_years(api, rpc, keyed):
    for year, expected in COMMITTEE.items():
        settled(api, keyed["committee"], year, expected)
        settled(api, keyed["root"], year, plus(keyed["before"][year], expected))
    assert org_cells(api, keyed["east"], 2024) == {"orgs": 1, "org_total": 2, "org_level_3": 1, "org_level_none": 1}
    assert org_cells(api, keyed["west"], 2024) == {"orgs": 1, "org_total": 1, "org_level_4": 1}
    assert org_cells(api, keyed["east"], 2025) == {}
    checks = ok(api.get(f"/orgs/{keyed['committee']}/reports/2024/checks"))
    assert not [f for f in checks["failures"] if f["severity"] == "error"], checks["failures"]
    assert_reconciled(rpc, keyed["committee"])


def test_the_card_shows_the_level_by_name(api, keyed):
    card = ok(api.get(f"/orgs/{keyed['east']}"))
    assert sorted((row["name"], row["level_name"]) for row in card["sanctions"]) == [
        ("五好党支部", None), ("先进基层党组织", "市（地、州、盟）"), ("通报批评", "县（市、区、旗）")]
    history = ok(api.get(f"/orgs/{keyed['east']}/history"))["items"]
    added = next(line for line in history
                 if line["action"] == "sanction_added" and line["note"].endswith("先进基层党组织"))
    assert ("批准机关级别", "市（地、州、盟）") in {(c["label"], c["new_name"]) for c in added["changes"]}, added


def test_a_corrected_reward_moves_and_a_deleted_one_uncounts(api, rpc, keyed):
    settled(api, keyed["committee"], 2024, COMMITTEE[2024])
    # The west branch's 县级 reward was really granted in 2025 by the 省: it leaves 2024 for 2025.
    ok(api.patch(f"/orgs/{keyed['west']}/sanctions/{keyed['west_county']}", json={
        "kind": "奖励", "name": "红旗党支部", "approved_on": "2025-01-15", "approver": "中共某省委",
        "level": "省（区、市）"}))
    settled(api, keyed["committee"], 2024, {"orgs": 1, "org_total": 2, "org_level_3": 1, "org_level_none": 1})
    settled(api, keyed["committee"], 2025, {"orgs": 2, "org_total": 2, "org_level_2": 2})
    assert_reconciled(rpc, keyed["committee"])
    # The east branch's 市级 reward deleted: its other 2024 reward still counts the branch once.
    ok(api.delete(f"/orgs/{keyed['east']}/sanctions/{keyed['east_city']}"))
    settled(api, keyed["committee"], 2024, {"orgs": 1, "org_total": 1, "org_level_none": 1})
    settled(api, keyed["root"], 2024, plus(keyed["before"][2024], {"orgs": 1, "org_total": 1, "org_level_none": 1}))
    assert_reconciled(rpc, keyed["committee"])


def test_the_org_events_delivered_again_and_out_of_order_change_nothing(system, api, rpc, keyed):
    settled(api, keyed["committee"], 2024, {"orgs": 1, "org_total": 1, "org_level_none": 1})
    now = {year: org_cells(api, keyed["committee"], year) for year in (2024, 2025)}
    for org_id in (keyed["east"], keyed["west"]):
        deliver_again(system, "org", outbox_envelopes(system, "org", str(org_id), "org_%"))
    assert {year: org_cells(api, keyed["committee"], year) for year in (2024, 2025)} == now
    assert_reconciled(rpc, keyed["committee"])
