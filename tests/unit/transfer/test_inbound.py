"""线下转入's pure rules: who keys in, the route from the keyer, the input, what the keyer may do."""
import pytest

from services.shared.field_errors import FieldErrors
from services.transfer.domain.route import KEYER, RouteProblem, chain, compute_inbound_route, keying_org
from services.transfer.domain.states import Refused, allowed_actions, require_reapply
from services.transfer.domain.validation import validate_inbound

from .test_route import ORGS, shape


def inbound(to_id: int, scope: str, rights=None):
    to_chain = chain(ORGS[to_id]["path"], ORGS)
    keyer = keying_org(to_chain, scope, rights or {})
    return compute_inbound_route(keyer, to_chain, rights or {})


def test_a_county_keys_in_then_the_receiving_committee_approves_and_the_branch_receives():
    assert shape(inbound(8, "/1/2/")) == [(1, 2, "approve", "send", "skipped"),
                                          (2, 7, "approve", "receive", "current"),
                                          (3, 8, "receive", "receive", "waiting")]


def test_the_receiving_committee_keying_in_itself_leaves_only_the_branch_receive():
    assert shape(inbound(8, "/1/2/7/")) == [(1, 7, "approve", "send", "skipped"),
                                            (2, 8, "receive", "receive", "current")]


def test_a_committee_as_target_receives_as_its_approval():
    assert shape(inbound(7, "/1/2/")) == [(1, 2, "approve", "send", "skipped"),
                                          (2, 7, "receive", "receive", "current")]


def test_the_system_scope_keys_in_as_the_nearest_approver():
    assert shape(inbound(6, "/"))[0] == (1, 3, "approve", "send", "skipped")


@pytest.mark.parametrize("scope, rights", [("/1/2/7/8/", {}), ("/1/2/", {2: False}), ("/9/", {})])
def test_without_rights_or_off_the_chain_nobody_keys_in(scope, rights):
    with pytest.raises(RouteProblem) as refused:
        inbound(8, scope, rights)
    assert refused.value.field == KEYER and "审批权" in refused.value.message


def test_the_input_is_checked_field_by_field():
    with pytest.raises(FieldErrors) as bad:
        validate_inbound({"to_org_id": "x", "letter_no": " ", "from_kind": "月球", "from_text": "",
                          "dues_paid_to": "2026-13", "member": []})
    assert set(bad.value.fields) == {"to_org_id", "letter_no", "from_kind", "from_text", "dues_paid_to", "member"}
    with pytest.raises(FieldErrors):
        validate_inbound(["not", "an", "object"])
    good = validate_inbound({"to_org_id": "8", "letter_no": " 冀0012 ", "from_kind": "跨省",
                             "from_text": "某县委组织部", "member": {"name": "张三"}})
    assert (good["to_org_id"], good["letter_no"], good["from_kind"], good["reason"], good["dues_paid_to"]) == (
        8, "冀0012", "cross_province", "99", None)


def test_an_inbound_is_neither_reissued_nor_rerouted():
    steps = inbound(8, "/1/2/")
    actions = allowed_actions("approving", steps, "inbound", covers_current=True, covers_sender=True)
    assert "revoke" in actions and not {"reapply", "reroute"} & set(actions)
    assert "reapply" not in allowed_actions("returned", steps, "inbound", False, True)
    with pytest.raises(Refused):
        require_reapply("returned", "inbound")
