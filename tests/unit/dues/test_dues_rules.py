"""The dues rules are versioned data: the version in force in a due's month applies, a second
file changing a rate changes results without code, and a malformed file is refused at load."""
import json
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain import VERSIONS, Account, Base, Branch, Month, load, monthly_due, rules_for, statement
from services.dues.domain.rules import RULES_DIR, parse


def rules_2008() -> dict:
    return json.loads((RULES_DIR / "rules_2008.json").read_text(encoding="utf-8"))


def test_the_2008_version_has_every_kind_with_a_source():
    rules = rules_for(Month(2024, 1))
    assert rules.version == "2008" and rules.effective_from == Month(2008, 4)
    assert set(rules.kinds) == {"employed", "annual_salary", "self_employed", "retired", "farmer", "student",
                                "unemployed", "relief", "subsistence"}
    assert all(kind.source.startswith("RULES.md §1") for kind in rules.kinds.values())
    assert (rules.large_dues_min, rules.lapse_months, rules.report_months) == (Decimal("1000.00"), 6, 3)


def test_a_month_before_the_first_version_is_computed_by_it():
    assert rules_for(Month(2001, 1)) is VERSIONS[0]


def test_a_second_version_file_changes_a_rate_without_code(tmp_path):
    newer = rules_2008()
    newer.update(version="2030", title="测试用新规定", effective_from="2030-01")
    newer["bracket_tables"]["pay"]["brackets"][-1]["rate"] = "0.025"
    newer["kinds"]["student"]["fixed"] = {"min": "0.50", "max": "0.50"}
    for version in (rules_2008(), newer):
        (tmp_path / f"rules_{version['version']}.json").write_text(json.dumps(version), encoding="utf-8")
    versions = load(tmp_path)
    before = monthly_due("employed", Decimal("20000.00"), Month(2029, 12), versions)
    after = monthly_due("employed", Decimal("20000.00"), Month(2030, 1), versions)
    assert (before.amount, before.rule_version) == (Decimal("400.00"), "2008")
    assert (after.amount, after.rule_version, after.bracket[-4:]) == (Decimal("500.00"), "2030", "2.5%")
    assert monthly_due("student", None, Month(2030, 1), versions).amount == Decimal("0.50")
    # one base across the change: each month by the version in force in it
    book = Account(date(2020, 1, 1), [Base("employed", Decimal("20000.00"), Month(2020, 1))])
    rows = statement(book, Branch(Month(2029, 11)), Month(2030, 2), versions=versions).months
    assert [(str(r.month), r.due, r.standard.rule_version) for r in rows] == [
        ("2029-11", Decimal("400.00"), "2008"), ("2029-12", Decimal("400.00"), "2008"),
        ("2030-01", Decimal("500.00"), "2030"), ("2030-02", Decimal("500.00"), "2030")]


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["bracket_tables"]["pay"]["brackets"][0].update(rate="1.5"), "outside"),
    (lambda d: d["bracket_tables"]["pay"]["brackets"][1].update(up_to="2000.00"), "ascend"),
    (lambda d: d["bracket_tables"]["pay"]["brackets"][-1].update(up_to="20000.00"), "only the last"),
    (lambda d: d["bracket_tables"]["pay"]["brackets"][0].update(up_to="3000.005"), "two decimals"),
    (lambda d: d["kinds"]["employed"].update(table="salary"), "unknown table"),
    (lambda d: d["kinds"]["employed"].update(base="horoscope"), "unknown base"),
    (lambda d: d["kinds"]["farmer"].update(fixed={"min": "1.00", "max": "0.20"}), "min <= max"),
    (lambda d: d["kinds"]["student"].update(table="pay"), "either a table or a fixed"),
    (lambda d: d["kinds"]["student"].update(colour="red"), "unknown keys"),
    (lambda d: d.update(mood="calm"), "unknown keys"),
    (lambda d: d["rounding"].update(mode="up_to_taste"), "rounding mode"),
])
def test_a_malformed_version_is_refused_at_load(change, problem):
    data = rules_2008()
    change(data)
    with pytest.raises(ValueError, match=problem):
        parse(data)


def test_two_versions_from_one_month_are_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"rules_{name}.json").write_text(json.dumps(rules_2008()), encoding="utf-8")
    with pytest.raises(ValueError, match="same month"):
        load(tmp_path)
