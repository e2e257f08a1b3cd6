"""How a member follows a transfer's events (services/member/domain/transfers.py, pure)."""
from datetime import date

from services.member.domain.transfers import (
    ENDED,
    IN_TRANSIT,
    MOVED,
    history_changes,
    leave_history_changes,
    leaves_the_rolls,
    left_state,
    member_refusal,
    next_state,
    outside_target,
    refusal,
)

ACTIVE = {"status": "active", "leave_kind": None}
TARGET = {"status": "active", "name": "第二支部"}


def test_applied_marks_in_transit_and_ended_clears_it_in_version_order():
    assert next_state(None, "transfer_applied", 1) == IN_TRANSIT
    assert next_state((IN_TRANSIT, 1), "transfer_ended", 3) == ENDED
    # 重新发起 after 退回: a newer applied puts the member back in transit
    assert next_state((ENDED, 3), "transfer_applied", 4) == IN_TRANSIT


def test_a_late_or_repeated_event_changes_nothing():
    assert next_state((ENDED, 3), "transfer_applied", 1) is None  # the ended came first
    assert next_state((IN_TRANSIT, 2), "transfer_applied", 2) is None


def test_a_transfer_that_moved_the_member_is_final():
    assert next_state((MOVED, 1), "transfer_ended", 9) is None
    assert next_state((MOVED, 1), "transfer_applied", 9) is None
    assert next_state((MOVED, 1), "transfer_received", 9) is None  # a member's own 已接收 comes after the move


def test_received_ends_a_whole_organization_in_transit():
    assert next_state((IN_TRANSIT, 1), "transfer_received", 5) == ENDED
    assert next_state((ENDED, 5), "transfer_applied", 2) is None  # a late applied cannot reopen it


def test_refusals_say_why_in_chinese():
    assert refusal(ACTIVE, TARGET) is None
    assert refusal(None, TARGET) == "党员信息已删除，无法办理接收"
    assert refusal({"status": "left", "leave_kind": "10"}, TARGET) == "该党员已死亡，不在党员名册中，无法办理接收"
    assert refusal(ACTIVE, {**TARGET, "status": "revoked"}) == "接收党组织“第二支部”已撤销，无法办理接收"
    assert refusal(ACTIVE, {**TARGET, "status": "deleted"}) == "接收党组织已删除，无法办理接收"


def test_the_history_line_names_both_organizations_and_the_new_branch_date():
    changes = history_changes("第一支部", "第二支部", "2026-03-05", date(2020, 1, 1))
    assert changes == [{"field": "org_id", "label": "所在党组织", "old": "第一支部", "new": "第二支部"},
                       {"field": "branch_joined_on", "label": "进入支部日期", "old": "2020-01-01", "new": "2026-03-05"}]


def test_only_跨省_and_系统外_take_the_member_out_of_the_rolls():
    assert leaves_the_rolls("cross_province") and leaves_the_rolls("outside")
    assert not any(leaves_the_rolls(kind) for kind in ("within", "between_branches", "whole_org", None))


def test_a_member_leaving_the_system_is_historical_as_组织关系转出():
    state = left_state(date(2026, 3, 5), "浙江省杭州市某党委")
    assert state == {"status": "left", "leave_kind": "40", "left_on": date(2026, 3, 5),
                     "leave_reason": "组织关系转出至浙江省杭州市某党委"}
    assert leave_history_changes("第一支部", "浙江省杭州市某党委", state) == [
        {"field": "org_id", "label": "所在党组织", "old": "第一支部", "new": "组织关系转出至浙江省杭州市某党委"},
        {"field": "status", "label": "党籍状态", "old": "在册", "new": "历史（组织关系转出，2026-03-05）"}]


def test_the_outside_target_is_named_even_when_the_event_does_not():
    assert outside_target(" 某省某党委 ") == "某省某党委"
    assert outside_target(None) == outside_target("  ") == "本系统外"


def test_leaving_the_system_needs_only_a_member_on_the_rolls():
    assert member_refusal(ACTIVE) is None
    assert member_refusal({"status": "left", "leave_kind": "40"}) == \
        "该党员已组织关系转出，不在党员名册中，无法办理接收"
    assert member_refusal(None) == "党员信息已删除，无法办理接收"
