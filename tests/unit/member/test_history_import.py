"""The 党籍变动历史表 (数据迁移), pure: each row read (kind, date, 减少类型, 说明) and judged against the
member in date order — an imported 入党 moves the date later rows may not precede, nothing follows a
减少, a row imported before is refused — every refused row with its Chinese reason."""
from datetime import date

import pytest

from services.member.domain import history_import as rules
from services.member.domain.history_import import ALREADY, Known, Line, judge, read_row, recorded_of

TODAY = date(2026, 6, 15)
MEMBER = Known(7, "张三", "active", "01", date(1990, 3, 7), date(2012, 7, 1), date(2013, 7, 1))


def raw(kind="转入", day="2015-03-01", leave_kind="", note=""):
    return {"row": 2, "kind": kind, "date": day, "leave_kind": leave_kind, "note": note}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), TODAY)
    return caught.value.fields


def test_rows_read_with_names_and_aliases():
    assert read_row(raw(note="原XX支部"), TODAY) == Line("moved_in", date(2015, 3, 1), None, "原XX支部")
    assert read_row(raw(kind="减少", leave_kind="死亡"), TODAY) == Line("left", date(2015, 3, 1), "10", None)
    assert read_row(raw(kind="转为正式党员", day="2013/07/01"), TODAY).kind == "full"


@pytest.mark.parametrize("given,field,says", [
    ({"kind": ""}, "kind", "请填写变动类型"), ({"kind": "调动"}, "kind", "入党、转正"),
    ({"day": "2015-02-30"}, "date", "变动日期"), ({"day": "2027-01-01"}, "date", "不能晚于今天"),
    ({"kind": "减少"}, "leave_kind", "须填写减少类型"), ({"kind": "减少", "leave_kind": "调走"}, "leave_kind", "死亡"),
    ({"leave_kind": "死亡"}, "leave_kind", "只有变动类型为减少"), ({"note": "长" * 201}, "note", "200"),
    ({"kind": "减少", "leave_kind": "开除党籍"}, "note", "出党须在说明中填写原因"),
    ({"kind": "减少", "leave_kind": "组织关系转出"}, "leave_kind", "死亡")])
def test_a_bad_field_is_named(given, field, says):
    assert says in problems(**given)[field]


def reasons(known, *lines):
    return {row_no: problem for row_no, _, problem in judge(known, list(enumerate(lines, start=2)))}


def test_rows_are_judged_in_date_order_against_the_member():
    found = reasons(MEMBER,
                    Line("moved_out", date(2011, 1, 1)),  # before 入党
                    Line("joined", date(2010, 7, 1)),  # moves 入党 earlier: the row above is now fine
                    Line("moved_in", date(2014, 1, 1), note="原支部"),
                    Line("left", date(2020, 1, 1), "10"),
                    Line("moved_in", date(2021, 1, 1)))  # after the 减少
    assert found[2] is None and found[3] is None and found[4] is None and found[5] is None
    assert "减少（2020-01-01）之后" in found[6]


def test_the_rules_refuse_what_the_member_cannot_have():
    found = reasons(MEMBER, Line("moved_in", date(2011, 1, 1)), Line("joined", date(2007, 1, 1)),
                    Line("joined", date(2014, 1, 1)))
    assert "不能早于入党日期（2012-07-01）" in found[2]
    assert "未满18周岁" in found[3] and "晚于转正日期" in found[4]
    probationary = Known(8, "李四", "active", "02", date(1990, 1, 1), date(2025, 7, 1))
    found = reasons(probationary, Line("full", date(2026, 1, 1)), Line("left", date(2026, 2, 1), "25", "决定"))
    assert "预备党员" in found[2] and found[3] is None
    gone = Known(9, "王五", "left", "01", date(1960, 1, 1), date(1990, 1, 1))
    found = reasons(gone, Line("left", date(2000, 1, 1), "10"), Line("left", date(2001, 1, 1), "25", "x"))
    assert "已不在册" in found[2]
    assert "取消预备党员资格只适用于预备党员" in reasons(MEMBER, Line("left", date(2020, 1, 1), "25", "x"))[2]


def test_one_of_each_once_and_a_row_imported_before_is_refused():
    found = reasons(MEMBER, Line("full", date(2013, 7, 1)), Line("full", date(2013, 8, 1)))
    assert found[2] is None and "只能有一行“转正”" in found[3]
    line = Line("moved_in", date(2015, 3, 1), note="原支部")
    known = Known(**{**MEMBER.__dict__, "recorded": recorded_of([[line.change()]])})
    assert reasons(known, line)[2] == ALREADY
    assert reasons(known, Line("moved_in", date(2015, 3, 2)))[2] is None  # another day is another change


def test_the_history_line_reads_as_a_person_wants():
    change = Line("left", date(2020, 1, 1), "10", "病故").change()
    assert (change["label"], change["new"], change["date"]) == ("减少", "2020-01-01 死亡 病故", "2020-01-01")
    assert Line.of(Line("moved_out", date(2019, 5, 1), None, "去XX").plain()) == Line("moved_out", date(2019, 5, 1),
                                                                                    None, "去XX")


def test_a_member_in_history_takes_no_change_after_leaving():
    gone = Known(9, "王五", "left", "01", date(1960, 1, 1), date(1990, 1, 1), left_on=date(2020, 1, 1))
    found = reasons(gone, Line("moved_in", date(2015, 1, 1)), Line("moved_out", date(2021, 1, 1)))
    assert found[2] is None and "减少（2020-01-01）之后" in found[3]
