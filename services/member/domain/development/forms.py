"""What a clerk fills in for each step, derived from the step's rule data (its checks and limits),
so a new version of the rules brings its forms with it. Pure.

Every step has a date and two free fields (经办人, 备注) that the rules keep but do not read; the
rest follow the step's checks. `approver_kind` (the approving organization's type) is not asked:
the wiring fills it from the organization directory.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import probation
from .rules import StepRule


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # text | int | date | bool | people
    required: bool = False
    hint: str = ""
    count: int = 1  # people: how many may be named


FREE = (FormField("actors", "经办人/参加人员", "text", hint="谈话人、推荐方式、会议主持人等"),
        FormField("note", "备注", "text"))
FREE_NAMES = frozenset(f.name for f in FREE)
TEXT_MAX = 500  # a free field's length


def _votes(params) -> tuple[FormField, ...]:
    required = not params.get("optional")
    return (FormField("entitled", "应到会有表决权的正式党员人数", "int", required),
            FormField("present", "实到会有表决权人数", "int", required),
            FormField("written", "会前提交书面意见人数", "int"),
            FormField("yes", "赞成票数（含书面意见）", "int", required, "须超过应到会有表决权人数的半数"))


def _fields_of(kind: str, params) -> tuple[FormField, ...]:
    if kind == "contacts":
        return (FormField("contacts", "培养联系人", "people", True, f"{params['min']}至{params['max']}名正式党员",
                          params["max"]),)
    if kind == "introducers":
        return (FormField("introducers", "入党介绍人", "people", True, f"{params['min']}名正式党员", params["max"]),)
    if kind == "result":
        return (FormField("passed", "审查结果", "bool", True, "不合格的，停止发展"),)
    if kind == "training":
        return (FormField("days", "培训天数", "int", hint=f"不少于{params['min_days']}天或{params['min_hours']}学时"),
                FormField("hours", "培训学时", "int"))
    if kind == "votes":
        return _votes(params)
    if kind == "probation":
        months = (FormField("months", "延长月数", "int", True, "6至12个月"),) if params["outcome"] == probation.EXTEND \
            else ()
        return (FormField("meeting_on", "支部大会日期", "date", True), *months)
    return ()  # not_temporary: the branch's or the approver's type, known to the wiring


def form_fields(rule: StepRule) -> tuple[FormField, ...]:
    """The fields of a step's form, in order (its date excluded)."""
    out: list[FormField] = []
    for kind in ("probation", "contacts", "introducers", "result", "training", "votes"):
        if kind in rule.checks:
            out += _fields_of(kind, rule.checks[kind])
    if rule.latest and rule.latest.extended_months:
        out.append(FormField("extended", "经上级组织部门同意延长审批期限", "bool",
                             hint=f"同意延长的，最长{rule.latest.extended_months}个月"))
    return (*out, *FREE)


def _shown(field: FormField, value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if field.kind == "people" and isinstance(value, list):
        return "、".join(str(person.get("name", "")) for person in value if isinstance(person, dict))
    if field.kind == "bool":
        if field.name == "passed":
            return "合格" if value is True else "不合格" if value is False else str(value)
        return "是" if value is True else "否" if value is False else str(value)
    return str(value)


def described(rule: StepRule | None, fields) -> list[tuple[str, str]]:
    """A recorded step's fields as (label, text) for people to read, in the form's order."""
    if rule is None or not isinstance(fields, dict):
        return []
    out = []
    for field in form_fields(rule):
        text = _shown(field, fields.get(field.name))
        if text is not None:
            out.append((field.label, text))
    return out


def next_steps(state_stage: str, stopped: bool, counts: dict[str, int], rules) -> list[StepRule]:
    """The steps that may be keyed now (their stage, prerequisites and repetition allow them; the
    dates and checks are judged when keyed), in the 细则's order: `counts` = step → times done."""
    if stopped:
        return []
    return [rule for rule in rules.steps.values()
            if state_stage in rule.while_stages
            and all(counts.get(name, 0) >= needed for name, needed in rule.requires.items())
            and (rule.repeat or not counts.get(rule.name))]


def step_forms(rules) -> dict[str, dict]:
    """{step: {"label", "fields": [{name, label, kind, required, hint}]}} of a rule version, in the
    细则's order (the API's list of step names and the pages' forms)."""
    return {rule.name: {"label": rule.label, "date_label": date_label(rule),
                        "fields": [field_view(f) for f in form_fields(rule)]} for rule in rules.steps.values()}


def field_view(f: FormField) -> dict:
    return {"name": f.name, "label": f.label, "kind": f.kind, "required": f.required, "hint": f.hint, "count": f.count}


def date_label(rule: StepRule) -> str:
    """What the step's date is: the approval for 转正/延长/取消 (the meeting is a field)."""
    return "审批日期" if "probation" in rule.checks else "办理日期"
