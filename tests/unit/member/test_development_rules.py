"""The development rules are versioned data: a version file per 细则, the one in force on a
step's date applies, and a new version changes limits without a code change."""
import json

import pytest

from services.member.domain.development import VERSIONS, StepRefused, add_months, load, progress, propose, rules_on
from services.member.domain.development.rules import RULES_DIR, parse
from tests.unit.member.development_history import APPLICANT, TODAY, D, record, step, until

ISSUE_STEPS = ["talk", "activist", "activist_filed", "assessment", "candidate", "candidate_filed", "introducers",
               "political_review", "training", "pre_review", "application_form", "branch_meeting", "higher_talk",
               "approval", "filed"]


def rules_2014() -> dict:
    return json.loads((RULES_DIR / "rules_2014.json").read_text(encoding="utf-8"))


def test_the_2014_version_has_every_step_in_order_with_a_source():
    rules = rules_on(D("2020-01-01"))
    assert rules.version == "2014"
    names = list(rules.steps)
    assert [name for name in names if name in ISSUE_STEPS] == ISSUE_STEPS
    assert {"contacts", "committee_review", "oath", "full_application", "confirm", "extend", "cancel"} <= set(names)
    assert all(rule.source.startswith("RULES.md §2") for rule in rules.steps.values())
    assert [rule.number for rule in rules.steps.values()] == sorted(rule.number for rule in rules.steps.values())
    assert rules.probation.months == 12 and rules.probation.approval_within_months == 3


def test_a_step_before_the_first_version_is_judged_by_it():
    assert rules_on(D("2010-05-01")) is VERSIONS[0]


def test_months_are_calendar_months_clamped_to_the_month_end():
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2024-02-29"), 12) == D("2025-02-28")
    assert add_months(D("2024-11-15"), 3) == D("2025-02-15")


def test_a_second_version_file_changes_limits_without_code(tmp_path):
    newer = rules_2014()
    newer.update(version="2026", title="测试用新版本", effective_from="2026-05-18")
    for rule in newer["steps"]:
        if rule["name"] == "talk":
            rule["deadline"]["months"] = 2
        if rule["name"] == "training":
            rule["checks"]["training"] = {"min_days": 5, "min_hours": 40}
    for version in (rules_2014(), newer):
        (tmp_path / f"rules_{version['version']}.json").write_text(json.dumps(version), encoding="utf-8")
    versions = load(tmp_path)
    assert [v.version for v in versions] == ["2014", "2026"]
    # the talk's deadline follows the version in force when the application came in
    old = progress(APPLICANT, [], D("2024-01-20"), versions)
    assert old.due[0].due_on == D("2024-02-10")
    recent = progress(APPLICANT.__class__(D("2026-06-01"), "31"), [], D("2026-06-02"), versions)
    assert recent.due[0].due_on == D("2026-08-01")
    # a training after the new version's day needs its longer course; before it, the old one
    history = until("training")
    assert record(history + [step("training", "2025-04-10", days=3)], versions=versions).stage == "candidate"
    with pytest.raises(StepRefused, match="不少于5天或40学时"):
        propose(APPLICANT, history, step("training", "2026-06-01", days=3), TODAY, versions)


@pytest.mark.parametrize("change, problem", [
    (lambda s: s.update(checks={"astrology": {}}), "unknown check astrology"),
    (lambda s: s.update(requires={"séance": 1}), "requires unknown step séance"),
    (lambda s: s.update(enters="emperor"), "unknown stage emperor"),
    (lambda s: s.update(deadline={"after": "nowhere", "months": 1}), "unknown anchor nowhere"),
    (lambda s: s.update(color="red"), "unknown keys"),
])
def test_a_version_naming_what_does_not_exist_is_refused_at_load(change, problem):
    data = rules_2014()
    change(data["steps"][0])
    with pytest.raises(ValueError, match=problem):
        parse(data)


def test_two_versions_from_one_day_are_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"rules_{name}.json").write_text(json.dumps(rules_2014()), encoding="utf-8")
    with pytest.raises(ValueError, match="same day"):
        load(tmp_path)
