"""换届 in the annual report, through the gateway: a branch's election this year (three winners, one
of whom later 离任) shows in 基层党组织换届情况 and 基层党组织班子成员 at the branch and its 党委 (the
党委's branches without an elected committee counted apart); reconcile of the subtree (which
recounts from the org service's terms) is clean; the term's events delivered again and out of
order change nothing; the Excel has the sheets. A failed election recorded for the record changes no
term and no figure. An organization revoked with an open term: the term closes on the revocation
date, its members in office 离任 (组织撤销), and the tables follow. A term corrected (its election
day moved into last year): the rules are checked again, the correction is kept, the members and the
previous term's end move with it, and so do the figures."""
from datetime import date, timedelta
from io import BytesIO

import psycopg
import pytest
from openpyxl import load_workbook

from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for
from tests.support.stats_events import deliver_again, outbox_envelopes

TODAY = date.today()
YEAR = TODAY.year
ELECTED_ON = max(date(YEAR, 1, 1), TODAY - timedelta(days=30))  # this year, whatever the day
TERMS_ZERO = {"orgs": 0, "elected": 0, "appointed": 0, "not_elected": 0, "expiring": 0, "completed_total": 0,
              "completed_1": 0, "completed_2": 0, "completed_3": 0, "completed_first": 0, "overdue": 0,
              "postponed": 0}
COMMITTEES_ZERO = {"total": 0, **{f"post_0{n}": 0 for n in range(1, 10)}, "how_1": 0, "how_2": 0, "how_3": 0}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def people(api, org_id: int, prefix: str, n: int) -> list[int]:
    return [ok(api.post("/members", json=member_data(org_id, name=f"{prefix}{i}")), 201)["id"] for i in range(n)]


def tables(api, org_id: int, year: int = YEAR) -> dict:
    report = ok(api.get(f"/orgs/{org_id}/reports/{year}"))
    return {t["key"]: t["rows"][0]["cells"] for t in report["tables"] if t["key"] in ("terms", "committees")}


def settled(api, org_id: int, expected: dict, year: int = YEAR) -> None:
    wait_for(lambda: tables(api, org_id, year), lambda found: found == expected, timeout=30,
             what=f"the 换届 tables of {org_id} in {year}")


@pytest.fixture(scope="module")
def counted(system, api, root_id):
    orgs = {"P": create_org(api, root_id, "换届统计党委", "党委")}
    orgs["B"] = create_org(api, orgs["P"], "换届统计第一支部")
    orgs["S"] = create_org(api, orgs["P"], "换届统计第二支部")
    b = people(api, orgs["B"], "换届统计甲", 7)
    term = ok(api.post(f"/orgs/{orgs['B']}/terms", json={
        "elected_on": ELECTED_ON.isoformat(), "method": "党员大会选举", "election": {
            "entitled": 7, "present": 7, "seats": 3, "candidates": [
                {"member_id": b[0], "votes": 7, "post": "书记"}, {"member_id": b[1], "votes": 6, "post": "组织委员"},
                {"member_id": b[2], "votes": 5, "post": "宣传委员"}, {"member_id": b[3], "votes": 1}]}}), 201)
    row = next(m for m in term["members"] if m["member_id"] == b[2])
    ok(api.post(f"/terms/{term['id']}/members/{row['id']}/leave",
                json={"date": TODAY.isoformat(), "reason": "工作调动"}))
    branch = {"terms": {**TERMS_ZERO, "orgs": 1, "elected": 1, "completed_total": 1, "completed_1": 1,
                        "completed_first": 1},
              "committees": {**COMMITTEES_ZERO, "total": 2, "post_01": 1, "post_03": 1, "how_1": 2}}
    expected = {"B": branch, "P": {"terms": {**branch["terms"], "orgs": 3, "not_elected": 2},
                                   "committees": branch["committees"]}}
    return orgs, term, expected


def test_an_election_this_year_counts_at_the_branch_and_above_and_reconcile_is_clean(api, rpc, counted):
    orgs, _, expected = counted
    for name in ("B", "P"):
        settled(api, orgs[name], expected[name])
    last_year = tables(api, orgs["P"], YEAR - 1)
    assert last_year["terms"]["elected"] == 0 and last_year["committees"]["total"] == 0
    result = rpc.call("stats", "reconcile", org_id=orgs["P"])
    assert result["total_differences"] == 0, result["differences"]


def test_the_excel_export_has_the_tables(api, counted):
    orgs, _, expected = counted
    settled(api, orgs["P"], expected["P"])
    response = api.get(f"/orgs/{orgs['P']}/reports/{YEAR}.xlsx")
    assert response.status_code == 200, response.text
    book = load_workbook(BytesIO(response.content))
    sheet = book["基层党组织换届情况"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "本年底届满未换届" in values and "党员大会选举" in values
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"]
    assert rows and list(rows[0][1:1 + len(TERMS_ZERO)]) == [expected["P"]["terms"][key] for key in TERMS_ZERO]
    assert "书记" in [cell for row in book["基层党组织班子成员"].iter_rows(values_only=True) for cell in row]


def test_the_term_events_again_and_out_of_order_change_nothing(system, api, rpc, counted):
    orgs, term, expected = counted
    settled(api, orgs["P"], expected["P"])
    envelopes = [e for e in outbox_envelopes(system, "org", str(term["id"]))
                 if e["type"] in ("term_opened", "committee_changed")]
    assert [e["type"] for e in envelopes] == ["term_opened", "committee_changed"]
    assert envelopes[0]["payload"]["committee"] and envelopes[1]["payload"]["committee"]
    deliver_again(system, "org", envelopes)
    for name in ("B", "P"):
        settled(api, orgs[name], expected[name])
    assert rpc.call("stats", "reconcile", org_id=orgs["P"])["total_differences"] == 0


def test_a_failed_election_is_recorded_for_the_record_and_changes_no_term_or_figure(system, api, counted):
    orgs, term, expected = counted
    b = [m["member_id"] for m in sorted(term["members"], key=lambda m: m["post"])]  # the three elected
    events_before = len(outbox_envelopes(system, "org", str(term["id"])))
    failing = {"elected_on": TODAY.isoformat(), "method": "党员大会选举", "election": {
        "entitled": 7, "present": 5, "seats": 3, "candidates": [
            {"member_id": b[0], "votes": 2}, {"member_id": b[1], "votes": 2}, {"member_id": b[2], "votes": 1}]}}
    # Without record_failed it is refused (here first as a 换届 years early) and nothing is written …
    assert_error(api.post(f"/orgs/{orgs['B']}/terms", json=failing), 422)
    assert ok(api.get(f"/orgs/{orgs['B']}/terms"))["failed_elections"] == []
    # … with it, it is kept with every reason, and the term stays.
    recorded = ok(api.post(f"/orgs/{orgs['B']}/terms", json={**failing, "record_failed": True}), 201)
    assert recorded["failed"] is True and recorded["number"] is None and recorded["members"] == []
    assert len(recorded["reasons"]) == 3 and "五分之四" in recorded["reasons"][0]
    found = ok(api.get(f"/orgs/{orgs['B']}/terms"))
    assert found["current"]["id"] == term["id"] and found["history"] == []
    [kept] = found["failed_elections"]
    assert kept["id"] == recorded["id"] and kept["held_on"] == TODAY.isoformat()
    assert kept["method_name"] == "党员大会选举"
    assert kept["reasons"] == recorded["reasons"] and kept["election"]["present"] == 5
    assert all(c["name"] and not c["elected"] for c in kept["election"]["candidates"])
    # An election that stands is not recorded as failed; a bad flag is a field error.
    valid = {**failing["election"], "present": 7, "seats": 2, "candidates": [
        {"member_id": b[0], "votes": 7}, {"member_id": b[1], "votes": 6}, {"member_id": b[2], "votes": 1}]}
    error = assert_error(api.post(f"/orgs/{orgs['B']}/terms", json={**failing, "election": valid,
                                                                     "record_failed": True}), 422)
    assert "符合各项规定" in error["message"]
    assert "record_failed" in assert_error(api.post(f"/orgs/{orgs['B']}/terms", json={
        **failing, "record_failed": "maybe"}), 400)["fields"]
    assert len(ok(api.get(f"/orgs/{orgs['B']}/terms"))["failed_elections"]) == 1
    assert len(outbox_envelopes(system, "org", str(term["id"]))) == events_before  # no event: nothing to count
    for name in ("B", "P"):
        settled(api, orgs[name], expected[name])


def test_revoking_an_organization_closes_its_open_term(system, api, rpc, root_id):
    parent = create_org(api, root_id, "换届撤销党委", "党委")
    branch = create_org(api, parent, "换届撤销支部")
    secretary, deputy = people(api, branch, "换届撤销", 2)
    term = ok(api.post(f"/orgs/{branch}/terms", json={
        "elected_on": ELECTED_ON.isoformat(), "method": "党员大会选举",
        "members": [{"member_id": secretary, "post": "书记"}, {"member_id": deputy, "post": "副书记"}]}), 201)
    settled(api, parent, {"terms": {**TERMS_ZERO, "orgs": 2, "elected": 1, "not_elected": 1, "completed_total": 1,
                                    "completed_1": 1, "completed_first": 1},
                          "committees": {**COMMITTEES_ZERO, "total": 2, "post_01": 1, "post_02": 1, "how_1": 2}})
    version = ok(api.get(f"/orgs/{branch}"))["version"]
    # A date before the term began is refused, and nothing changes.
    early = (ELECTED_ON - timedelta(days=1)).isoformat()
    error = assert_error(api.post(f"/orgs/{branch}/revoke", json={"date": early, "reason": "撤并",
                                                                  "version": version}), 422)
    assert "撤销日期不能早于本届" in error["message"]
    assert ok(api.get(f"/orgs/{branch}/terms"))["current"]["id"] == term["id"]
    # The members leave the rolls (their posts end by the member events); the deputy's event is
    # still on its way when the organization is revoked (its post reopened here to stand for that).
    for member_id in (secretary, deputy):
        member = ok(api.get(f"/members/{member_id}"))
        ok(api.post(f"/members/{member_id}/leave", json={"kind": "死亡", "date": TODAY.isoformat(), "reason": "病故",
                                                         "version": member["version"]}))
    wait_for(lambda: ok(api.get(f"/orgs/{branch}/terms"))["current"]["members"],
             lambda members: all(m["left_on"] for m in members), what="the posts to end by the member events")
    with psycopg.connect(plain_dsn(system)) as pg:
        pg.execute("UPDATE org.committee_members SET left_on = NULL, leave_reason = NULL "
                   "WHERE term_id = %s AND member_id = %s", (term["id"], deputy))
    ok(api.post(f"/orgs/{branch}/revoke", json={"date": TODAY.isoformat(), "reason": "撤并", "version": version}))
    found = ok(api.get(f"/orgs/{branch}/terms"))
    assert found["current"] is None and [t["id"] for t in found["history"]] == [term["id"]]
    closed = found["history"][0]
    assert closed["closed_on"] == TODAY.isoformat()
    reasons = {m["member_id"]: (m["left_on"], m["leave_reason"]) for m in closed["members"]}
    assert reasons[deputy] == (TODAY.isoformat(), "组织撤销") and reasons[secretary][1].startswith("党籍变化")
    settled(api, parent, {"terms": {**TERMS_ZERO, "orgs": 1, "not_elected": 1, "completed_total": 1,
                                    "completed_1": 1, "completed_first": 1},
                          "committees": COMMITTEES_ZERO})
    assert rpc.call("stats", "reconcile", org_id=parent)["total_differences"] == 0


def test_correcting_a_term_rechecks_the_rules_keeps_the_history_and_moves_the_figures(system, api, rpc, root_id):
    last = YEAR - 1
    parent = create_org(api, root_id, "换届更正党委", "党委")
    branch = create_org(api, parent, "换届更正支部")
    secretary, deputy = people(api, branch, "换届更正", 2)
    first = ok(api.post(f"/orgs/{branch}/terms", json={  # 届满 on 1 March this year
        "elected_on": f"{YEAR - 3}-03-01", "method": "党员大会选举",
        "members": [{"member_id": secretary, "post": "书记"}]}), 201)
    second = ok(api.post(f"/orgs/{branch}/terms", json={
        "elected_on": ELECTED_ON.isoformat(), "method": "党员大会选举",
        "members": [{"member_id": secretary, "post": "书记"}, {"member_id": deputy, "post": "副书记"}]}), 201)
    committees = {**COMMITTEES_ZERO, "total": 2, "post_01": 1, "post_02": 1, "how_1": 2}
    settled(api, parent, {"terms": {**TERMS_ZERO, "orgs": 2, "elected": 1, "not_elected": 1, "expiring": 1,
                                    "completed_total": 1, "completed_1": 1}, "committees": committees})
    version = ok(api.get(f"/orgs/{branch}/terms"))["current"]["version"]
    clerk = staff_client(system, api, branch, "gzjc")
    try:
        # Refused, and nothing written: not after the previous term's election, a length not allowed, no
        # reason, a stale version, the 批复 by the organization itself, the first term past the second.
        url = f"/terms/{second['id']}/correction"
        refusals = [
            (api.post(url, json={"elected_on": f"{YEAR - 3}-03-01", "reason": "录入错误", "version": version}), 422,
             "应晚于上一届"),
            (api.post(url, json={"term_years": 4, "reason": "录入错误", "version": version}), 422, "任期应为"),
            (api.post(url, json={"term_years": 5, "version": version}), 400, "reason"),
            (api.post(url, json={"term_years": 5, "reason": "录入错误", "version": version - 1}), 409, "已被他人修改"),
            (clerk.post(url, json={"approval_no": "组字1号", "reason": "补录"}), 403, "上级党组织"),
            (api.post(f"/terms/{first['id']}/correction", json={"elected_on": ELECTED_ON.isoformat(),
                                                                 "reason": "录入错误"}), 422, "应早于下一届")]
        for response, status, words in refusals:
            error = assert_error(response, status)
            assert words in error["message"] + str(error.get("fields")), error
        assert ok(api.get(f"/orgs/{branch}/terms"))["current"]["version"] == version
        # The second election was in fact held last December: its members and the first term's end move too.
        moved = f"{last}-12-20"
        corrected = ok(clerk.post(url, json={"elected_on": moved, "reason": "选举日期录入错误", "version": version}))
        assert corrected["expires_on"] == f"{last + 3}-12-20"
        assert corrected["changes"] == [{"field": "elected_on", "label": "选举（指派）日期",
                                         "old": ELECTED_ON.isoformat(), "new": moved}]
    finally:
        clerk.close()
    found = ok(api.get(f"/orgs/{branch}/terms"))
    current, [previous] = found["current"], found["history"]
    assert current["elected_on"] == moved and {m["since"] for m in current["members"]} == {moved}
    assert previous["closed_on"] == moved and [m["left_on"] for m in previous["members"]] == [moved]
    [kept] = current["corrections"]
    assert kept["reason"] == "选举日期录入错误" and kept["changes"] == corrected["changes"] and kept["actor_name"]
    # The second election now counts last year, and the first term no longer ends in its 届满 year.
    settled(api, parent, {"terms": {**TERMS_ZERO, "orgs": 2, "elected": 1, "not_elected": 1},
                          "committees": committees})
    settled(api, parent, {"terms": {**TERMS_ZERO, "orgs": 2, "elected": 1, "not_elected": 1, "completed_total": 1,
                                    "completed_1": 1}, "committees": committees}, last)
    assert rpc.call("stats", "reconcile", org_id=parent)["total_differences"] == 0
