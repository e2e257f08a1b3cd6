"""The 组织生活采集表 (数据迁移), pure: a row read into 记录组织生活's form — attendees and absentees by
name found on the organization's roster (unknown, shared or repeated names refused, an absentee
without a reason refused), every other column checked by validate_meeting under its own name."""
from datetime import datetime

import pytest

from services.org.domain import meeting_import as rules
from services.org.domain.meeting_import import absentees, names, read_row

NOW = datetime(2026, 6, 15, 12, 0)
ROSTER = {"张三": [1], "李四": [2], "王五": [3], "赵六": [4, 5]}


def raw(**given):
    row = {"row": 2, "org_code": "B01", "kind": "支部党员大会", "held_at": "2024-03-05 15:00", "place": "党员活动室",
           "host": "张三", "recorder": "李四", "topic": "学习", "speaker": "", "lecture_title": "",
           "attendees": "张三、李四", "absentees": "王五（外出）", "nonvoting": "", "content": "", "decisions": ""}
    return {**row, **given}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), ROSTER, NOW)
    return caught.value.fields


def test_names_and_absentees_are_split():
    assert names("张三、李四，王五,赵六\n") == ["张三", "李四", "王五", "赵六"]
    assert absentees("王五（外出）、李四(病假)") == [("王五", "外出"), ("李四", "病假")]
    with pytest.raises(ValueError, match="须注明原因"):
        absentees("王五")


def test_a_row_reads_as_the_form_of_a_meeting():
    data = read_row(raw(), ROSTER, NOW)
    assert (data["kind"], data["held_at"]) == ("11", datetime(2024, 3, 5, 15, 0))
    assert data["attendees"] == [1, 2] and data["absentees"] == [{"member_id": 3, "reason": "外出"}]
    assert rules.raw_of(rules.plain(data))["held_at"] == "2024-03-05 15:00"


def test_each_problem_under_its_column():
    assert "不在本组织党员名册中" in problems(attendees="张三、钱七")["attendees"]
    assert "有多名“赵六”" in problems(attendees="张三、赵六")["attendees"]
    assert problems(attendees="张三、张三")["attendees"] == "出席党员中有重复的姓名"
    assert "须注明原因" in problems(absentees="王五")["absentees"]
    assert "既在出席党员中又在缺席党员中" in problems(absentees="张三（病假）")["absentees"]
    assert problems(attendees="")["attendees"] == "请选择出席的党员"
    found = problems(kind="座谈", held_at="2024-03-05", place="", topic="")
    assert set(found) == {"kind", "held_at", "place", "topic"}
    assert "开始的时刻" in found["held_at"]
    assert "尚未召开" in problems(held_at="2027-01-01 09:00")["held_at"]
    assert set(problems(kind="党课")) == {"speaker", "lecture_title"}
