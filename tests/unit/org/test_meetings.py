"""组织生活 records' pure rules: the fields, the future, attendees versus absentees, 党课, a change's
history lines, the reason a locked record needs, signing; the frequency rules and completion."""
from datetime import datetime

import pytest

from services.org.domain import orglife_rules
from services.org.domain.meetings import (
    DRAFT,
    LOCKED,
    MeetingRefused,
    change_refusal,
    differences,
    merged,
    people_counts,
    raw_form,
    sign,
    validate_meeting,
)
from services.shared.field_errors import FieldErrors

NOW = datetime(2026, 5, 20, 10, 0)


def form(**changes) -> dict:
    base = {"kind": "支部党员大会", "held_at": "2026-05-18 14:30", "place": "党员活动室", "host": "张书记",
            "recorder": "李委员", "topic": "学习党章", "content": "一、学习\r\n二、讨论", "attendees": [3, 1, 2],
            "absentees": [{"member_id": 4, "reason": "出差"}], "nonvoting": "王某，赵某"}
    return {**base, **changes}


def errors(data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_meeting(data, NOW)
    return caught.value.fields


def test_a_whole_record_is_normalized():
    record = validate_meeting(form(), NOW)
    assert record["kind"] == "11" and record["held_at"] == datetime(2026, 5, 18, 14, 30)
    assert record["content"] == "一、学习\n二、讨论"
    assert record["attendees"] == [3, 1, 2] and record["absentees"] == [{"member_id": 4, "reason": "出差"}]
    assert record["nonvoting"] == ["王某", "赵某"]


def test_a_meeting_in_the_future_cannot_be_recorded_as_held():
    assert "晚于当前时间" in errors(form(held_at="2026-05-20 10:01"))["held_at"]
    assert validate_meeting(form(held_at="2026-05-20 10:00"), NOW)["held_at"] == NOW


@pytest.mark.parametrize("value, message", [
    ("2026-05-18", "时刻"), ("18/05/2026 14:30", "格式"), ("2026-05-18T14:30+08:00", "不带时区"), (None, "必填"),
    (20260518, "应为文本"), ("1900-01-01 09:00", "过早"),
])
def test_the_time_is_a_local_date_and_time(value, message):
    assert message in errors(form(held_at=value))["held_at"]


def test_every_bad_field_at_once():
    found = errors({"kind": "茶话会", "attendees": [], "absentees": [{"member_id": 9}]})
    assert set(found) >= {"kind", "held_at", "place", "host", "recorder", "topic", "attendees", "absentees"}
    assert "未知" in found["kind"] and "原因" in found["absentees"]


def test_people_are_checked():
    assert "重复" in errors(form(attendees=[1, 1]))["attendees"]
    assert "正整数" in errors(form(attendees=[1, "x"]))["attendees"]
    assert "既出席又缺席" in errors(form(absentees=[{"member_id": 1, "reason": "病假"}]))["absentees"]
    assert "请选择出席" in errors(form(attendees=[]))["attendees"]


def test_inflow_attendees_are_inflow_ids_kept_apart_from_the_rolls():
    record = validate_meeting(form(inflows=[7, 5]), NOW)
    assert record["inflows"] == [7, 5] and record["attendees"] == [3, 1, 2]
    assert validate_meeting(form(), NOW)["inflows"] == []
    # 流入 members alone are an attendance (a meeting of the branch's 流入 members).
    assert validate_meeting(form(attendees=[], absentees=[], inflows=[5]), NOW)["inflows"] == [5]
    assert errors(form(attendees=[], absentees=[], inflows=[]))["attendees"] == "请选择出席的党员"
    assert "流入记录编号" in errors(form(inflows=["x"]))["inflows"]
    assert errors(form(inflows=[5, 5]))["inflows"] == "同一党员不能重复"
    assert "数组" in errors(form(inflows="5"))["inflows"]
    assert errors(form(inflows=list(range(1, 2002))))["inflows"].startswith("人数不能超过")


def test_a_change_of_inflow_attendees_is_a_history_line():
    before = validate_meeting(form(inflows=[5]), NOW)
    after = validate_meeting(merged(raw_form(before), {"inflows": [6, 5]}), NOW)
    assert differences(before, after) == [{"field": "inflows", "label": "出席的流入党员", "old": [5], "new": [5, 6]}]
    assert differences(before, validate_meeting(merged(raw_form(before), {"inflows": [5]}), NOW)) == []


def test_a_lecture_needs_its_speaker_and_title():
    found = errors(form(kind="党课"))
    assert "授课人" in found["speaker"] and "题目" in found["lecture_title"]
    assert validate_meeting(form(kind="14", speaker="张书记", lecture_title="初心"), NOW)["kind"] == "14"


def test_content_may_have_lines_but_no_control_characters():
    assert "控制字符" in errors(form(content="a\x07b"))["content"]
    assert "不能超过" in errors(form(content="字" * 20_001))["content"]


def test_a_change_lists_what_differs_by_label():
    before = validate_meeting(form(), NOW)
    after = validate_meeting(merged(raw_form(before), {"topic": "学习新党章", "attendees": [2, 1, 3], "ignored": 1}),
                             NOW)
    assert differences(before, after) == [{"field": "topic", "label": "主题", "old": "学习党章", "new": "学习新党章"}]
    moved = validate_meeting(merged(raw_form(before), {"kind": "支委会", "held_at": "2026-05-19 09:00"}), NOW)
    lines = {line["field"]: line for line in differences(before, moved)}
    assert lines["kind"]["old"] == "支部党员大会" and lines["kind"]["new"] == "支部委员会"
    assert lines["held_at"]["new"] == "2026-05-19 09:00"


def test_a_locked_record_changes_only_with_a_reason():
    assert change_refusal(LOCKED, None) and change_refusal(LOCKED, "  ")
    assert change_refusal(LOCKED, "补记发言") is None and change_refusal(DRAFT, None) is None


def test_host_and_recorder_sign_then_it_is_locked():
    signed, status = sign({"host": False, "recorder": False}, "host")
    assert status == DRAFT
    signed, status = sign(signed, "recorder")
    assert status == LOCKED
    with pytest.raises(MeetingRefused):
        sign(signed, "host")
    with pytest.raises(FieldErrors):
        sign(signed, "secretary")


def test_the_frequency_rules_and_completion():
    rules = orglife_rules.rules_for(2026)
    assert {kind: rules.required(kind) for kind in ("11", "12", "13", "14", "21", "22", "24", "23", "99")} == {
        "11": 4, "12": 12, "13": 12, "14": 4, "21": 12, "22": 1, "24": 1, "23": 0, "99": 0}
    assert rules.applies_to == {"31", "32"}
    result = orglife_rules.summary(rules, held={"11": 5, "23": 1}, met={"11": 4}, organizations=2)
    assert result["kinds"]["11"] == {"name": "支部党员大会", "held": 5, "required": 8, "met": 4, "completion": 0.5,
                                     "attended": 0, "listed": 0, "attendance": None}
    assert result["kinds"]["23"]["required"] == 0 and result["kinds"]["23"]["completion"] is None
    assert result["required_total"] == 2 * 46 and result["completion"] == round(4 / 92, 4)
    assert orglife_rules.summary(rules, {}, {}, 0)["completion"] is None


def test_attendance_per_kind_and_in_all_comes_from_the_people_counts():
    rules = orglife_rules.rules_for(2026)
    result = orglife_rules.summary(rules, held={"11": 2, "13": 1}, met={"11": 2, "13": 1}, organizations=1,
                                   people={"11": (9, 10), "13": (1, 2)})
    assert (result["kinds"]["11"]["attendance"], result["kinds"]["13"]["attendance"]) == (0.9, 0.5)
    assert (result["attended"], result["listed"], result["attendance"]) == (10, 12, 0.8333)
    assert result["kinds"]["14"]["attendance"] is None


def test_a_records_people_counts_leave_out_inflow_members():
    assert people_counts({"attendees": [1, 2], "absentees": [{"member_id": 3, "reason": "病假"}],
                          "inflows": [7, 8]}) == (2, 3)
    assert people_counts({"attendees": [], "absentees": []}) == (0, 0)


def test_a_rules_file_with_a_wrong_period_is_refused():
    with pytest.raises(ValueError):
        orglife_rules.parse({"version": "x", "title": "t", "effective_from": "2030-01-01", "applies_to": ["31"],
                             "kinds": {"11": {"period": "month", "per_year": 4}}})
