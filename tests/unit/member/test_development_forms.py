"""The forms of the development steps come from the rule data (their checks and limits), and a
recorded step's fields read back in Chinese."""
from datetime import date

from services.member.domain.development import VERSIONS, rules_on
from services.member.domain.development.forms import described, form_fields, next_steps, step_forms

RULES = rules_on(date(2024, 1, 1))


def names(step: str) -> list[str]:
    return [f.name for f in form_fields(RULES.steps[step])]


def test_each_step_asks_what_its_checks_read_and_the_free_fields():
    assert names("talk") == ["actors", "note"]
    assert names("introducers") == ["introducers", "actors", "note"]
    assert names("training") == ["days", "hours", "actors", "note"]
    assert names("branch_meeting") == ["entitled", "present", "written", "yes", "actors", "note"]
    assert names("approval") == ["extended", "actors", "note"]  # approver_kind: the directory's
    assert names("extend") == ["meeting_on", "months", "entitled", "present", "written", "yes", "actors", "note"]
    meeting = {f.name: f for f in form_fields(RULES.steps["branch_meeting"])}
    assert meeting["yes"].required and not meeting["written"].required
    assert not {f.name: f for f in form_fields(RULES.steps["confirm"])}["yes"].required  # votes optional there


def test_every_step_of_the_newest_version_has_a_form():
    forms = step_forms(VERSIONS[-1])
    assert list(forms)[:3] == ["talk", "activist", "activist_filed"] and "approval" in forms
    assert forms["political_review"]["fields"][0] == {"name": "passed", "label": "审查结果", "kind": "bool",
                                                      "required": True, "hint": "不合格的，停止发展", "count": 1}
    assert forms["introducers"]["fields"][0]["count"] == 2 and forms["confirm"]["date_label"] == "审批日期"


def test_a_recorded_step_reads_in_chinese():
    shown = described(RULES.steps["introducers"], {"introducers": [{"name": "王一"}, {"name": "李二"}], "note": "无"})
    assert shown == [("入党介绍人", "王一、李二"), ("备注", "无")]
    assert described(RULES.steps["political_review"], {"passed": False}) == [("审查结果", "不合格")]
    assert described(None, {"x": 1}) == []


def test_the_next_steps_follow_stage_prerequisites_and_repetition():
    assert [r.name for r in next_steps("applicant", False, {}, RULES)] == ["talk"]
    after_talk = [r.name for r in next_steps("applicant", False, {"talk": 1}, RULES)]
    assert after_talk == ["activist"]
    activist = [r.name for r in next_steps("activist", False, {"talk": 1, "activist": 1, "assessment": 1}, RULES)]
    assert activist == ["activist_filed", "contacts", "assessment"]  # assessment repeats; candidate needs more
    assert next_steps("candidate", True, {}, RULES) == []  # a failed review stops development
