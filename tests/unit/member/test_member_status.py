"""党籍 rules (services/member/domain/status.py): which status changes are allowed, and their fields."""
from datetime import date

import pytest

from services.member.domain.status import (
    ACTIVE,
    ACTIVE_STATE,
    LEFT,
    NOT_RESTORABLE,
    REASON_REQUIRED,
    Standing,
    StatusChange,
    TransitionRefused,
    absences,
    allowed_actions,
    check_leave,
    check_restore,
    check_undo,
    describe,
    kind_group,
    left_state,
    plain_state,
    state_from_plain,
    validate_leave,
    validate_restore,
    validate_undo,
)
from services.shared.codes import LEAVE_KINDS
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)
FULL = Standing(ACTIVE, "01", date(2000, 7, 1))
PROBATIONARY = Standing(ACTIVE, "02", date(2023, 12, 1))


def gone(kind: str, left_on=date(2024, 1, 10), reason="原因") -> Standing:
    return Standing(LEFT, "01", date(2000, 7, 1), kind, left_on, reason)


def leave_errors(data, member=FULL) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_leave(data, member, today=TODAY)
    return caught.value.fields


# --- the kinds ---------------------------------------------------------------------------------

def test_kinds_and_their_groups():
    assert LEAVE_KINDS.items() == [("10", "死亡"), ("21", "开除党籍"), ("22", "劝退除名"), ("23", "自行脱党除名"),
                                   ("24", "退党除名"), ("25", "取消预备党员资格"), ("30", "停止党籍")]
    assert {kind: kind_group(kind) for kind in LEAVE_KINDS.codes()} == {
        "10": "死亡", "21": "出党", "22": "出党", "23": "出党", "24": "出党", "25": "出党", "30": "停止党籍"}
    assert kind_group(None) is None


def test_only_expulsion_and_the_除名_kinds_cannot_be_restored():
    """RULES.md §9: 开除党籍 and the 除名 kinds generally cannot have membership restored."""
    assert NOT_RESTORABLE == {"21", "22", "23", "24"}
    assert REASON_REQUIRED == {"21", "22", "23", "24", "25"}


# --- leaving -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, code", [("死亡", "10"), ("10", "10"), (10, "10"), ("除名", "22"), ("自行脱党", "23"),
                                        ("退党", "24"), ("开除党籍", "21"), ("停止党籍", "30"),
                                        (" 劝而不退除名 ", "22")])
def test_leave_accepts_names_codes_and_aliases(kind, code):
    out = validate_leave({"kind": kind, "date": "2024-05-01", "reason": "组织决定"}, FULL, today=TODAY)
    assert out == {"kind": code, "date": date(2024, 5, 1), "reason": "组织决定", "version": None}


def test_death_and_suspension_need_no_reason():
    for kind in ("死亡", "停止党籍"):
        out = validate_leave({"kind": kind, "date": "2024-05-01", "reason": "  "}, FULL, today=TODAY)
        assert out["reason"] is None


@pytest.mark.parametrize("kind", ["开除党籍", "劝退除名", "自行脱党除名", "退党除名"])
def test_expulsion_needs_a_reason(kind):
    assert leave_errors({"kind": kind, "date": "2024-05-01"}) == {"reason": "出党须填写原因（如处分决定）"}


def test_cancelling_probation_is_only_for_probationary_members():
    data = {"kind": "取消预备党员资格", "date": "2024-05-01", "reason": "预备期间表现不合格"}
    assert leave_errors(data, FULL) == {"kind": "取消预备党员资格只适用于预备党员"}
    assert validate_leave(data, PROBATIONARY, today=TODAY)["kind"] == "25"


def test_every_bad_leave_field_at_once():
    assert leave_errors({"kind": "调走", "date": "2024/05/01", "reason": "x" * 501, "version": "abc"}) == {
        "kind": "未知的减少类型：调走", "date": "日期格式应为YYYY-MM-DD", "reason": "不能超过500个字符",
        "version": "应为正整数（读取时得到的版本号）"}
    assert leave_errors({}) == {"kind": "必填", "date": "必填"}
    assert leave_errors({"kind": True, "date": 20240501}) == {"kind": "应为文本", "date": "日期格式应为YYYY-MM-DD"}


def test_leave_date_between_joining_and_today():
    assert leave_errors({"kind": "死亡", "date": "2024-06-02"}) == {"date": "日期不能晚于今天"}
    assert leave_errors({"kind": "死亡", "date": "2000-06-30"}) == {"date": "日期不能早于入党日期（2000-07-01）"}
    for day in ("2024-06-01", "2000-07-01"):
        assert validate_leave({"kind": "死亡", "date": day}, FULL, today=TODAY)["date"] == date.fromisoformat(day)


def test_leave_body_must_be_an_object():
    with pytest.raises(FieldErrors) as caught:
        validate_leave(["死亡"], FULL, today=TODAY)
    assert caught.value.fields == {"data": "应为键值对象"}


def test_leave_version_is_optional_but_checked():
    base = {"kind": "死亡", "date": "2024-05-01"}
    assert validate_leave({**base, "version": 3}, FULL, today=TODAY)["version"] == 3
    assert validate_leave({**base, "version": None}, FULL, today=TODAY)["version"] is None
    assert leave_errors({**base, "version": 0}) == {"version": "应为正整数（读取时得到的版本号）"}


def test_only_an_active_member_can_leave():
    check_leave(FULL)
    with pytest.raises(TransitionRefused) as refused:
        check_leave(gone("10"))
    assert refused.value.message == "该党员已是历史（死亡，2024-01-10）党员，不能再办理减少"


def test_left_state():
    change = validate_leave({"kind": "停止党籍", "date": "2024-05-01", "reason": "长期失联"}, FULL, today=TODAY)
    assert left_state(change) == {"status": LEFT, "leave_kind": "30", "left_on": date(2024, 5, 1),
                                  "leave_reason": "长期失联"}


# --- 找回 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["10", "25", "30"])
def test_restorable_kinds(kind):
    check_restore(gone(kind))


@pytest.mark.parametrize("kind", sorted(NOT_RESTORABLE))
def test_expelled_and_除名_members_cannot_be_restored(kind):
    with pytest.raises(TransitionRefused) as refused:
        check_restore(gone(kind))
    assert f"因{LEAVE_KINDS.name(kind)}离开党员队伍的，一般不能恢复党籍" in refused.value.message
    assert "回退" in refused.value.message


def test_an_active_member_needs_no_restore():
    with pytest.raises(TransitionRefused) as refused:
        check_restore(FULL)
    assert refused.value.message == "该党员在党员名册中，无需找回"


def test_restore_date_defaults_to_today_and_follows_leaving():
    member = gone("10")
    assert validate_restore({}, member, today=TODAY) == {"date": TODAY, "reason": None, "version": None}
    restore = validate_restore({"date": "2024-01-10", "reason": "误操作"}, member, today=TODAY)
    assert restore == {"date": date(2024, 1, 10), "reason": "误操作", "version": None}
    with pytest.raises(FieldErrors) as caught:
        validate_restore({"date": "2024-01-09"}, member, today=TODAY)
    assert caught.value.fields == {"date": "日期不能早于离开日期（2024-01-10）"}
    with pytest.raises(FieldErrors) as caught:
        validate_restore({"date": "2024-06-02"}, member, today=TODAY)
    assert caught.value.fields == {"date": "日期不能晚于今天"}


# --- 回退 --------------------------------------------------------------------------------------

def test_undo_of_a_leave_puts_the_member_back_on_the_rolls():
    leave = StatusChange(ACTIVE, LEFT, "10", plain_state(ACTIVE_STATE))
    assert check_undo(gone("10"), leave) == ACTIVE_STATE


def test_undo_of_a_restore_puts_back_the_leave_with_its_date_and_reason():
    before = {"status": LEFT, "leave_kind": "30", "left_on": date(2024, 1, 10), "leave_reason": "长期失联"}
    restore = StatusChange(LEFT, ACTIVE, "30", plain_state(before))
    assert restore.prior["left_on"] == "2024-01-10"  # JSON-plain for storage
    assert check_undo(FULL, restore) == before


def test_undo_any_kind_even_one_that_cannot_be_restored():
    """A mistaken 开除党籍 entry is taken back by 回退, not by 找回."""
    leave = StatusChange(ACTIVE, LEFT, "21", plain_state(ACTIVE_STATE))
    assert check_undo(gone("21"), leave)["status"] == ACTIVE


def test_nothing_to_undo():
    with pytest.raises(TransitionRefused) as refused:
        check_undo(FULL, None)
    assert refused.value.message == "该党员没有可回退的党籍变动"


def test_undo_refused_when_the_member_is_not_where_the_change_left_them():
    leave = StatusChange(ACTIVE, LEFT, "10", plain_state(ACTIVE_STATE))
    with pytest.raises(TransitionRefused):
        check_undo(FULL, leave)


def test_undo_body():
    assert validate_undo({}) == {"version": None}
    assert validate_undo({"version": "4"}) == {"version": 4}
    with pytest.raises(FieldErrors):
        validate_undo({"version": -1})


# --- states and what a card offers -------------------------------------------------------------

def test_plain_state_round_trip():
    state = {"status": LEFT, "leave_kind": "10", "left_on": date(2024, 1, 10), "leave_reason": None}
    assert state_from_plain(plain_state(state)) == state
    assert state_from_plain(plain_state(ACTIVE_STATE)) == ACTIVE_STATE


def test_describe():
    assert describe(FULL.state()) == "在册"
    assert describe(gone("23").state()) == "历史（自行脱党除名，2024-01-10）"


def test_actions_of_an_active_member():
    assert allowed_actions(FULL, None) == {"leave": True, "restore": False, "restore_refused": None,
                                           "undo": False, "undo_label": None}
    restored = StatusChange(LEFT, ACTIVE, "10", plain_state(gone("10").state()))
    actions = allowed_actions(FULL, restored)
    assert actions["undo"] and actions["undo_label"] == "撤销找回，恢复为历史党员（死亡）"


def test_actions_of_a_member_in_history():
    leave = StatusChange(ACTIVE, LEFT, "21", plain_state(ACTIVE_STATE))
    actions = allowed_actions(gone("21"), leave)
    assert actions["leave"] is False and actions["restore"] is False
    assert "不能找回" in actions["restore_refused"]
    assert actions["undo"] and actions["undo_label"] == "撤销“开除党籍”，恢复为在册党员"
    assert allowed_actions(gone("30"), None)["restore"] is True


def test_absences_pair_each_leave_with_the_return_that_followed_it():
    from types import SimpleNamespace as Change

    def change(to_status, kind, day):
        return Change(to_status=to_status, kind=kind, changed_on=date.fromisoformat(day))

    changes = [change(LEFT, "30", "2020-03-01"), change(ACTIVE, "30", "2021-05-01"),
               change(LEFT, "10", "2024-01-02")]  # gone now: the member's state, not an absence
    assert absences(changes) == [["30", "2020-03-01", "2021-05-01"]]
    assert absences([]) == [] and absences([change(ACTIVE, "30", "2021-05-01")]) == []
