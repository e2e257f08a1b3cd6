"""Report work's pure rules: cells and corrections, carrying last year's figure forward, the
checks (校核), the comparison (比对) and 汇总, on fixture tables in the stats report's shape."""
import pytest

from services.shared.field_errors import FieldErrors, RuleViolation
from services.stats.domain.report_cells import (
    anchor,
    apply_correction,
    carry_forward,
    cell_ref,
    explanation,
    totals,
    undoing,
    validate_correction,
    value,
)
from services.stats.domain.report_checks import check
from services.stats.domain.report_compare import compare
from services.stats.domain.report_sum import sum_reports
from services.stats.reports import parent_path
from tests.support.report_fixture import tables


def rules(result, severity=None):
    return [f["rule"] for f in result["failures"] if severity is None or f["severity"] == severity]


# --- cells, corrections, carrying forward ---------------------------------------------------

def test_a_cell_is_named_in_chinese_with_its_anchor():
    ref = cell_ref(tables(), "t1", "total", "increase_develop")
    assert ref["anchor"] == anchor("t1", "total", "increase_develop") == "cell-t1-total-increase_develop"
    assert ref["label"] == "表1（两年党员数综合比较）「合计」行「增加党员·发展党员」"


def test_a_correction_changes_one_cell_recomputes_the_difference_and_keeps_the_input():
    report = tables(year_start=10, develop=2, death=1)
    correction = validate_correction(report, {"table": "t1", "row": "total", "column": "year_end", "value": "12",
                                              "reason": " 补录一名转入党员 "})
    assert correction == {"table": "t1", "row": "total", "column": "year_end", "value": 12,
                          "reason": "补录一名转入党员"}
    corrected, old = apply_correction(report, correction)
    assert old == 11 and value(corrected, "t1", "total", "year_end") == 12
    assert value(corrected, "t1", "total", "difference") == 1
    assert value(report, "t1", "total", "year_end") == 11  # input untouched
    assert totals(corrected) == {"year_start_total": 10, "year_end_total": 12}


@pytest.mark.parametrize("raw, field, message", [
    ({"table": "t9"}, "table", "报表中没有表：t9"),
    ({"row": "men"}, "row", "表1中没有行：men"),
    ({"column": "nope"}, "column", "表1中没有列：nope"),
    ({"column": "difference"}, "column", "「实有数与应有数之差」由公式计算，不能录改"),
    ({"value": -1}, "value", "不能为负数"),
    ({"value": "-3"}, "value", "不能为负数"),
    ({"value": "1.5"}, "value", "应为整数"),
    ({"value": 2.0}, "value", "应为整数"),
    ({"value": True}, "value", "应为整数"),
    ({"value": ""}, "value", "必填"),
    ({"value": 10**9}, "value", "不能超过100000000"),
    ({"reason": "  "}, "reason", "必填：请说明录改原因"),
    ({"reason": None}, "reason", "必填：请说明录改原因"),
    ({"table": 1}, "table", "应为文本"),
])
def test_malformed_corrections_name_the_field(raw, field, message):
    good = {"table": "t1", "row": "total", "column": "year_end", "value": 3, "reason": "更正"}
    with pytest.raises(FieldErrors) as caught:
        validate_correction(tables(), {**good, **raw})
    assert caught.value.fields == {field: message}


def test_a_correction_that_is_not_an_object_is_refused():
    with pytest.raises(FieldErrors):
        validate_correction(tables(), ["t1"])


def correction_entry(entry_id, column, old, new):
    return (entry_id, "corrected", {"table": "t1", "row": "total", "column": column, "old": old, "new": new})


def test_undoing_a_correction_puts_its_cell_back_unless_something_changed_it_since():
    report, _ = apply_correction(tables(develop=2), {"table": "t1", "row": "total", "column": "increase_develop",
                                                     "value": 3})
    history = [(1, "generated", {}), correction_entry(2, "increase_develop", 2, 3)]
    assert undoing(report, history, 2) == {"table": "t1", "row": "total", "column": "increase_develop", "value": 2}
    refusals = [
        (history, 9, "本报表没有这条录改记录"),
        (history + [(3, "correction_undone", {"correction_id": 2})], 2, "这条录改已经撤销"),
        (history + [(3, "generated", {})], 2, "报表在这条录改之后重新生成过，录改已不在报表中，无需撤销"),
    ]
    for entries, target, message in refusals:
        with pytest.raises(RuleViolation) as refused:
            undoing(report, entries, target)
        assert refused.value.message == message
    again, _ = apply_correction(report, {"table": "t1", "row": "total", "column": "increase_develop", "value": 5})
    with pytest.raises(RuleViolation) as refused:
        undoing(again, history + [correction_entry(3, "increase_develop", 3, 5)], 2)
    assert refused.value.message == "该单元格在这条录改之后又有改动（现为5），请先撤销后来的录改"


def test_last_years_submitted_year_end_becomes_this_years_start_and_the_difference_follows():
    report = tables(year_start=10, develop=2, death=1)  # year_end 11
    carried = carry_forward(report, 9)
    assert value(carried, "t1", "total", "year_start") == 9
    assert value(carried, "t1", "total", "difference") == 11 - (9 + 2 - 1)
    assert carry_forward(report, None) == report
    assert value(report, "t1", "total", "year_start") == 10  # input untouched


def test_a_correction_outside_table_1_copies_that_table_and_leaves_the_input_alone():
    """Tables a change does not touch are shared, not copied (a report is read far more often than
    changed): the changed one is a copy, so the input stays as it was."""
    report = tables()
    before = value(report, "t2", "total", "total")
    corrected, old = apply_correction(report, {"table": "t2", "row": "total", "column": "total", "value": before + 3})
    assert old == before and value(corrected, "t2", "total", "total") == before + 3
    assert value(report, "t2", "total", "total") == before


def test_explanation_is_optional_text_with_a_limit():
    assert explanation("  说明 ") == "说明" and explanation(None) == ""
    with pytest.raises(FieldErrors):
        explanation(5)
    with pytest.raises(FieldErrors):
        explanation("长" * 2001)


# --- checks --------------------------------------------------------------------------------

def test_a_consistent_report_passes():
    result = check(tables(), tables(year_start=9, develop=1, death=0))
    assert result == {"passed": True, "errors": 0, "warnings": 0, "failures": []}


def test_a_breakdown_that_does_not_sum_to_its_total_names_every_cell():
    report, _ = apply_correction(tables(develop=2), {"table": "t1", "row": "total", "column": "increase_develop",
                                                     "value": 3, "reason": "x"})
    result = check(report)
    assert not result["passed"]
    failure = next(f for f in result["failures"] if f["rule"] == "sum")
    assert failure["message"] == ("表1（两年党员数综合比较）「合计」行：增加党员合计等于各项增加之和，"
                                  "但「增加党员·合计」为2，各项之和为3（相差-1）")
    assert [c["column"] for c in failure["cells"]] == ["increase_total", "increase_develop", "increase_restore",
                                                        "increase_transfer_in", "increase_other"]


def test_table_one_year_end_must_equal_table_two_total():
    report, _ = apply_correction(tables(), {"table": "t2", "row": "total", "column": "total", "value": 15,
                                            "reason": "x"})
    failures = [f for f in check(report)["failures"] if f["rule"] == "cross_table"]
    assert failures[0]["message"] == "表1「本年底实有党员数」为11，与表2（党员基本情况）「党员总数」15不一致"
    assert [c["anchor"] for c in failures[0]["cells"]] == ["cell-t1-total-year_end", "cell-t2-total-total"]


def test_this_years_start_must_equal_last_years_end():
    result = check(tables(year_start=10), tables(year_start=8, develop=0, death=0))  # last year ended at 8
    failure = next(f for f in result["failures"] if f["rule"] == "year_start")
    assert failure["message"] == "表1「上年底党员总数」为10，与上年报表「本年底实有党员数」8不一致"
    assert failure["severity"] == "error"


def test_a_difference_must_be_explained_and_an_explanation_clears_it():
    report = carry_forward(tables(year_start=10, develop=2, death=1), 9)  # difference 1
    unexplained = check(report)
    assert rules(unexplained, "error") == ["difference"] and not unexplained["passed"]
    assert "须在报表说明中说明原因" in unexplained["failures"][0]["message"]
    assert unexplained["failures"][0]["cells"][0]["anchor"] == "cell-t1-total-difference"
    explained = check(report, explanation="一名党员转正日期补录")
    assert explained["passed"] and rules(explained, "note") == ["difference"]


def test_an_abnormal_change_on_last_year_is_a_warning_until_explained():
    last = tables(year_start=20, develop=0, death=0)  # 20 at the end of last year
    now = tables(year_start=20, develop=10, death=0)  # 30: +50 %, and 10 developed against 0
    result = check(now, last)
    assert result["passed"] and result["warnings"] == 2
    messages = [f["message"] for f in result["failures"]]
    assert "表1「本年底实有党员数」比上年增加10（+50%），变化异常，请在报表说明中说明原因" in messages
    assert "表1「增加党员·发展党员」比上年增加10，变化异常，请在报表说明中说明原因" in messages
    assert check(now, last, "新建两个支部")["warnings"] == 0
    small = tables(year_start=20, develop=4, death=0)  # +4: below the minimum
    assert check(small, last)["warnings"] == 0


def test_restored_and_stopped_memberships_need_their_name_lists():
    result = check(tables(restore=2, suspend=1))
    notes = [f for f in result["failures"] if f["rule"] == "name_list"]
    assert [(f["message"], f["list"], f["severity"]) for f in notes] == [
        ("表1「增加党员·恢复党籍」2名：须附名单（系统已按党籍变动生成）", "restored", "note"),
        ("表1「减少党员·停止党籍」1名：须附名单（系统已按党籍变动生成）", "suspended", "note")]
    assert notes[0]["cells"][0]["anchor"] == "cell-t1-total-increase_restore"
    assert result["passed"] and result["warnings"] == 0
    assert rules(check(tables())) == []


def test_a_return_counted_as_other_increase_points_to_its_name_list():
    notes = [f for f in check(tables(other=1))["failures"] if f["rule"] == "name_list"]
    assert [(f["message"], f["list"]) for f in notes] == [
        ("表1「增加党员·其他」1名：须附名单（系统已按党籍变动生成）", "returned")]


def test_student_members_aged_46_or_over_are_a_warning_with_their_list():
    result = check(tables(), older_students=3)
    assert result["passed"] and result["warnings"] == 1
    assert result["failures"][0]["message"] == "学生党员中46岁及以上的有3名，请逐一核实其职业是否仍为学生"
    assert result["failures"][0]["list"] == "older_students"


# --- comparison and 汇总 ----------------------------------------------------------------------

def test_comparison_puts_last_year_beside_this_year_and_marks_changes():
    result = compare(tables(year_start=10, develop=2, death=1), tables(year_start=9, develop=2, death=1))
    cells = result["tables"][0]["rows"][0]["cells"]
    assert cells["year_end"] == {"this": 11, "last": 10, "change": 1, "changed": True}
    assert cells["increase_develop"] == {"this": 2, "last": 2, "change": 0, "changed": False}
    assert result["has_previous"] and result["changes"] == 4  # year_start, year_end; table 2 total, 61+
    alone = compare(tables(), None)
    assert not alone["has_previous"] and alone["tables"][0]["rows"][0]["cells"]["year_end"]["last"] is None


def test_aggregation_adds_subordinates_to_the_direct_members_cell_by_cell():
    direct = tables(year_start=1, develop=0, death=0)
    first = tables(year_start=10, develop=2, death=1)
    second = carry_forward(tables(year_start=5, develop=1, death=0), 4)  # difference 1 carried up
    summed = sum_reports(direct, [first, second])
    assert value(summed, "t1", "total", "year_start") == 1 + 10 + 4
    assert value(summed, "t1", "total", "year_end") == 1 + 11 + 6
    assert value(summed, "t1", "total", "difference") == 1
    assert value(summed, "t2", "total", "total") == 18
    assert value(direct, "t1", "total", "year_end") == 1  # input untouched
    missing_table = [first[0]]  # an older report without table 2
    assert value(sum_reports(direct, [missing_table]), "t2", "total", "total") == 1


def test_the_parent_of_an_organization_is_the_path_without_its_last_id():
    assert parent_path("/1/5/23/") == "/1/5/"
    assert parent_path("/1/") is None
