"""系统设置 (services/shared/settings.py, docs/SETTINGS.md): defaults, inheritance down the
organization tree, and validation of submitted values."""
import pytest

from services.shared.settings import SETTINGS, SettingProblems, parse_changes, parse_value, resolve, shown

PROVINCE, CITY, COUNTY, BRANCH = 1, 2, 3, 4
BRANCH_PATH = "/1/2/3/4/"


def test_nothing_set_gives_the_code_defaults():
    found = resolve(BRANCH_PATH, [])
    assert found["terms_own_reminder_days"].value == 30 and found["terms_own_reminder_days"].set_at is None
    assert found["terms_higher_reminder_days"].value == 180
    assert found["probation_reminder_days"].value == 30 and found["development_due_days"].value == 30
    assert found["report_date"].value == "12-31"
    assert set(found) == set(SETTINGS)


def test_a_value_set_above_applies_to_the_subtree():
    found = resolve(BRANCH_PATH, [(PROVINCE, "terms_higher_reminder_days", 240)])
    assert found["terms_higher_reminder_days"].value == 240
    assert found["terms_higher_reminder_days"].set_at == PROVINCE
    assert found["terms_own_reminder_days"].value == 30  # another key is untouched


def test_the_lowest_organization_that_sets_it_wins_whatever_the_order():
    rows = [(COUNTY, "probation_reminder_days", 45), (PROVINCE, "probation_reminder_days", 60),
            (CITY, "probation_reminder_days", 50)]
    for ordered in (rows, list(reversed(rows))):
        found = resolve(BRANCH_PATH, ordered)["probation_reminder_days"]
        assert (found.value, found.set_at) == (45, COUNTY)
    assert resolve("/1/2/", rows)["probation_reminder_days"].value == 50  # the city sees its own


def test_values_of_organizations_off_the_path_and_unknown_keys_are_ignored():
    found = resolve(BRANCH_PATH, [(9, "development_due_days", 10), (PROVINCE, "no_such_key", 1),
                                  (22, "development_due_days", 11)])  # 22 is not 2
    assert found["development_due_days"].value == 30 and found["development_due_days"].set_at is None


@pytest.mark.parametrize("key, value, stored", [
    ("terms_own_reminder_days", 45, 45), ("terms_own_reminder_days", " 60 ", 60), ("development_due_days", 0, 0),
    ("terms_higher_reminder_days", "730", 730), ("report_date", "6-30", "06-30"), ("report_date", "12-31", "12-31"),
    ("probation_reminder_days", None, None), ("report_date", "  ", None),
])
def test_good_values(key, value, stored):
    assert parse_value(key, value) == stored


@pytest.mark.parametrize("key, value, message", [
    ("terms_own_reminder_days", 0, "应在1到365天之间"), ("terms_own_reminder_days", 366, "应在1到365天之间"),
    ("probation_reminder_days", -1, "应在1到180天之间"), ("development_due_days", 367, "应在0到366天之间"),
    ("terms_higher_reminder_days", "三十", "应为整数"), ("terms_higher_reminder_days", 30.5, "应为整数"),
    ("terms_higher_reminder_days", True, "应为整数"), ("terms_higher_reminder_days", [30], "应为整数"),
    ("terms_higher_reminder_days", "9" * 5000, "应为整数"), ("terms_higher_reminder_days", "99999", "应在1到730天之间"),
    ("report_date", "02-29", "不是每年都有的日期"), ("report_date", "13-01", "不是每年都有的日期"),
    ("report_date", "12/31", "应为“月-日”，如12-31"), ("report_date", 1231, "应为“月-日”，如12-31"),
    ("report_date", "2025-12-31", "应为“月-日”，如12-31"), ("no_such_key", 1, "没有这项设置"),
])
def test_bad_values_are_refused_with_a_chinese_reason(key, value, message):
    with pytest.raises(ValueError) as refused:
        parse_value(key, value)
    assert str(refused.value) == message


def test_a_change_is_checked_as_a_whole():
    assert parse_changes({"terms_own_reminder_days": 10, "report_date": None}) == {
        "terms_own_reminder_days": 10, "report_date": None}
    with pytest.raises(SettingProblems) as refused:
        parse_changes({"terms_own_reminder_days": 10, "probation_reminder_days": 999, "x": 1})
    assert refused.value.fields == {"probation_reminder_days": "应在1到180天之间", "x": "没有这项设置"}
    assert "预备党员转正提醒" in str(refused.value)
    for empty in ({}, None, [], "text"):
        with pytest.raises(SettingProblems):
            parse_changes(empty)
    with pytest.raises(SettingProblems) as refused:
        parse_changes({f"k{n}": n for n in range(5000)})
    assert refused.value.fields == {"settings": "设置项过多（共5项）"}


def test_values_as_people_read_them():
    assert shown("terms_own_reminder_days", 45) == "45天" and shown("report_date", "06-30") == "06-30"
    assert shown("report_date", None) is None


def test_the_report_date_is_the_roots_only():
    """One report period for the whole deployment (reports sum up the tree): a value stored below the
    root is ignored."""
    found = resolve(BRANCH_PATH, [(PROVINCE, "report_date", "06-30"), (COUNTY, "report_date", "09-30")])
    assert (found["report_date"].value, found["report_date"].set_at) == ("06-30", PROVINCE)
    assert resolve(BRANCH_PATH, [(CITY, "report_date", "09-30")])["report_date"].value == "12-31"
