"""校核 rules: required items left empty, and organization types against their members (RULES.md §3)."""
import pytest

from services.org.domain.hierarchy import can_have_children
from services.org.domain.org_check import LOCAL_COMMITTEE, Counts, card_problems, structure_problems, tally
from services.shared.codes import ORG_TYPES


@pytest.mark.parametrize("type_code, counts, messages", [
    ("31", Counts(3, 3, 3), []),
    ("31", Counts(5, 2, 5), ["正式党员2人，不足3人，应设为联合党支部"]),
    ("31", Counts(0, 0, 0), ["党支部没有党员"]),
    ("31", Counts(51, 51, 51), ["党员51人，党支部一般不超过50人，可设党总支"]),
    ("31", Counts(50, 50, 50), []),
    ("32", Counts(2, 2, 2), []),
    ("32", Counts(0, 0, 0), ["党支部没有党员"]),
    ("33", Counts(1, 0, 1), []),
    ("21", Counts(0, 0, 50), []),
    ("21", Counts(0, 0, 100), []),
    ("21", Counts(0, 0, 49), ["党员49人，党总支一般为50至100人（不在此范围须经上级批准）"]),
    ("21", Counts(0, 0, 101), ["党员101人，党总支一般为50至100人（不在此范围须经上级批准）"]),
    ("11", Counts(0, 0, 99), ["党员99人，基层党委一般应有100人以上（不足须经上级批准）"]),
    ("11", Counts(0, 0, 100), []),
    ("12", Counts(0, 0, 1), []),
])
def test_type_against_member_counts(type_code, counts, messages):
    assert [message for _, message in structure_problems(type_code, counts)] == messages


def test_the_root_committee_is_not_held_to_the_grassroots_minimum():
    assert structure_problems("11", Counts(0, 0, 3), is_root=True) == []


def test_a_local_committee_is_not_held_to_the_grassroots_committee_minimum():
    """地方委员会 (县委 under a 市委): few members directly, none of 基层党委's thresholds."""
    assert ORG_TYPES.resolve("县委") == LOCAL_COMMITTEE
    assert structure_problems(LOCAL_COMMITTEE, Counts(0, 0, 30)) == []
    assert structure_problems(LOCAL_COMMITTEE, Counts(0, 0, 0)) == []
    assert can_have_children(LOCAL_COMMITTEE)
    assert structure_problems("11", Counts(0, 0, 30)) != []  # the same counts under 基层党委 are flagged


def test_missing_required_items_are_listed_optional_ones_are_not():
    org = {"name": "支部", "code": "A", "type": "31", "affiliation": "4", "established_on": None,
           "contact_person": "", "contact_phone": "1", "address": None, "postcode": None, "short_name": None}
    assert card_problems(org) == [("established_on", "成立日期未填写（必填项）"),
                                  ("contact_person", "联系人未填写（必填项）")]
    assert card_problems({**org, "name": ""})[0] == ("name", "党组织名称未填写（系统必填项）")


def test_tally_adds_descendants_into_subtree_totals_and_counts_full_members():
    paths = {1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/4/"}
    rows = [{"org_id": 3, "sex": "1", "category": "01", "n": 2}, {"org_id": 3, "sex": "2", "category": "02", "n": 1},
            {"org_id": 2, "sex": "1", "category": "01", "n": 4}, {"org_id": 99, "sex": "1", "category": "01", "n": 7}]
    assert tally(rows, paths, paths) == {1: Counts(0, 0, 7), 2: Counts(4, 4, 7), 3: Counts(3, 2, 3),
                                         4: Counts(0, 0, 0)}


def test_checking_one_organization_still_counts_its_descendants():
    rows = [{"org_id": 9, "category": "01", "n": 5}, {"org_id": 2, "category": "02", "n": 1}]
    assert tally(rows, {9: "/1/2/9/", 2: "/1/2/"}, [2]) == {2: Counts(1, 0, 6)}
