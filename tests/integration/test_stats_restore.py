"""停止党籍 and its restoration (找回) through the member service's real RPCs, as the annual report
counts them: the decrease in the year membership was stopped, 恢复党籍 in the year it was
restored, the member in no year end between — and 回退 of the restoration takes it all back.
The audit's name lists (名单) follow the same status changes; student members aged 46 or over
are flagged with theirs."""
from datetime import date

import pytest

from tests.support.helpers import remote_error, wait_for

from ..support.factories import id_number, member_data


def t1(rpc, org_id: int, year: int) -> dict:
    return rpc.call("stats", "counted_report", org_id=org_id, year=year)["tables"][0]["rows"][0]["cells"]


def figures(rpc, org_id: int) -> dict:
    return {year: t1(rpc, org_id, year) for year in (2023, 2024, 2025)}


@pytest.fixture
def member(rpc, tree) -> dict:
    member_id = rpc.call("member", "create_member", data=member_data(tree["one"], joined_on="2015-07-01"))["id"]
    return rpc.call("member", "get_member", member_id=member_id)


def test_a_restored_member_is_a_decrease_then_a_restore_with_a_gap_between(rpc, tree, member):
    committee = tree["committee"]
    wait_for(lambda: t1(rpc, committee, 2023)["year_end"], lambda n: n == 1, what="the member counted")
    rpc.call("member", "leave_member", member_id=member["id"],
             data={"kind": "停止党籍", "date": "2024-03-01", "reason": "长期失联"})
    restored = rpc.call("member", "restore_member", member_id=member["id"],
                        data={"date": "2025-06-01", "reason": "恢复党籍"})
    # Both events: two ingesters compete, so the restoration can be counted before the leave.
    shown = wait_for(lambda: figures(rpc, committee),
                     lambda f: f[2025]["increase_restore"] == 1 and f[2024]["decrease_suspend"] == 1,
                     what="the leave and the restoration counted")
    assert names(rpc, committee, 2024, "suspended") == [(member["id"], "2024-03-01")]
    assert names(rpc, committee, 2025, "restored") == [(member["id"], "2025-06-01")]
    assert names(rpc, committee, 2025, "suspended") == [] and names(rpc, tree["two"], 2024, "suspended") == []
    notes = [f for f in rpc.call("stats", "get_report", org_id=committee, year=2025)["checks"]["failures"]
             if f["rule"] == "name_list"]
    assert [(f["list"], f["severity"]) for f in notes] == [("restored", "note")]
    assert [shown[year]["year_end"] for year in (2023, 2024, 2025)] == [1, 0, 1]
    assert shown[2024]["decrease_suspend"] == 1 and shown[2024]["difference"] == 0
    assert shown[2025]["year_start"] == 0 and shown[2025]["increase_total"] == 1 and shown[2025]["difference"] == 0

    rpc.call("member", "undo_status_change", member_id=member["id"], data={"version": restored["version"]})
    shown = wait_for(lambda: figures(rpc, committee), lambda f: f[2025]["increase_restore"] == 0,
                     what="the restoration taken back")
    assert [shown[year]["year_end"] for year in (2023, 2024, 2025)] == [1, 0, 0]
    assert shown[2024]["decrease_suspend"] == 1
    assert names(rpc, committee, 2025, "restored") == []  # taken back: off the list too


def names(rpc, org_id: int, year: int, kind: str) -> list:
    return [(m["id"], m["on"]) for m in
            rpc.call("member", "report_name_list", org_id=org_id, year=year, kind=kind)["items"]]


def test_students_aged_46_or_over_are_flagged_with_their_list(rpc, tree):
    year = date.today().year
    born = date(year - 46, 12, 31)  # 46 at this year end
    student = rpc.call("member", "create_member", data=member_data(
        tree["one"], id_number=id_number(born), joined_on="2010-07-01"))["id"]
    version = rpc.call("member", "get_member", member_id=student)["version"]
    rpc.call("member", "add_info_row", member_id=student, info_set="work_posts",
             data={"occupation": "学生", "started_on": "2020-09-01", "version": version})
    flagged = wait_for(lambda: [f for f in rpc.call("stats", "get_report", org_id=tree["committee"], year=year)
                                ["checks"]["failures"] if f["rule"] == "older_students"], bool,
                       what="the older student flagged")
    assert flagged[0]["message"] == "学生党员中46岁及以上的有1名，请逐一核实其职业是否仍为学生"
    assert flagged[0]["list"] == "older_students" and flagged[0]["severity"] == "warning"
    assert names(rpc, tree["committee"], year, "older_students") == [(student, born.isoformat())]
    assert names(rpc, tree["committee"], year - 1, "older_students") == []  # 45 at last year's end
    error = remote_error(lambda: rpc.call("member", "report_name_list", org_id=tree["committee"], year=year,
                                          kind="everyone"))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == {"kind": "名单类别无效"}
