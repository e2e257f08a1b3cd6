"""Bases in bulk (domain/bulk_bases): the 党费基数表's rows matched to the branch's members and
judged — every refusal a Chinese reason on its row —, the month and kind as sheets write them,
and the 年度核定 entries (all judged, reasons keyed by member)."""
import pytest

from services.dues.domain import Month
from services.dues.domain.bulk_bases import (
    NOT_ON_ROLLS,
    Identity,
    check_reset,
    check_sheet,
    kind_of,
    sheet_month,
    was_reset,
)

ROSTER = {"11010519491231002X": Identity(1, "张三", "11010519491231002X"),
          "110105194912310037": Identity(2, "李四", "110105194912310037"),
          "110105194912310045": Identity(3, "王五", "110105194912310045", problem="该党员缺少入党日期，无法计算党费")}


def row(number, name="张三", id_number="11010519491231002X", kind="在职", amount="5000", from_month="2026-01", **more):
    return {"row": number, "name": name, "id_number": id_number, "kind": kind, "amount": amount,
            "from_month": from_month, **more}


@pytest.mark.parametrize("text, kind", [("在职", "employed"), ("离退休", "retired"), ("退休", "retired"),
                                        ("在职（税后月工资）", "employed"), ("student", "student"),
                                        (" 低保 ", "subsistence"),
                                        ("农民", "farmer"), ("个体经营", "self_employed")])
def test_kinds_by_name_alias_or_key(text, kind):
    assert kind_of(text) == kind


@pytest.mark.parametrize("text, message", [("", "请填写党费类别"), ("工人", "应为：在职、"), (None, "请填写党费类别")])
def test_unknown_kinds_are_refused_naming_the_choices(text, message):
    with pytest.raises(ValueError, match=message):
        kind_of(text)


@pytest.mark.parametrize("text, month", [("2026-01", Month(2026, 1)), ("2026-1", Month(2026, 1)),
                                         ("2026/03", Month(2026, 3)), ("2026年12月", Month(2026, 12)),
                                         ("2026-05-01", Month(2026, 5)),  # a cell Excel took for a date
                                         ("2026-05-01T00:00:00", Month(2026, 5)), ("2026.7", Month(2026, 7))])
def test_months_as_sheets_write_them(text, month):
    assert sheet_month(text) == month


@pytest.mark.parametrize("text", ["2026-13", "26-01", "一月", "2026", "2026-01-01x", "1900-01"])
def test_months_that_are_not_months_are_refused(text):
    with pytest.raises(ValueError):
        sheet_month(text)


def test_a_sheet_matched_and_judged_row_by_row():
    checked = check_sheet([
        row(2),  # 5000 在职: 1%
        row(3, "李四", "110105194912310037", "学生", ""),  # a fixed amount, no base
        row(4, "王五", "110105194912310045"),  # no 入党日期 in the dues service
        row(5, "赵六", "110105194912310053"),  # not a member of the branch
        row(6, "张四", "110105194912310037"),  # the name is not theirs
        row(7, id_number=""),
    ], ROSTER)
    assert [(v["row"], v["member_id"], v["monthly_due"], v["from_month"]) for v in checked.valid] == [
        (2, 1, "50.00", "2026-01"), (3, 2, "0.20", "2026-01")]
    assert "1%" in checked.valid[0]["bracket"] and checked.valid[0]["amount"] == "5000.00"
    reasons = {e["row"]: (e["field"], e["message"]) for e in checked.errors}
    assert reasons == {4: ("id_number", "该党员缺少入党日期，无法计算党费"),
                       5: ("id_number", NOT_ON_ROLLS),
                       6: ("name", "姓名与公民身份号码不符（名册中为“李四”）"),
                       7: ("id_number", "请填写公民身份号码")}


def test_one_base_per_member_per_import():
    checked = check_sheet([row(2), row(3, amount="6000"), row(4, "李四", "110105194912310037")], ROSTER)
    assert [v["row"] for v in checked.valid] == [4]
    assert {e["row"] for e in checked.errors} == {2, 3}
    assert all("出现2次（第2、3行）" in e["message"] for e in checked.errors)


@pytest.mark.parametrize("values, field, words", [
    ({"kind": "", "amount": ""}, "kind", "未填写党费类别和交纳基数"),
    ({"kind": "工人"}, "kind", "党费类别应为"),
    ({"amount": "-1"}, "amount", "交纳基数"),
    ({"amount": "=1+1"}, "amount", "交纳基数"),
    ({"amount": ""}, "amount", "请填写"),
    ({"amount": "0.50"}, "amount", "过小"),  # its 0.5% rounds to nothing
    ({"kind": "农民", "amount": "2"}, "amount", "0.20到1.00"),
    ({"from_month": ""}, "from_month", "请填写起始月份"),
    ({"from_month": "2026-13"}, "from_month", "格式应为"),
    ({"sheet_problems": {"id_number": "公民身份号码被存为数字"}}, "id_number", "被存为数字"),
])
def test_each_refusal_says_why_in_chinese(values, field, words):
    checked = check_sheet([row(2, **values)], ROSTER)
    assert checked.valid == []
    (error,) = checked.errors
    assert (error["row"], error["field"], error["name"]) == (2, field, "张三") and words in error["message"]


def test_id_numbers_match_whatever_the_case_of_x():
    assert [v["member_id"] for v in check_sheet([row(2, id_number="11010519491231002x")], ROSTER).valid] == [1]


def test_bracket_boundaries_hold_in_the_sheet():
    checked = check_sheet([row(2, amount="3000"), row(3, "李四", "110105194912310037", amount="3000.01")], ROSTER)
    assert [v["monthly_due"] for v in checked.valid] == ["15.00", "30.00"]


def test_a_base_is_reset_for_a_year_by_one_applying_from_a_month_of_it():
    assert was_reset([Month(2025, 6), Month(2026, 1)], 2026)
    assert was_reset([Month(2026, 9)], 2026)
    assert not was_reset([Month(2025, 12)], 2026) and not was_reset([], 2026)


def test_reset_entries_keep_the_current_kind_and_start_in_january():
    judged, errors = check_reset([{"member_id": 1, "amount": "8000"}, {"member_id": 2, "kind": "student"},
                                  {"member_id": 3, "amount": "4000", "from_month": "2026-03"}],
                                 {1: "employed", 3: "retired"}, Month(2026, 1))
    assert errors == {}
    assert [(e["member_id"], e["kind"], e["from_month"], e["monthly_due"]) for e in judged] == [
        (1, "employed", "2026-01", "120.00"), (2, "student", "2026-01", "0.20"), (3, "retired", "2026-03", "20.00")]


def test_reset_entries_are_refused_each_with_its_reason():
    judged, errors = check_reset([{"member_id": 1, "amount": "abc"}, {"member_id": 2, "amount": "5000"},
                                  {"member_id": 4, "amount": "1"}, {"member_id": 4, "amount": "2"},
                                  {"member_id": 5, "amount": "100", "kind": "工人"}, {"member_id": "x"},
                                  {"member_id": 6, "kind": "在职", "amount": "100", "from_month": "2026-1x"}],
                                 {1: "employed"}, Month(2026, 1))
    assert [e["member_id"] for e in judged] == []
    assert set(errors) == {"1", "2", "4", "5", "bases[5]", "6"}
    assert "交纳基数" in errors["1"] and errors["2"] == "该党员尚无基数，请选择党费类别"
    assert "出现多次" in errors["4"] and errors["5"].startswith("党费类别应为") and errors["6"].startswith("起始月份")
    with pytest.raises(ValueError, match="至少"):
        check_reset([], {}, Month(2026, 1))
