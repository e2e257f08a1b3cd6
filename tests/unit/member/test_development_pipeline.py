"""The development state machine (RULES.md §2): the clean path, every refusal of a keyed step,
the due list with its deadlines, and 回退."""
from dataclasses import replace

import pytest

from services.member.domain.development import (
    StepRefused,
    check_application,
    parse_step,
    progress,
    propose,
    propose_many,
    rules_on,
    undo_last,
)
from services.shared.field_errors import FieldErrors
from tests.unit.member.development_history import APPLICANT, FULL_A, FULL_B, HAPPY, TODAY, VOTES, D, record, step, until


def refusal(history, proposed, applicant=APPLICANT, today=TODAY) -> str:
    with pytest.raises(StepRefused) as caught:
        propose(applicant, history, proposed, today)
    return caught.value.message


def bad_fields(history, proposed, applicant=APPLICANT) -> dict:
    with pytest.raises(FieldErrors) as caught:
        propose(applicant, history, proposed, TODAY)
    return caught.value.fields


def test_the_clean_path_goes_from_application_to_full_member():
    stages = [record(HAPPY[:n + 1]).stage for n in range(len(HAPPY))]
    assert stages[HAPPY.index(until("activist_filed")[-1])] == "activist"
    assert stages[len(until("candidate_filed")) - 1] == "candidate"
    assert stages[len(until("filed")) - 1] == "probationary"
    final = record(HAPPY)
    assert (final.stage, final.stage_name) == ("full", "正式党员")
    assert final.joined_on == D("2025-06-01")  # 党籍 from the accepting 支部大会
    assert final.full_on == D("2026-06-01")  # 党龄 from the end of probation
    assert final.due == ()


def test_the_progress_says_when_each_stage_was_entered_and_undo_forgets_it():
    """The dates the statistics count the stages by (申请人/积极分子/发展对象 at a year end)."""
    assert record(until("candidate")).entered == {"activist": D("2024-03-01")}
    assert record(until("filed")).entered == {"activist": D("2024-03-01"), "candidate": D("2025-03-01"),
                                              "probationary": D("2025-07-01")}
    _, _, back = undo_last(APPLICANT, until("candidate_filed"), "误录", TODAY)
    assert back.stage == "activist" and back.entered == {"activist": D("2024-03-01")}


def test_approval_makes_a_probationary_member_joined_on_the_meeting_date():
    accepted = record(until("filed"))
    assert accepted.stage == "probationary"
    assert accepted.joined_on == D("2025-06-01")
    assert accepted.probation_ends == D("2026-06-01")


def test_due_list_gives_each_next_step_with_its_deadline():
    start = progress(APPLICANT, [], D("2024-01-20"))
    assert [(d.step, d.due_on, d.overdue) for d in start.due] == [("talk", D("2024-02-10"), False)]
    late = progress(APPLICANT, [], D("2024-02-11"))
    assert [d.step for d in late.overdue] == ["talk"]  # not held within a month of 申请
    activist = progress(APPLICANT, until("activist_filed"), D("2024-03-02"))
    assert [(d.step, d.due_on) for d in activist.due] == [
        ("activist_filed", D("2024-04-01")), ("contacts", None), ("assessment", D("2024-09-01"))]
    # the half-yearly assessment is due again six months after the last one
    assessed = progress(APPLICANT, until("assessment", 2), D("2024-12-01"))
    assert [(d.step, d.due_on) for d in assessed.due] == [("assessment", D("2025-02-28"))]
    # ready for 发展对象 except for the year: listed with the day it becomes possible
    ready = progress(APPLICANT, until("candidate"), D("2025-02-01"))
    candidate = next(d for d in ready.due if d.step == "candidate")
    assert (candidate.due_on, candidate.not_before) == (None, D("2025-03-01"))


def test_approval_waiting_more_than_three_months_is_overdue_even_before_the_higher_talk():
    waiting = progress(APPLICANT, until("higher_talk"), D("2025-09-02"))
    assert [(d.step, d.due_on, d.overdue) for d in waiting.due] == [
        ("higher_talk", None, False), ("approval", D("2025-09-01"), True)]


def test_probation_decision_is_due_when_probation_ends():
    member = progress(APPLICANT, until("full_application"), D("2026-06-02"))
    assert ("full_application", D("2026-06-01"), True) in [(d.step, d.due_on, d.overdue) for d in member.due]
    assert "extend" not in [d.step for d in member.due]  # a choice, never "due"


def test_skipped_steps_are_refused_with_what_is_missing():
    assert refusal([], step("activist", "2024-03-01")) == "办理“确定为入党积极分子”须先完成：“派人谈话”"
    message = refusal(until("assessment", 2), step("candidate", "2025-03-01"))
    assert "“培养教育考察（半年考察）”（需2次，已有1次）" in message
    assert "“填写入党志愿书”" in refusal(until("application_form"), step("branch_meeting", "2025-06-01", **VOTES))


def test_a_step_of_another_stage_is_refused():
    assert refusal(until("candidate_filed"), step("activist", "2025-03-05")).startswith(
        "当前为发展对象，不能办理“确定为入党积极分子”")
    assert "当前为入党申请人" in refusal([], step("approval", "2024-02-01", approver_kind="11"))


def test_a_step_cannot_be_recorded_twice_but_assessments_repeat():
    assert refusal(HAPPY[:1], step("talk", "2024-01-26")) == "“派人谈话”已办理，不能重复"
    assert record(until("candidate") + [step("assessment", "2025-02-28")]).stage == "activist"


def test_dates_out_of_order_are_refused():
    assert refusal(HAPPY[:1], step("activist", "2024-01-20")) == \
        "“确定为入党积极分子”的日期不能早于“派人谈话”的日期（2024-01-25）"
    assert refusal([], step("talk", "2024-01-09")) == "“派人谈话”的日期不能早于提出入党申请的日期（2024-01-10）"
    assert bad_fields([], step("talk", "2026-12-02")) == {"date": "日期不能晚于今天"}


def test_candidate_less_than_a_year_after_activist_is_too_early():
    message = refusal(until("candidate"), step("candidate", "2025-02-28"))
    assert message == "“列为发展对象”须在“确定为入党积极分子”满1年后办理（最早2025-03-01）"


def test_introducers_must_be_two_different_full_members():
    history = until("introducers")
    probationary = {"name": "赵三", "member_id": 3, "category": "02", "status": "active"}
    left = {"name": "钱四", "member_id": 4, "category": "01", "status": "left"}
    assert refusal(history, step("introducers", "2025-03-10", introducers=[FULL_A, probationary])) == \
        "入党介绍人须为正式党员：赵三（预备党员）"
    assert "钱四（不在党员名册中）" in refusal(history, step("introducers", "2025-03-10", introducers=[FULL_A, left]))
    assert refusal(history, step("introducers", "2025-03-10", introducers=[FULL_A])) == \
        "入党介绍人应为2名正式党员，现有1名"
    assert refusal(history, step("introducers", "2025-03-10", introducers=[FULL_A, FULL_A])) == "入党介绍人不能是同一人"
    assert "introducers" in bad_fields(history, step("introducers", "2025-03-10", introducers="王一"))
    assert "introducers" in bad_fields(history, step("introducers", "2025-03-10", introducers=[FULL_A] * 50))


def test_contacts_are_one_or_two_full_members():
    history = until("contacts")
    third = {"name": "孙五", "member_id": 5, "category": "01", "status": "active"}
    assert refusal(history, step("contacts", "2024-03-01", contacts=[FULL_A, FULL_B, third])) == \
        "培养联系人应为1至2名正式党员，现有3名"
    probationary = {"name": "赵三", "category": "02"}
    assert refusal(history, step("contacts", "2024-03-01", contacts=[probationary])) == \
        "培养联系人须为正式党员：赵三（预备党员）"


def test_training_needs_three_days_or_twenty_four_class_hours():
    history = until("training")
    assert refusal(history, step("training", "2025-04-10", days=2, hours=20)) == \
        "集中培训时间不少于3天或24学时（现为2天、20学时）"
    assert record(history + [step("training", "2025-04-10", hours=24)]).stage == "candidate"
    assert bad_fields(history, step("training", "2025-04-10")) == {"days": "请填写培训天数或学时"}
    assert "hours" in bad_fields(history, step("training", "2025-04-10", hours="二十四"))
    assert "days" in bad_fields(history, step("training", "2025-04-10", days=True))
    assert "days" in bad_fields(history, step("training", "2025-04-10", days=10 ** 9))


def meeting(**votes):
    return step("branch_meeting", "2025-06-01", **votes)


def test_acceptance_vote_needs_a_quorum_and_a_majority_of_those_entitled():
    history = until("branch_meeting")
    assert refusal(history, meeting(entitled=20, present=10, yes=10)) == (
        "有表决权的到会人数（10）须超过应到会有表决权人数（20）的半数，会议无效；"
        "赞成票（10）须超过应到会有表决权的正式党员（20）的半数，未能通过")
    assert refusal(history, meeting(entitled=20, present=15, yes=10)) == \
        "赞成票（10）须超过应到会有表决权的正式党员（20）的半数，未能通过"
    # written opinions of absent members count among the votes
    assert record(history + [meeting(entitled=20, present=11, written=3, yes=11)]).stage == "candidate"


def test_inconsistent_or_malformed_votes_are_bad_input():
    history = until("branch_meeting")
    assert bad_fields(history, meeting(entitled=20, present=19, written=2, yes=15)) == {
        "present": "实到会人数与书面意见人数之和不能超过应到会人数"}
    assert bad_fields(history, meeting(entitled=20, present=15, yes=16)) == {
        "yes": "赞成票数不能超过实到会人数与书面意见人数之和"}
    assert set(bad_fields(history, meeting(entitled=-1, present="x"))) == {"entitled", "present", "yes"}
    assert bad_fields(history, meeting(entitled=0, present=0, yes=0)) == {"entitled": "应到会有表决权人数应大于0"}


def test_a_temporary_organization_cannot_accept_or_approve():
    temporary = replace(APPLICANT, org_kind="33")
    assert refusal(until("branch_meeting"), meeting(**VOTES), applicant=temporary) == \
        "临时党组织不能接收预备党员，也不能讨论预备党员转正等事项"
    approve = until("approval")
    assert refusal(approve, step("approval", "2025-07-01", approver_kind="33")) == "临时党组织不能审批预备党员"
    assert bad_fields(approve, step("approval", "2025-07-01")) == {"approver_kind": "请填写审批党组织的类别"}


def test_approval_within_three_months_or_six_when_extended():
    history = until("approval")
    assert refusal(history, step("approval", "2025-09-02", approver_kind="11")) == (
        "“上级党委审批”应在“支部大会讨论接收”后3个月内办理（最迟2025-09-01）；"
        "经上级组织部门同意延长的（extended），最长6个月")
    assert record(history + [step("approval", "2025-11-30", approver_kind="11", extended=True)]).joined_on == \
        D("2025-06-01")
    assert refusal(history, step("approval", "2025-12-02", approver_kind="11", extended=True)) == \
        "“上级党委审批”应在“支部大会讨论接收”后6个月内办理（最迟2025-12-01）"


def test_a_failed_political_review_stops_development_until_taken_back():
    history = until("political_review") + [step("political_review", "2025-04-01", passed=False)]
    stopped = record(history)
    assert stopped.stopped == "“政治审查”未通过，停止发展"
    assert stopped.due == ()
    assert refusal(history, step("training", "2025-04-10", days=3)) == "“政治审查”未通过，停止发展"
    assert "passed" in bad_fields(until("political_review"), step("political_review", "2025-04-01", passed="是"))
    taken_back, _, after = undo_last(APPLICANT, history, "审查结论录入错误", TODAY)
    assert taken_back.name == "political_review" and after.stopped is None


def test_undo_takes_back_the_last_step_with_a_reason():
    history = until("candidate_filed")
    taken_back, reason, after = undo_last(APPLICANT, history, "  日期录错  ", TODAY)
    assert (taken_back.name, reason, after.stage) == ("candidate", "日期录错", "activist")
    with pytest.raises(FieldErrors) as caught:
        undo_last(APPLICANT, history, "  ", TODAY)
    assert caught.value.fields == {"reason": "回退原因：必填"}
    with pytest.raises(FieldErrors):
        undo_last(APPLICANT, history, "长" * 501, TODAY)
    with pytest.raises(StepRefused, match="没有可回退的步骤"):
        undo_last(APPLICANT, [], "误录", TODAY)
    with pytest.raises(StepRefused, match="“上级党委审批”已生效，不能回退"):
        undo_last(APPLICANT, until("filed"), "误录", TODAY)


def test_parse_step_rejects_unknown_names_and_malformed_dates():
    assert parse_step("talk", "2024-01-25", {"talker": "王一"}) == step("talk", "2024-01-25", talker="王一")
    with pytest.raises(FieldErrors) as caught:
        parse_step("drop_table", "20240125", ["x"])
    assert caught.value.fields == {"step": "未知的发展步骤", "date": "日期格式应为YYYY-MM-DD", "fields": "格式错误"}


def test_an_applicant_must_be_eighteen_when_applying():
    with pytest.raises(StepRefused, match="提出入党申请时须年满18周岁"):
        check_application(replace(APPLICANT, birth_date=D("2006-01-11")))
    check_application(replace(APPLICANT, birth_date=D("2006-01-10")))


PREREQUISITES = {  # RULES.md §2's order, as the 2014 version must keep it
    "activist": ["talk"], "activist_filed": ["activist"], "contacts": ["activist"], "assessment": ["activist"],
    "candidate": ["activist_filed", "contacts", "assessment"], "candidate_filed": ["candidate"],
    "introducers": ["candidate"], "political_review": ["candidate"], "training": ["candidate"],
    "committee_review": ["candidate_filed", "introducers", "political_review", "training"],
    "pre_review": ["committee_review"], "application_form": ["pre_review"], "branch_meeting": ["application_form"],
    "higher_talk": ["branch_meeting"], "approval": ["higher_talk"], "filed": ["approval"], "grouped": ["approval"],
    "oath": ["approval"], "full_application": ["approval"], "confirm": ["approval"],
    "archived": ["confirm"],
}


@pytest.mark.parametrize("name, required", [(n, r) for n, rs in PREREQUISITES.items() for r in rs])
def test_each_step_is_refused_without_each_prerequisite(name, required):
    history = until(name)
    proposed = HAPPY[len(history)]
    without = [s for s in history if s.name != required]
    with pytest.raises(StepRefused) as caught:
        propose(APPLICANT, without, proposed, TODAY)
    missing = next(m for m in caught.value.messages if "须先完成" in m)
    assert f"“{rules_on(proposed.on).label(required)}”" in missing


DEADLINES = [  # (step, the day after its anchor step is recorded, due by) — RULES.md §2 and the decided ones
    ("talk", "2024-01-10", "2024-02-10"),  # a month after 申请
    ("activist_filed", "2024-03-02", "2024-04-01"),  # a month after the decision
    ("candidate_filed", "2025-03-02", "2025-04-01"),
    ("pre_review", "2025-05-02", "2025-06-01"),  # a month after the 支委会 review
    ("approval", "2025-06-02", "2025-09-01"),  # three months after the 支部大会
    ("full_application", "2025-07-02", "2026-06-01"),  # by the end of probation
]


@pytest.mark.parametrize("name, today, due_on", DEADLINES)
def test_each_time_limit_gives_its_due_date(name, today, due_on):
    anchor = {"talk": 0, "activist_filed": len(until("activist")) + 1, "candidate_filed": len(until("candidate")) + 1,
              "pre_review": len(until("committee_review")) + 1, "approval": len(until("branch_meeting")) + 1,
              "full_application": len(until("approval")) + 1}[name]
    due = {d.step: d.due_on for d in progress(APPLICANT, HAPPY[:anchor], D(today)).due}
    assert due[name] == D(due_on)


def test_duplicate_contacts_are_refused():
    same_twice = step("contacts", "2024-03-01", contacts=[FULL_A, FULL_A])
    assert refusal(until("contacts"), same_twice) == "培养联系人不能是同一人"


@pytest.mark.parametrize("fields", [
    {"entitled": "²", "present": "9" * 5000, "yes": [1]},
    {"entitled": {"a": 1}, "present": None, "yes": 1.5},
])
def test_hostile_vote_fields_are_bad_input_not_a_crash(fields):
    assert set(bad_fields(until("branch_meeting"), meeting(**fields))) == {"entitled", "present", "yes"}


def test_hostile_people_are_refused_not_a_crash():
    odd = [{"name": ["x"], "member_id": {"a": 1}, "category": ["01"], "status": "active"}, FULL_A]
    message = refusal(until("introducers"), step("introducers", "2025-03-10", introducers=odd))
    assert message == "入党介绍人须为正式党员：['x']（非党员）"
    assert "introducers" in bad_fields(until("introducers"), step("introducers", "2025-03-10", introducers=[1, 2]))


def test_a_batch_meeting_is_all_or_nothing_and_names_who_was_refused():
    history = until("branch_meeting")
    good = ("张三", APPLICANT, history, meeting(**VOTES))
    short = ("李四", APPLICANT, history, meeting(entitled=20, present=15, yes=10))
    assert [p.stage for p in propose_many([good, good], TODAY)] == ["candidate", "candidate"]
    with pytest.raises(StepRefused) as caught:
        propose_many([good, short], TODAY)
    assert caught.value.messages == ["李四：赞成票（10）须超过应到会有表决权的正式党员（20）的半数，未能通过"]
    with pytest.raises(FieldErrors) as caught:
        propose_many([good, ("王五", APPLICANT, history, meeting(entitled="x"))], TODAY)
    assert set(caught.value.fields) == {"王五"}
