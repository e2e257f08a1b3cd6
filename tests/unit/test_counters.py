"""The stats service's pure counting rules."""
from collections import Counter

from services.stats.domain.counters import delta, differences, expected_counters, summarize

ACTIVE = {"status": "active", "org_id": 5, "sex": "1", "category": "01"}


def test_a_new_member_adds_one_to_each_dimension_of_its_organization():
    assert delta(None, ACTIVE) == {(5, "total", ""): 1, (5, "sex", "1"): 1, (5, "category", "01"): 1}


def test_a_move_between_organizations_subtracts_there_and_adds_here():
    moved = {**ACTIVE, "org_id": 6, "category": "02"}
    assert delta(ACTIVE, moved) == {(5, "total", ""): -1, (5, "sex", "1"): -1, (5, "category", "01"): -1,
                                    (6, "total", ""): 1, (6, "sex", "1"): 1, (6, "category", "02"): 1}


def test_an_unchanged_state_changes_nothing_and_a_member_who_left_counts_nowhere():
    assert delta(ACTIVE, dict(ACTIVE)) == {}
    assert delta(ACTIVE, {**ACTIVE, "status": "left"}) == {(5, "total", ""): -1, (5, "sex", "1"): -1,
                                                           (5, "category", "01"): -1}
    assert delta(None, None) == {}


def test_summary_and_recount():
    rows = [("total", "", 3), ("sex", "1", 2), ("sex", "2", 1), ("category", "01", 3)]
    assert summarize(rows) == {"total": 3, "by_sex": {"1": 2, "2": 1}, "by_category": {"01": 3}}
    expected = expected_counters([{"org_id": 5, "sex": "1", "category": "01", "n": 2}])
    assert expected == Counter({(5, "total", ""): 2, (5, "sex", "1"): 2, (5, "category", "01"): 2})


def test_differences_name_each_key_with_both_figures():
    expected = Counter({(5, "total", ""): 2, (5, "sex", "1"): 2})
    actual = Counter({(5, "total", ""): 2, (5, "sex", "1"): 1, (6, "total", ""): 1})
    assert differences(expected, actual) == [
        {"org_id": 5, "dimension": "sex", "value": "1", "expected": 2, "actual": 1},
        {"org_id": 6, "dimension": "total", "value": "", "expected": 0, "actual": 1},
    ]
