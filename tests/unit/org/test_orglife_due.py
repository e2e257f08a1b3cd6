"""组织生活's periods, what is due, who is behind and the yearly plan (pure rules)."""
from datetime import date

import pytest

from services.org.domain.meetings import void_reason
from services.org.domain.orglife_rules import (
    current_periods,
    last_periods,
    not_done,
    period_end,
    period_key,
    period_label,
    period_months,
    plan_shortfall,
    plan_template,
    previous_key,
    validate_plan,
)
from services.shared.field_errors import FieldErrors


def test_a_month_belongs_to_its_month_quarter_and_year():
    assert [period_key("month", 3), period_key("quarter", 3), period_key("quarter", 4), period_key("year", 7)] == [
        "M03", "Q1", "Q2", "Y"]
    assert list(period_months("Q2")) == [4, 5, 6] and list(period_months("M11")) == [11]
    assert period_end(2024, "Q1") == date(2024, 3, 31) and period_end(2024, "M02") == date(2024, 2, 29)
    assert period_end(2026, "Y") == date(2026, 12, 31) and period_label(2026, "Q3") == "2026年第3季度"
    with pytest.raises(ValueError):
        period_key("month", 13)


def test_the_last_completed_period_crosses_the_year():
    assert previous_key("month", date(2026, 1, 5)) == (2025, "M12")
    assert previous_key("quarter", date(2026, 2, 1)) == (2025, "Q4")
    assert previous_key("quarter", date(2026, 8, 31)) == (2026, "Q2")
    assert previous_key("year", date(2026, 8, 31)) == (2025, "Y")


def test_due_now_is_each_required_kind_in_its_current_period():
    periods = {p.kind: p for p in current_periods(date(2026, 5, 20))}
    assert set(periods) == {"11", "12", "13", "14", "21", "22", "24"}  # not 民主生活会, 谈心谈话, 其他
    assert (periods["11"].key, periods["12"].key, periods["22"].key) == ("Q2", "M05", "Y")
    assert periods["11"].ends_on == date(2026, 6, 30)
    last = {p.kind: p for p in last_periods(date(2026, 5, 20))}
    assert (last["11"].year, last["11"].key, last["12"].key, last["22"].year) == (2026, "Q1", "M04", 2025)


def test_not_done_counts_the_organizations_still_owing():
    periods = current_periods(date(2026, 5, 20))
    done = {("11", 2026, "Q2"): 3, ("12", 2026, "M05"): 5}
    owing = {item["kind"]: item["organizations"] for item in not_done(periods, done, 5)}
    assert "12" not in owing and owing["11"] == 2 and owing["21"] == 5
    assert not_done(periods, {}, 0) == []  # no branch: nothing is due


def test_the_template_meets_the_frequencies_and_a_gap_is_named():
    template = plan_template(2026)
    assert sum(1 for item in template if item["kind"] == "12") == 12
    assert [item["month"] for item in template if item["kind"] == "11"] == [3, 6, 9, 12]
    assert plan_shortfall(2026, template) == []
    without = [item for item in template if not (item["kind"] == "11" and item["month"] == 6)]
    assert plan_shortfall(2026, without) == [{"kind": "11", "name": "支部党员大会", "missing": ["2026年第2季度"]}]


def test_a_plan_is_checked_item_by_item():
    items = validate_plan([{"kind": "支委会", "month": "3", "topic": " 学习 "},
                           {"kind": "11", "planned_on": "2026-05-04"}], 2026)
    assert items == [{"kind": "12", "month": 3, "planned_on": None, "topic": "学习"},
                     {"kind": "11", "month": 5, "planned_on": "2026-05-04", "topic": ""}]
    with pytest.raises(FieldErrors) as refused:
        validate_plan([{"kind": "茶话会", "month": 1}, {"kind": "11", "planned_on": "2025-05-04"},
                       {"kind": "11", "month": 13}, {"kind": "11"}, "x", {"kind": "11", "month": 4,
                                                                         "planned_on": "2026-05-01"}], 2026)
    message = refused.value.fields["items"]
    for part in ("第1项类型", "第2项日期应在2026年内", "第3项月份应为1–12", "第4项须填写月份或日期", "第5项应为",
                 "第6项月份与日期不一致"):
        assert part in message
    with pytest.raises(FieldErrors):
        validate_plan({"kind": "11"}, 2026)
    with pytest.raises(FieldErrors):
        validate_plan([{"kind": "11", "month": 1}] * 301, 2026)
    with pytest.raises(FieldErrors):
        validate_plan([{"kind": "11", "month": True}], 2026)


def test_voiding_needs_a_reason():
    assert void_reason(" 重复录入 ") == "重复录入"
    for bad in (None, "", "x" * 201, 5):
        with pytest.raises(FieldErrors):
            void_reason(bad)
