"""整建制转移's pure rules: the input, the targets refused, the route (as 省内, from the moving
organization's parent) and whether the report counts it (not inside one 基层党委)."""
import pytest

from services.shared.field_errors import FieldErrors
from services.transfer.domain.route import chain, counted_move, whole_org_route, whole_org_target_problem
from services.transfer.domain.states import allowed_actions
from services.transfer.domain.validation import validate_org_apply
from tests.unit.transfer.test_route import ORGS, shape


def org(org_id: int, **overrides) -> dict:
    parent = ORGS[org_id]["path"].rstrip("/").rsplit("/", 2)[-2]
    return {**ORGS[org_id], "parent_id": int(parent) if parent else None, "status": "active", **overrides}


def test_input_needs_a_target_and_a_reason_and_knows_its_fields():
    data = validate_org_apply({"to_parent_id": 7, "reason": "99"})
    assert (data["kind"], data["to_parent_id"], data["reason"], data["valid_days"]) == (
        "whole_org", 7, "99", 30)
    with pytest.raises(FieldErrors) as refused:
        validate_org_apply({"to_parent_id": "x", "reason": " ", "valid_days": 91, "member_id": 3})
    assert set(refused.value.fields) == {"to_parent_id", "reason", "valid_days", "member_id"}
    assert refused.value.fields["reason"] == "必填"
    with pytest.raises(FieldErrors):
        validate_org_apply(["not", "an", "object"])


@pytest.mark.parametrize(("target", "problem"), [
    (None, "新的上级党组织不存在"),
    (org(6), "不能转移到本组织或其下级党组织之下"),
    (org(5), "不能转移到本组织或其下级党组织之下"),
    (org(3), "该党组织已在“党委A”之下"),
    (org(7, status="revoked"), "“党委B”已撤销，不能作为上级党组织"),
    (org(8), "“B1支部”是党支部，不能设立下级党组织"),
    (org(7), None),
])
def test_targets_refused(target, problem):
    assert whole_org_target_problem(org(5), target) == problem


def test_route_from_the_parents_committee_to_the_new_parent():
    # 总支 5 from 党委A (3) to 党委B (7): A approves, B's 接收 is its approval
    assert shape(whole_org_route(chain("/1/2/3/", ORGS), chain("/1/2/7/", ORGS), {})) == [
        (1, 3, "approve", "send", "current"), (2, 7, "receive", "receive", "waiting")]
    # 党委A (3) from 县委 2 to 省委 1 (both 地方委员会): 2 approves, 1 receives
    assert shape(whole_org_route(chain("/1/2/", ORGS), chain("/1/", ORGS), {})) == [
        (1, 2, "approve", "send", "current"), (2, 1, "receive", "receive", "waiting")]


def test_a_move_inside_one_committee_is_not_counted():
    assert counted_move(chain("/1/2/3/", ORGS), chain("/1/2/7/", ORGS), {}) is True
    assert counted_move(chain("/1/2/3/5/", ORGS), chain("/1/2/3/", ORGS), {}) is False  # 总支 → 党委A, same 党委


def test_no_reapply_or_reroute_for_a_whole_organization():
    route = [{"seq": 1, "org_id": 3, "action": "approve", "side": "send", "state": "current"},
             {"seq": 2, "org_id": 7, "action": "receive", "side": "receive", "state": "waiting"}]
    assert allowed_actions("approving", route, "whole_org", True, True) == ["approve", "return", "revoke"]
    assert allowed_actions("returned", route, "whole_org", False, True) == ["revoke"]
