"""The route: sending 党委 → receiving 党委 → target, by approval rights (docs/TRANSFERS.md)."""
import pytest

from services.transfer.domain.route import RouteProblem, chain, compute_route

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


def test_an_organization_missing_from_the_directory_is_named():
    with pytest.raises(RouteProblem, match="缺少"):
        chain("/1/2/99/", ORGS)
