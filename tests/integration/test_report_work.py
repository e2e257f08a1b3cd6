"""Report work in the stats service over RPC, without the gateway: the service checks the
caller's scope itself (the parent decides, not the branch), and simultaneous 直统 of a report
not generated yet make one report with every run in its history."""
from concurrent.futures import ThreadPoolExecutor

from services.shared.context import Caller
from tests.support.helpers import remote_error

YEAR = 2025


def caller_of(rpc, org_id: int) -> Caller:
    return Caller(user_id="42", scope_path=rpc.call("org", "org_path", org_id=org_id)["path"], username="测试员")


def test_the_branch_submits_only_the_parent_decides_and_nobody_outside(rpc, tree):
    branch, parent = caller_of(rpc, tree["one"]), caller_of(rpc, tree["committee"])
    generated = rpc.call("stats", "generate_report", caller=branch, org_id=tree["one"], year=YEAR)
    assert generated["status"] == "draft" and generated["year_end_total"] == 0
    assert rpc.call("stats", "submit_report", caller=branch, org_id=tree["one"], year=YEAR)["status"] == "submitted"
    refused = remote_error(lambda: rpc.call("stats", "accept_report", caller=branch, org_id=tree["one"], year=YEAR))
    assert refused.exc_type == "Forbidden"
    outsider = caller_of(rpc, tree["two"])
    assert remote_error(lambda: rpc.call("stats", "get_report", caller=outsider, org_id=tree["one"],
                                         year=YEAR)).exc_type == "Forbidden"
    accepted = rpc.call("stats", "accept_report", caller=parent, org_id=tree["one"], year=YEAR)
    assert accepted["status"] == "accepted"
    history = rpc.call("stats", "report_history", caller=branch, org_id=tree["one"], year=YEAR)["items"]
    assert [(h["kind"], h["actor_name"]) for h in history] == [
        ("generated", "测试员"), ("submitted", "测试员"), ("accepted", "测试员")]
    assert [h["version"] for h in history] == [1, 2, 3]


def test_simultaneous_generation_makes_one_report(rpc, tree):
    def generate(_):
        return rpc.call("stats", "generate_report", org_id=tree["two"], year=YEAR)["status"]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(generate, range(4))) == ["draft"] * 4
    history = rpc.call("stats", "report_history", org_id=tree["two"], year=YEAR)["items"]
    assert [h["kind"] for h in history] == ["generated"] * 4
    assert sorted(h["version"] for h in history) == [1, 2, 3, 4]
