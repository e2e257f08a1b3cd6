"""Probation outcomes (RULES.md §2): 转正, 延长预备期 (once, 6–12 months), 取消预备党员资格; each a
支部大会 resolution approved within 3 months; for members with or without a history in PMIS."""
import pytest

from services.member.domain.development import (
    CANCEL,
    CONFIRM,
    EXTEND,
    ProbationFacts,
    StepRefused,
    decide,
    progress,
    propose,
    undo_last,
)
from services.shared.field_errors import FieldErrors
from tests.unit.member.development_history import APPLICANT, TODAY, D, record, step, until

JOINED = ProbationFacts(joined_on=D("2025-06-01"))


def refused(facts, outcome, **fields) -> str:
    with pytest.raises(StepRefused) as caught:
        decide(facts, outcome, fields, TODAY)
    return caught.value.message


def test_confirm_when_probation_ends_and_party_age_counts_from_its_end():
    decision = decide(JOINED, CONFIRM, {"meeting_on": "2026-06-01", "approved_on": "2026-06-20"}, TODAY)
    assert decision.full_on == D("2026-06-01")
    assert refused(JOINED, CONFIRM, meeting_on="2026-05-31", approved_on="2026-06-01") == \
        "预备期满（2026-06-01）时才能讨论按期转为正式党员"


def test_the_decision_is_approved_after_the_meeting_within_three_months():
    assert refused(JOINED, CONFIRM, meeting_on="2026-06-01", approved_on="2026-09-02") == \
        "上级党组织应在支部大会后3个月内审批（最迟2026-09-01）"
    assert refused(JOINED, CONFIRM, meeting_on="2026-06-10", approved_on="2026-06-09") == "审批日期不能早于支部大会日期"


def test_extension_once_between_six_and_twelve_months():
    extended = decide(JOINED, EXTEND, {"meeting_on": "2026-06-01", "approved_on": "2026-06-15", "months": 6}, TODAY)
    assert extended.probation_ends == D("2026-12-01")
    for months in (5, 13):
        assert refused(JOINED, EXTEND, meeting_on="2026-06-01", approved_on="2026-06-15", months=months) == \
            "延长预备期不能少于6个月，最长不超过12个月"
    once = ProbationFacts(D("2025-06-01"), extended_months=6, extensions=1)
    assert refused(once, EXTEND, meeting_on="2026-12-01", approved_on="2026-12-01", months=6) == "预备期只能延长1次"
    # after an extension, 转正 waits for the extended end
    assert refused(once, CONFIRM, meeting_on="2026-11-30", approved_on="2026-11-30") == \
        "预备期满（2026-12-01）时才能讨论按期转为正式党员"
    assert decide(once, CONFIRM, {"meeting_on": "2026-12-01", "approved_on": "2026-12-01"}, TODAY).full_on == \
        D("2026-12-01")


def test_cancellation_may_come_during_probation_and_takes_effect_on_approval():
    decision = decide(JOINED, CANCEL, {"meeting_on": "2026-01-10", "approved_on": "2026-02-01"}, TODAY)
    assert decision.left_on == D("2026-02-01")
    assert refused(JOINED, CANCEL, meeting_on="2025-05-31", approved_on="2025-06-02") == \
        "支部大会日期不能早于接收为预备党员的日期（2025-06-01）"


def test_bad_probation_input_is_named_by_field():
    with pytest.raises(FieldErrors) as caught:
        decide(JOINED, "promote", {}, TODAY)
    assert set(caught.value.fields) == {"outcome"}
    with pytest.raises(FieldErrors) as caught:
        decide(JOINED, EXTEND, {"meeting_on": "2026/06/01", "approved_on": None, "months": "六"}, TODAY)
    assert set(caught.value.fields) == {"meeting_on", "approved_on", "months"}
    with pytest.raises(FieldErrors) as caught:
        decide(JOINED, CONFIRM, {"meeting_on": "2026-12-01", "approved_on": "2026-12-02"}, TODAY)
    assert caught.value.fields == {"approved_on": "日期不能晚于今天"}


def test_outcomes_in_the_pipeline_extend_then_confirm():
    history = until("confirm") + [step("extend", "2026-06-10", meeting_on="2026-06-01", months=6)]
    extended = record(history)
    assert (extended.stage, extended.probation_ends) == ("probationary", D("2026-12-01"))
    message = _refusal(history, step("confirm", "2026-11-30", meeting_on="2026-11-30"))
    assert message == "预备期满（2026-12-01）时才能讨论按期转为正式党员"
    assert "预备期只能延长1次" in _refusal(history, step("extend", "2026-12-01", meeting_on="2026-12-01", months=6))
    final = propose(APPLICANT, history, step("confirm", "2026-12-01", meeting_on="2026-12-01"), TODAY)
    assert (final.stage, final.full_on) == ("full", D("2026-12-01"))


def test_outcomes_in_the_pipeline_cancel_and_refusals():
    history = until("full_application")
    cancelled = record(history + [step("cancel", "2026-02-01", meeting_on="2026-01-10")])
    assert (cancelled.stage, cancelled.stage_name) == ("cancelled", "取消预备党员资格")
    assert cancelled.left_on == D("2026-02-01")
    with pytest.raises(StepRefused, match="不能回退"):
        undo_last(APPLICANT, history + [step("cancel", "2026-02-01", meeting_on="2026-01-10")], "误录", TODAY)
    # the meeting's votes, when given, are checked
    confirm = until("confirm")
    assert "未能通过" in _refusal(confirm, step("confirm", "2026-06-10", meeting_on="2026-06-01",
                                             entitled=20, present=15, yes=10))
    assert progress(APPLICANT, confirm, D("2026-06-02")).overdue[0].step == "confirm"


def _refusal(history, proposed) -> str:
    with pytest.raises(StepRefused) as caught:
        propose(APPLICANT, history, proposed, TODAY)
    return caught.value.message


def test_an_extension_is_decided_when_probation_ends():
    assert refused(JOINED, EXTEND, meeting_on="2026-05-01", approved_on="2026-05-02", months=6) == \
        "预备期满（2026-06-01）时才能讨论延长预备期"


def test_a_member_of_a_temporary_branch_gets_no_decision_and_votes_are_checked():
    fields = {"meeting_on": "2026-06-01", "approved_on": "2026-06-20"}
    with pytest.raises(StepRefused, match="临时党组织"):
        decide(JOINED, CONFIRM, fields, TODAY, org_kind="33")
    with pytest.raises(StepRefused, match="未能通过"):
        decide(JOINED, CONFIRM, {**fields, "entitled": 9, "present": 9, "yes": 4}, TODAY, org_kind="31")
