import pytest

from services.member.domain.org_rolls import allows

EMPTY = {"active": 0, "history": 0, "applicants": 0, "deleted_applicants": 0}


@pytest.mark.parametrize("doing", ["revoke", "delete"])
def test_an_empty_organization_may_go(doing):
    assert allows(EMPTY, doing)


@pytest.mark.parametrize("who", ["active", "applicants"])
@pytest.mark.parametrize("doing", ["revoke", "delete"])
def test_anyone_on_its_rolls_or_waiting_keeps_it(who, doing):
    assert not allows({**EMPTY, who: 1}, doing)


@pytest.mark.parametrize("who", ["history", "deleted_applicants"])
def test_history_keeps_it_from_deletion_only(who):
    assert allows({**EMPTY, who: 3}, "revoke")
    assert not allows({**EMPTY, who: 1}, "delete")
