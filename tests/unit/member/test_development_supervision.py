"""工作督查 of an imported history: the keyed-step rules list what a complete history breaks."""
from dataclasses import replace

from services.member.domain.development import violations
from tests.unit.member.development_history import APPLICANT, FULL_A, HAPPY, TODAY, D, step


def test_a_clean_history_has_no_violations():
    assert violations(APPLICANT, HAPPY, TODAY) == []
    assert violations(APPLICANT, list(reversed(HAPPY)), TODAY) == []  # judged in date order


def test_an_imported_history_lists_each_broken_rule_and_goes_on():
    probationary = {"name": "赵三", "category": "02", "status": "active"}
    imported = list(HAPPY)
    at = {s.name: i for i, s in reversed(list(enumerate(HAPPY)))}
    imported[at["candidate"]] = step("candidate", "2025-02-28")  # < 1 year as activist
    imported[at["introducers"]] = step("introducers", "2025-03-10", introducers=[FULL_A, probationary])
    imported[at["training"]] = step("training", "2025-04-10", hours="很多")  # malformed field
    imported[at["branch_meeting"]] = step("branch_meeting", "2025-06-01", entitled=20, present=12, yes=9)
    found = [(v.index, v.step, v.message) for v in violations(APPLICANT, imported, TODAY)]
    # the later steps are judged on their own, not refused in a cascade
    assert found == [
        (at["candidate"], "candidate", "“列为发展对象”须在“确定为入党积极分子”满1年后办理（最早2025-03-01）"),
        (at["introducers"], "introducers", "入党介绍人须为正式党员：赵三（预备党员）"),
        (at["training"], "training", "培训学时应为0到100000之间的整数"),
        (at["branch_meeting"], "branch_meeting", "赞成票（9）须超过应到会有表决权的正式党员（20）的半数，未能通过"),
    ]


def test_skipped_steps_and_an_underage_application_are_listed():
    imported = [step("activist", "2024-01-20"), step("talk", "2024-01-25")]  # activist before any talk
    found = violations(replace(APPLICANT, birth_date=D("2006-06-01")), imported, TODAY)
    assert [(v.index, v.step, v.message) for v in found] == [
        (None, "application", "提出入党申请时须年满18周岁"),
        (0, "activist", "办理“确定为入党积极分子”须先完成：“派人谈话”"),
    ]


def test_steps_late_or_overdue_by_their_limits_are_listed():
    imported = [s for s in HAPPY if s.name != "higher_talk"]  # approval with no higher talk
    imported = [step("approval", "2025-09-15", approver_kind="11") if s.name == "approval" else s for s in imported]
    messages = [v.message for v in violations(APPLICANT, imported, TODAY) if v.step == "approval"]
    assert messages == [
        "办理“上级党委审批”须先完成：“上级党委派人谈话”",
        "“上级党委审批”应在“支部大会讨论接收”后3个月内办理（最迟2025-09-01）；经上级组织部门同意延长的（extended），最长6个月",
    ]
