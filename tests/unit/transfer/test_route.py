"""The route: sending 党委 → receiving 党委 → target, by approval rights (docs/TRANSFERS.md)."""
import pytest

from services.shared.errors import Unavailable, ValidationFailed
from services.transfer.domain.route import DirectoryBehind, RouteProblem, chain, compute_route
from services.transfer.planning import route_refusal

# 1 省委 (10) ─ 2 县委 (10) ─ 3 党委A (11) ─ 4 branch A1, 5 总支 (21) ─ 6 branch A51
#                         └ 7 党委B (11) ─ 8 branch B1
ORGS = {
    1: {"id": 1, "path": "/1/", "type": "10", "name": "省委"},
    2: {"id": 2, "path": "/1/2/", "type": "10", "name": "县委"},
    3: {"id": 3, "path": "/1/2/3/", "type": "11", "name": "党委A"},
    4: {"id": 4, "path": "/1/2/3/4/", "type": "31", "name": "A1支部"},
    5: {"id": 5, "path": "/1/2/3/5/", "type": "21", "name": "A5总支"},
    6: {"id": 6, "path": "/1/2/3/5/6/", "type": "31", "name": "A51支部"},
    7: {"id": 7, "path": "/1/2/7/", "type": "11", "name": "党委B"},
    8: {"id": 8, "path": "/1/2/7/8/", "type": "31", "name": "B1支部"},
}


def route(kind, from_id, to_id=None, rights=None, scope=""):
    to_chain = chain(ORGS[to_id]["path"], ORGS) if to_id else None
    return compute_route(kind, chain(ORGS[from_id]["path"], ORGS), to_chain, rights or {}, scope)


def shape(steps):
    return [(s["seq"], s["org_id"], s["action"], s["side"], s["state"]) for s in steps]


def test_within_across_two_committees():
    assert shape(route("within", 4, 8)) == [(1, 3, "approve", "send", "current"),
                                            (2, 7, "approve", "receive", "waiting"),
                                            (3, 8, "receive", "receive", "waiting")]


def test_within_one_committee_has_one_approval():
    assert shape(route("within", 4, 6)) == [(1, 3, "approve", "send", "current"),
                                            (2, 6, "receive", "receive", "waiting")]


def test_a_committee_that_is_the_target_receives_as_its_approval():
    assert shape(route("within", 4, 7)) == [(1, 3, "approve", "send", "current"),
                                            (2, 7, "receive", "receive", "waiting")]


def test_approval_rights_are_data():
    # 党委A loses its rights: the county committee approves for the sender; a general branch may get them
    steps = route("within", 6, 8, rights={3: False, 5: True})
    assert shape(steps)[0] == (1, 5, "approve", "send", "current")
    assert shape(route("within", 4, 8, rights={3: False}))[0][1] == 2


def test_the_committee_applying_itself_skips_its_approval():
    steps = route("within", 4, 8, scope="/1/2/3/")
    assert [s["state"] for s in steps] == ["skipped", "current", "waiting"]
    assert [s["state"] for s in route("within", 4, 8, scope="/1/")] == ["current", "waiting", "waiting"]


def test_between_branches_stays_inside_one_committee():
    assert shape(route("between_branches", 4, 6)) == [(1, 3, "approve", "send", "current"),
                                                      (2, 6, "receive", "receive", "waiting")]
    assert [s["state"] for s in route("between_branches", 4, 6, scope="/1/2/3/")] == ["skipped", "current"]
    with pytest.raises(RouteProblem, match="同一基层党委"):
        route("between_branches", 4, 8)


@pytest.mark.parametrize("kind", ["cross_province", "outside"])
def test_paper_kinds_end_with_the_senders_receipt(kind):
    assert shape(route(kind, 4)) == [(1, 3, "approve", "send", "current"), (2, 3, "receive", "send", "waiting")]


def test_no_approver_above_is_a_clear_refusal():
    with pytest.raises(RouteProblem, match="没有具有审批权"):
        route("within", 4, 8, rights={1: False, 2: False, 3: False})


def test_an_organization_missing_from_the_directory_is_named_as_the_directory_behind():
    with pytest.raises(DirectoryBehind, match="缺少编号为99的党组织，请稍后再试"):
        chain("/1/2/99/", ORGS)
    # 503 "try again" at the API, not the input's fault; a route no rule allows stays a 400
    assert isinstance(route_refusal(DirectoryBehind("x"), "from_org_id"), Unavailable)
    refused = route_refusal(RouteProblem("没有具有审批权的党组织"), "to_org_id")
    assert isinstance(refused, ValidationFailed) and refused.args[1] == {"to_org_id": "没有具有审批权的党组织"}


# 逐级报批 (PMIS_TRANSFER_ROUTE=levels): a wider tree.
# 1 省委 ─ 2 县委 ─ 3 党委A ─ 4 A1
#        │       └ 7 党委B ─ 8 B1
#        └ 20 市委 ─ 21 县委2 ─ 22 党委C (11) ─ 23 C1
#                          └ 24 总支 (21) ─ 25 branch under 县委2's 总支
WIDE = {**ORGS,
        20: {"id": 20, "path": "/1/20/", "type": "10", "name": "市委"},
        21: {"id": 21, "path": "/1/20/21/", "type": "10", "name": "县委2"},
        22: {"id": 22, "path": "/1/20/21/22/", "type": "11", "name": "党委C"},
        23: {"id": 23, "path": "/1/20/21/22/23/", "type": "31", "name": "C1支部"},
        24: {"id": 24, "path": "/1/20/21/24/", "type": "21", "name": "县委2总支"},
        25: {"id": 25, "path": "/1/20/21/24/25/", "type": "31", "name": "总支下支部"}}


def levels_route(from_id, to_id, rights=None, kind="within"):
    return compute_route(kind, chain(WIDE[from_id]["path"], WIDE), chain(WIDE[to_id]["path"], WIDE),
                         rights or {}, "", levels=True)


def test_levels_go_up_to_the_common_ancestor_and_down_again():
    assert shape(levels_route(4, 23)) == [(1, 3, "approve", "send", "current"),
                                          (2, 2, "approve", "send", "waiting"),
                                          (3, 1, "approve", "send", "waiting"),
                                          (4, 20, "approve", "receive", "waiting"),
                                          (5, 21, "approve", "receive", "waiting"),
                                          (6, 22, "approve", "receive", "waiting"),
                                          (7, 23, "receive", "receive", "waiting")]


def test_levels_under_one_county_add_the_county_only():
    assert [s["org_id"] for s in levels_route(4, 8)] == [3, 2, 7, 8]
    assert [s["org_id"] for s in route("within", 4, 8)] == [3, 7, 8]  # the default rule: nearest only


def test_levels_skip_organizations_without_rights_and_never_repeat_the_receiver():
    # the target's nearest approver is 县委2 itself (the 总支 has no rights): it approves once, on its side
    assert [(s["org_id"], s["side"]) for s in levels_route(4, 25)] == [
        (3, "send"), (2, "send"), (1, "send"), (20, "receive"), (21, "receive"), (25, "receive")]
    assert [s["org_id"] for s in levels_route(4, 23, rights={20: False})] == [3, 2, 1, 21, 22, 23]


def test_levels_change_nothing_inside_one_committee_or_on_paper():
    assert [s["org_id"] for s in levels_route(4, 6)] == [3, 6]
    paper = compute_route("outside", chain(WIDE[4]["path"], WIDE), None, {}, "", levels=True)
    assert [s["org_id"] for s in paper] == [3, 3]


def test_the_route_rule_is_a_deployment_setting(monkeypatch):
    from services.transfer.planning import route_levels

    monkeypatch.delenv("PMIS_TRANSFER_ROUTE", raising=False)
    assert route_levels() is False
    monkeypatch.setenv("PMIS_TRANSFER_ROUTE", "levels")
    assert route_levels() is True
    monkeypatch.setenv("PMIS_TRANSFER_ROUTE", "everyone")
    with pytest.raises(ValueError, match="PMIS_TRANSFER_ROUTE"):
        route_levels()
