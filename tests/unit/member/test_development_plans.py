"""发展计划 (domain/development_plans.py) and 导入发展纪实 rows (domain/development_import.py): the
plan's input, the plan-versus-actual rows and totals (nested plans not added twice), what a
history row must be, and that order and time limits are left to the 工作督查."""
from datetime import date

import pytest

from services.member.domain.development import Applicant, violations
from services.member.domain.development_import import STEPS, Known, filled_person, import_order, read_row
from services.member.domain.development_plans import (
    Counts,
    completion,
    counts_of,
    named_outcome,
    parse_plan,
    parse_year,
    plan_vs_actual,
)
from services.shared.field_errors import FieldErrors

TODAY = date(2025, 6, 1)


def test_plan_year_and_numbers():
    assert parse_year("2025", TODAY) == 2025 and parse_year(2026, TODAY) == 2026
    for bad in ("1999", "2027", "20x5", True, None, "", 2025.0):
        with pytest.raises(FieldErrors):
            parse_year(bad, TODAY)
    assert parse_plan({"members": "3", "activists": 5, "candidates": 4, "named": ["7", 8], "note": " 说明 "}) == {
        "members": 3, "activists": 5, "candidates": 4, "named": [7, 8], "note": "说明"}
    with pytest.raises(FieldErrors) as refused:
        parse_plan({"members": -1, "activists": True, "named": [1, 1], "colour": "红", "note": "x" * 501})
    assert set(refused.value.fields) == {"members", "activists", "candidates", "named", "colour", "note"}
    with pytest.raises(FieldErrors):
        parse_plan({"members": 1, "activists": 1, "candidates": 1, "named": list(range(1, 202))})
    with pytest.raises(FieldErrors):
        parse_plan([1, 2])


def test_plan_versus_actual_rows_and_totals():
    root, branch_a, branch_b, general, branch_c = "/1/", "/1/2/", "/1/3/", "/1/4/", "/1/4/5/"
    names = {root: "党委", branch_a: "一支部", branch_b: "二支部", general: "总支", branch_c: "三支部"}
    plan = {"members": 2, "activists": 3, "candidates": 2}
    plans = {branch_a: plan, general: {"members": 1, "activists": 1, "candidates": 1}, branch_c: plan}
    actuals = {branch_a: Counts(4, 3, 1, 1), branch_c: Counts(1, 0, 0, 2), "/9/": Counts(9, 9, 9, 9)}
    rows, total = plan_vs_actual(root, names, plans, actuals)
    assert [r["name"] for r in rows] == ["党委", "一支部", "总支", "三支部"]
    assert rows[0]["plan"] is None and rows[0]["actual"] == {"applied": 5, "activists": 3, "candidates": 1,
                                                             "members": 3}
    assert rows[2]["actual"]["members"] == 2 and rows[2]["depth"] == 1 and rows[3]["depth"] == 2
    assert rows[1]["completion"] == 50 and rows[3]["completion"] == 100
    # 三支部's plan lies inside 总支's: the total plan is 一支部's + 总支's, not three plans.
    assert total["plan"] == {"members": 3, "activists": 4, "candidates": 3} and total["planned_by"] == 2
    assert total["actual"]["members"] == 3 and total["completion"] == 100
    # The root's own plan is the subtree's plan.
    _, own = plan_vs_actual(root, names, {**plans, root: {"members": 6, "activists": 0, "candidates": 0}}, actuals)
    assert own["plan"]["members"] == 6 and own["completion"] == 50 and own["planned_by"] == 1
    _, nothing = plan_vs_actual(root, names, {}, {})
    assert nothing["plan"] is None and nothing["completion"] is None


def test_counting_helpers():
    assert counts_of([("/1/", 1, 0, 0, 0), ("/1/", 0, 1, 1, 1)]) == {"/1/": Counts(1, 1, 1, 1)}
    assert completion(0, 3) is None and completion(3, 1) == 33
    assert named_outcome(2025, "发展对象", date(2025, 3, 1), False) == "已发展"
    assert named_outcome(2025, "发展对象", None, False) == "未发展（发展对象）"
    assert named_outcome(2025, "发展对象", date(2024, 3, 1), False) == "2024年已发展"
    assert named_outcome(2025, "发展对象", None, True) == "已删除"


KNOWN = Known(7, "张三", "activist", False, date(2024, 3, 1), frozenset({("activist", date(2024, 3, 1))}))


def row(**values):
    return {"row": 2, "id_number": "110101199003070011", "name": "张三", "step": "列为发展对象", "date": "2024-05-01",
            **values}


def test_a_history_row():
    step, errors = read_row(row(), KNOWN, TODAY)
    assert errors == {} and step.name == "candidate" and step.on == date(2024, 5, 1)
    step, _ = read_row(row(step="introducers", people="王一、李二"), KNOWN, TODAY)
    assert step.fields == {"introducers": [{"name": "王一"}, {"name": "李二"}]}
    step, _ = read_row(row(step="支部大会讨论接收", entitled="10", present="8", yes="3"), KNOWN, TODAY)
    assert step.fields == {"entitled": 10, "present": 8, "yes": 3}  # short of a majority: the 工作督查 lists it
    step, _ = read_row(row(step="政治审查", passed="不合格"), KNOWN, TODAY)
    assert step.fields == {"passed": False}
    assert STEPS.resolve("talk") == "talk" and STEPS.resolve("上级党委审批") is None


@pytest.mark.parametrize("values, known, field", [
    ({"id_number": ""}, KNOWN, "id_number"),
    ({}, None, "id_number"),
    ({}, Known(7, "张三", "activist", True, None), "id_number"),
    ({}, Known(7, "张三", "probationary", False, None), "id_number"),
    ({"name": "李四"}, KNOWN, "name"),
    ({"step": "上级党委审批"}, KNOWN, "step"),
    ({"step": ""}, KNOWN, "step"),
    ({"date": "2024/05/01"}, KNOWN, "date"),
    ({"date": "2025-06-02"}, KNOWN, "date"),
    ({"date": "2024-02-01"}, KNOWN, "date"),  # before the last recorded step
    ({"step": "activist", "date": "2024-03-01"}, KNOWN, "step"),  # recorded already
    ({"step": "training", "days": "三"}, KNOWN, "days"),
    ({"step": "political_review", "passed": "也许"}, KNOWN, "passed"),
    ({"people": "王一"}, KNOWN, "people"),  # 列为发展对象 names nobody
    ({"note": "x" * 501}, KNOWN, "note"),
])
def test_a_history_row_refused(values, known, field):
    step, errors = read_row(row(**values), known, TODAY)
    assert step is None and field in errors


def test_imported_out_of_order_history_is_found_by_supervision():
    """What the import lets through is what supervision reports: a 发展对象 less than a year after
    the activist decision, one introducer not a full member."""
    steps = [read_row(row(step=s, date=d, **extra), Known(7, "张三", "applicant", False, None), TODAY)[0]
             for s, d, extra in (("talk", "2023-01-20", {}), ("activist", "2023-03-01", {}),
                                 ("candidate", "2023-09-01", {}),
                                 ("introducers", "2023-09-10", {"people": "王一、李二"}))]
    steps[3] = steps[3].__class__(steps[3].name, steps[3].on, {"introducers": [
        filled_person("王一", [{"id": 1, "category": "01", "status": "active"}]), filled_person("李二", [])]})
    found = violations(Applicant(date(2023, 1, 10), "32", date(1990, 3, 7)), sorted(steps, key=import_order), TODAY)
    messages = " ".join(v.message for v in found)
    assert "满1年" in messages and "李二" in messages

