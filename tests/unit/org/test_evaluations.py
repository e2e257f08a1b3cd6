"""民主评议党员's branch record (pure): its dates, 优秀 at most one third, when it may be closed, its
status and the status of an organization above branches."""
from datetime import date

import pytest

from services.org.domain.evaluations import (
    closing_refusal,
    date_window,
    excellent_over,
    grade_lines,
    record_status,
    roll_up_status,
    validate_record,
    warnings,
)
from services.shared.field_errors import FieldErrors

TODAY = date(2026, 3, 10)


def counts(expected: int, **grades) -> dict:
    by_code = {"1": grades.get("excellent", 0), "2": grades.get("good", 0), "3": grades.get("basic", 0),
               "4": grades.get("poor", 0)}
    return {"expected": expected, "participated": sum(by_code.values()), "grades": by_code}


def test_a_record_needs_a_start_and_may_have_an_end_and_a_note():
    assert validate_record({"started_on": "2025-12-01"}, 2025, TODAY) == {
        "started_on": date(2025, 12, 1), "ended_on": None, "note": None}
    assert validate_record({"started_on": "2025-12-01", "ended_on": "2026-01-15", "note": " 与组织生活会合并 "},
                           2025, TODAY) == {"started_on": date(2025, 12, 1), "ended_on": date(2026, 1, 15),
                                            "note": "与组织生活会合并"}


@pytest.mark.parametrize("data, field, message", [
    ({}, "started_on", "必填"),
    ({"started_on": "2025/12/01"}, "started_on", "YYYY-MM-DD"),
    ({"started_on": "2026-03-11"}, "started_on", "不能晚于今天"),
    ({"started_on": "2024-12-31"}, "started_on", "应在2025-01-01至2026-06-30之间"),
    ({"started_on": "2025-12-01", "ended_on": "2025-11-30"}, "ended_on", "不能早于开展日期"),
    ({"started_on": "2025-12-01", "note": "x" * 501}, "note", "500"),
    ("2025-12-01", "data", "键值对象"),
])
def test_bad_dates_and_notes_are_named_by_field(data, field, message):
    with pytest.raises(FieldErrors) as error:
        validate_record(data, 2025, TODAY)
    assert message in error.value.fields[field]


def test_the_window_runs_to_the_next_june():
    assert date_window(2025) == (date(2025, 1, 1), date(2026, 6, 30))


def test_excellent_may_be_a_third_of_those_evaluated_not_more():
    assert not excellent_over(counts(9, excellent=3, good=6))
    assert excellent_over(counts(9, excellent=4, good=5))
    assert excellent_over(counts(2, excellent=1, good=1))  # 1 of 2 is more than a third
    assert not excellent_over(counts(0))


def test_warnings_name_too_many_excellent_and_members_without_a_grade():
    found = warnings(counts(5, excellent=2, good=2), 2025)
    assert found == ["优秀2人，超过实参评人数（4人）的三分之一（至多1人）", "1名应参评党员尚无2025年度民主评议结果"]
    assert warnings(counts(3, excellent=1, good=2), 2025) == []


def test_a_record_is_closed_only_with_grades_and_excellent_within_a_third():
    closing = {"ended_on": date(2026, 1, 15)}
    assert closing_refusal({"ended_on": None}, counts(5)) is None  # still running: anything goes
    assert "尚无党员的本年度民主评议结果" in closing_refusal(closing, counts(5))
    assert "超过实参评人数（3人）的三分之一" in closing_refusal(closing, counts(3, excellent=2, good=1))
    assert closing_refusal(closing, counts(4, excellent=1, good=2)) is None


def test_status_of_a_branch_and_of_an_organization_above_branches():
    assert record_status(None) == "none"
    assert record_status({"ended_on": None}) == "open" and record_status({"ended_on": "2026-01-15"}) == "done"
    assert roll_up_status(0, 0, 0) is None
    assert roll_up_status(3, 0, 0) == "none" and roll_up_status(3, 2, 1) == "open"
    assert roll_up_status(3, 3, 3) == "done"


def test_grade_lines_keep_the_grades_order():
    assert [(g["name"], g["count"]) for g in grade_lines(counts(3, excellent=1, basic=2))] == [
        ("优秀", 1), ("合格", 0), ("基本合格", 2), ("不合格", 0)]
