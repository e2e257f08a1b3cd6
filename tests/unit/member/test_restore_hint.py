"""找回 or 回退: the card points a clerk to 回退 when the leaving looks like a mistaken entry."""
from datetime import date

from services.member.domain.status import RESTORE_MEANING, UNDO_MEANING, restore_hint

TODAY = date(2026, 12, 2)


def leave(kind="30", kind_name="停止党籍", at="2026-11-30T09:00:00+00:00", actor_name="clerk", undone=False):
    return {"action": "leave", "kind": kind, "kind_name": kind_name, "at": at, "actor_name": actor_name,
            "undone": undone}


def test_a_leaving_recorded_this_year_points_to_undo():
    hint = restore_hint(leave(actor_name="other"), TODAY, "clerk")
    assert hint.startswith("该党员的“停止党籍”是other于2026-11-30录入的。")
    assert "请使用“回退”更正" in hint and "会计入年报的党员增加" in hint


def test_a_leaving_recorded_by_the_same_clerk_in_an_earlier_year_points_to_undo():
    hint = restore_hint(leave(at="2024-05-01T09:00:00+00:00"), TODAY, "clerk")
    assert "是您于2024-05-01录入的" in hint


def test_a_death_always_points_to_undo():
    hint = restore_hint(leave("10", "死亡", at="2023-01-05T00:00:00+00:00", actor_name="other"), TODAY, "clerk")
    assert "死亡不会真实恢复" in hint and "回退" in hint


def test_an_old_leaving_by_someone_else_is_a_real_return_without_a_notice():
    assert restore_hint(leave(at="2024-05-01T09:00:00+00:00", actor_name="other"), TODAY, "clerk") is None


def test_no_notice_without_a_leaving_to_take_back():
    assert restore_hint(None, TODAY, "clerk") is None
    assert restore_hint(leave(undone=True), TODAY, "clerk") is None
    assert restore_hint({**leave(), "action": "restore"}, TODAY, "clerk") is None


def test_the_meanings_say_what_each_does_to_the_report():
    assert "不在年报中留下任何记录" in UNDO_MEANING and "更正误录" in UNDO_MEANING
    assert "计入年报的党员增加" in RESTORE_MEANING


def test_an_undone_leave_is_told_from_a_return_by_the_absences():
    from services.member.domain.status import leave_undone

    left = {"status": "left", "leave_kind": "10", "left_on": "2026-05-01", "absences": []}
    assert leave_undone(left, {"status": "active", "absences": []})  # 回退
    assert not leave_undone(left, {"status": "active", "absences": [["10", "2026-05-01", "2026-06-01"]]})  # 找回
    assert not leave_undone({"status": "active", "absences": []}, left)
    assert not leave_undone(None, None)
