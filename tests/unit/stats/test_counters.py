"""The stats service's pure counting rules: effective-dated contributions, rolled up."""
from collections import Counter

from services.stats.domain.counters import delta, differences, joined_period, member_entries, org_entries, rolled

ACTIVE = {"status": "active", "org_id": 5, "org_path": "/1/5/", "sex": "1", "category": "01", "ethnicity": "01",
          "birth_date": "1985-06-15", "joined_on": "2010-07-01"}


def stock_at(entries: Counter, dimension: str, value: str, year: int) -> int:
    return sum(n for (d, v, y), n in entries.items() if d == dimension and v == value and y <= year)


def test_a_member_counts_from_the_year_joined_and_every_stock_dimension_follows():
    entries = member_entries(ACTIVE)
    assert entries[("total", "", 2010)] == 1 and entries[("increase", "develop", 2010)] == 1
    assert stock_at(entries, "total", "", 2009) == 0 and stock_at(entries, "total", "", 2030) == 1
    assert stock_at(entries, "sex", "1", 2020) == 1 and stock_at(entries, "birth_year", "1985", 2020) == 1
    assert stock_at(entries, "joined_period", "p08", 2020) == 1
    assert stock_at(entries, "education", "", 2020) == 1  # 未填写 until the contract's education arrives
    assert stock_at(entries, "occupation", "", 2020) == 1


def test_a_member_who_left_counts_for_the_years_they_belonged_and_for_leaving():
    left = {**ACTIVE, "status": "left", "leave_kind": "10", "left_on": "2024-12-20"}
    entries = member_entries(left)
    assert stock_at(entries, "total", "", 2023) == 1
    assert stock_at(entries, "total", "", 2024) == 0  # a death on 12-20 leaves that year's total
    assert entries[("decrease", "death", 2024)] == 1
    expelled = member_entries({**left, "leave_kind": "22"})
    assert expelled[("decrease", "expel", 2024)] == 1 and expelled[("expel", "22", 2024)] == 1
    assert member_entries({**ACTIVE, "status": "left", "left_on": None}) == Counter()


def test_a_stopped_membership_restored_later_is_a_gap_between_a_decrease_and_a_restore():
    restored = {**ACTIVE, "category": "01", "full_on": "2011-07-01", "absences": [["30", "2024-05-01", "2026-03-01"]]}
    entries = member_entries(restored)
    for dimension, value in (("total", ""), ("sex", "1"), ("category", "01"), ("birth_year", "1985")):
        assert [stock_at(entries, dimension, value, year) for year in (2023, 2024, 2025, 2026)] == [1, 0, 0, 1]
    assert entries[("decrease", "suspend", 2024)] == 1 and entries[("increase", "restore", 2026)] == 1
    assert entries[("increase", "develop", 2010)] == 1  # joining is counted once, in its own year


def test_a_return_in_the_year_of_leaving_leaves_the_year_end_alone_and_counts_both():
    entries = member_entries({**ACTIVE, "absences": [["10", "2025-02-01", "2025-02-20"]]})
    assert [stock_at(entries, "total", "", year) for year in (2024, 2025, 2026)] == [1, 1, 1]
    assert entries[("decrease", "death", 2025)] == 1 and entries[("increase", "other", 2025)] == 1


def test_a_member_away_twice_and_gone_now_counts_each_absence_and_the_leave():
    facts = {**ACTIVE, "status": "left", "leave_kind": "21", "left_on": "2026-06-01",
             "absences": [["30", "2018-01-10", "2019-04-01"], ["30", "2021-03-01", "2022-08-01"]]}
    entries = member_entries(facts)
    assert [stock_at(entries, "total", "", year) for year in range(2017, 2027)] == [1, 0, 1, 1, 0, 1, 1, 1, 1, 0]
    assert entries[("decrease", "suspend", 2018)] == entries[("decrease", "suspend", 2021)] == 1
    assert entries[("increase", "restore", 2019)] == entries[("increase", "restore", 2022)] == 1
    assert entries[("decrease", "expel", 2026)] == 1 and entries[("expel", "21", 2026)] == 1


def test_probation_then_full_membership_by_the_date_made_full():
    entries = member_entries({**ACTIVE, "category": "01", "full_on": "2011-07-01"})
    assert stock_at(entries, "category", "02", 2010) == 1 and stock_at(entries, "category", "01", 2010) == 0
    assert stock_at(entries, "category", "02", 2011) == 0 and stock_at(entries, "category", "01", 2011) == 1
    still = member_entries({**ACTIVE, "category": "02", "joined_on": "2025-03-01"})
    assert stock_at(still, "category", "02", 2026) == 1


def test_education_buckets_and_evaluations():
    entries = member_entries({**ACTIVE, "education": "80", "evaluations": {"2023": "1", "2024": "3"}})
    assert stock_at(entries, "education", "70", 2020) == 1  # 小学 is reported under 初中及以下
    assert entries[("evaluation", "1", 2023)] == 1 and entries[("evaluation", "3", 2024)] == 1


def test_joined_periods_split_on_the_report_dates():
    assert joined_period("1937-07-06") == "p01" and joined_period("1937-07-07") == "p02"
    assert joined_period("1949-09-30") == "p03" and joined_period("2022-11-01") == "p11"
    assert joined_period(None) == ""


def test_an_organization_counts_by_type_while_it_exists():
    org = {"id": 5, "path": "/1/5/", "type": "31", "status": "active", "established_on": "2001-01-01"}
    assert org_entries(org) == Counter({("org_type", "31", 2001): 1})
    revoked = org_entries({**org, "status": "revoked", "revoked_on": "2020-05-01"})
    assert revoked == Counter({("org_type", "31", 2001): 1, ("org_type", "31", 2020): -1})
    assert org_entries({**org, "status": "deleted"}) == Counter()
    assert org_entries({**org, "established_on": None}) == Counter({("org_type", "31", 0): 1})


def test_entries_are_counted_at_every_organization_on_the_path():
    counted = rolled(Counter({("total", "", 2010): 1}), "/1/5/23/")
    assert counted == Counter({(1, "total", "", 2010): 1, (5, "total", "", 2010): 1, (23, "total", "", 2010): 1})


def test_a_move_between_organizations_subtracts_there_and_adds_here():
    old = rolled(member_entries(ACTIVE), "/1/5/")
    new = rolled(member_entries({**ACTIVE, "org_id": 6, "org_path": "/1/6/"}), "/1/6/")
    change = delta(old, new)
    assert change[(5, "total", "", 2010)] == -1 and change[(6, "total", "", 2010)] == 1
    assert (1, "total", "", 2010) not in change  # the common ancestor keeps the member
    assert delta(old, old) == {}


def test_differences_name_each_key_with_both_figures():
    expected = Counter({(5, "total", "", 2010): 2, (5, "sex", "1", 2010): 2})
    actual = Counter({(5, "total", "", 2010): 2, (5, "sex", "1", 2010): 1, (6, "total", "", 2011): 1})
    assert differences(expected, actual) == [
        {"org_id": 5, "dimension": "sex", "value": "1", "year": 2010, "expected": 2, "actual": 1},
        {"org_id": 6, "dimension": "total", "value": "", "year": 2011, "expected": 0, "actual": 1},
    ]


def test_a_member_keyed_in_by_inbound_counts_from_the_arrival_not_as_a_develop():
    """线下转入: the stock starts in the year of arrival; the 转入 is the transfer fact's."""
    from services.stats.domain.counters import member_entries
    facts = {"status": "active", "sex": "1", "category": "01", "joined_on": "2010-07-01", "birth_date": "1985-01-01",
             "arrived_on": "2026-05-20"}
    entries = member_entries(facts)
    assert entries[("total", "", 2026)] == 1 and entries[("total", "", 2010)] == 0
    assert not [key for key in entries if key[0] == "increase"]


def test_back_after_a_transfer_out_is_no_other_increase():
    """A kind-40 absence ends by a 线下转入, counted by its transfer fact."""
    from services.stats.domain.counters import member_entries
    facts = {"status": "active", "sex": "1", "category": "01", "joined_on": "2010-07-01", "birth_date": "1985-01-01",
             "absences": [["40", "2024-03-01", "2026-05-20"]]}
    entries = member_entries(facts)
    assert entries[("total", "", 2024)] == -1 and entries[("total", "", 2026)] == 1
    assert entries[("increase", "other", 2026)] == 0 and entries[("decrease", "other", 2024)] == 0


# --- 找回 and 回退 (docs/REPORT_TABLES.md "找回 and 回退") -----------------------------------------

def returned(kind: str, left_on: str = "2025-03-01", back_on: str = "2025-09-01") -> Counter:
    return member_entries({**ACTIVE, "absences": [[kind, left_on, back_on]]})


def test_a_return_counts_restore_after_a_stop_or_an_expulsion_way_and_other_after_a_death():
    for kind, decrease in (("30", "suspend"), ("25", "expel"), ("21", "expel")):
        entries = returned(kind)
        assert entries[("decrease", decrease, 2025)] == 1 and entries[("increase", "restore", 2025)] == 1, kind
        assert entries[("increase", "other", 2025)] == 0, kind
    death = returned("10")
    assert death[("decrease", "death", 2025)] == 1 and death[("increase", "other", 2025)] == 1
    assert death[("increase", "restore", 2025)] == 0


def test_a_return_after_a_transfer_out_is_the_transfers_and_counts_no_increase_here():
    entries = returned("40")
    assert not [key for key in entries if key[0] in ("increase", "decrease") and key[1] != "develop"]


def test_an_undone_leave_leaves_no_trace_and_the_stock_comes_back_without_an_increase():
    """回退 of a mistaken death: the member's facts are again those before the leave (no absence:
    the undone change is in none), so the change between the counted states is exactly the
    leave's contribution taken back — no decrease, no increase, the year end as before."""
    died = member_entries({**ACTIVE, "status": "left", "leave_kind": "10", "left_on": "2025-05-01"})
    taken_back = delta(died, member_entries({**ACTIVE, "absences": []}))
    assert taken_back[("decrease", "death", 2025)] == -1 and taken_back[("total", "", 2025)] == 1
    assert not [key for key in taken_back if key[0] == "increase"]
    counted = Counter(died)
    counted.update(taken_back)
    assert +counted == +member_entries(ACTIVE)  # as if the death had never been keyed in


def test_return_increase_is_the_one_rule_for_counters_and_name_lists():
    from services.shared.codes import return_increase, return_kinds
    assert [return_increase(kind) for kind in ("10", "21", "25", "30", "40")] == [
        "other", "restore", "restore", "restore", None]
    assert return_kinds("other") == ["10"] and "30" in return_kinds("restore") and "25" in return_kinds("restore")
