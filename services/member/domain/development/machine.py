"""The development pipeline as a state machine over an applicant's recorded steps. Pure.

An applicant's history is the list of steps recorded so far (oldest first, 回退 ones left
out). `propose` judges one more step and returns the new progress or raises StepRefused;
`progress` says where the applicant stands (stage, steps due with their deadlines, overdue
ones); `undo_last` takes the last step back; supervision.py runs the same rules over a whole
imported history and lists what it would have refused.

A step is judged by the rule version in force on its date; deadlines by the version in force
on the date their clock started (the anchor).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date, text

from . import checks, probation
from .errors import StepRefused
from .rules import APPLICATION, PROBATION_END, VERSIONS, Limit, RuleSet, StepRule, add_months, rules_on

REASON_MAX = 500


@dataclass(frozen=True)
class Applicant:
    """What the rules need to know about the person, besides the steps: when the application was
    received, their branch's org-type code (临时党支部 cannot accept) and birth date (age)."""
    applied_on: date
    org_kind: str
    birth_date: date | None = None


@dataclass(frozen=True)
class Step:
    """One recorded (or proposed) step: its English name, its date and its fields (actors,
    results, votes…; see docs/DEVELOPMENT.md for each step's fields)."""
    name: str
    on: date
    fields: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Due:
    """A step that is now to be done: by `due_on` (None: no time limit), not before `not_before`
    (None: no waiting time); `overdue` when today is past `due_on`. Only `overdue` depends on
    today, so the wiring may store `due_on` when a step is recorded and list reminders by it."""
    step: str
    label: str
    due_on: date | None
    not_before: date | None
    overdue: bool


@dataclass(frozen=True)
class Progress:
    stage: str  # applicant | activist | candidate | probationary | full | cancelled
    stage_name: str
    due: tuple[Due, ...]
    stopped: str | None = None  # why development stopped (a failed review), else None
    joined_on: date | None = None  # 党籍 from: the accepting 支部大会 (set on approval)
    probation_ends: date | None = None
    full_on: date | None = None  # 党龄 from: the end of probation (set on 转正)
    left_on: date | None = None  # 取消预备党员资格 took effect
    # stage → the date of the step that entered it (activist, candidate…), for the counts by
    # effective date (the stage an applicant was in at a year end)
    entered: Mapping[str, date] = field(default_factory=dict)

    @property
    def overdue(self) -> tuple[Due, ...]:
        return tuple(item for item in self.due if item.overdue)


@dataclass
class _State:
    """The history folded: the stage and what the rules look up."""
    applicant: Applicant
    versions: tuple[RuleSet, ...]
    stage: str = "applicant"
    dates: dict[str, list[date]] = field(default_factory=dict)  # step → its dates, in order recorded
    stopped: str | None = None
    joined_on: date | None = None
    extended_months: int = 0
    extensions: int = 0
    full_on: date | None = None
    left_on: date | None = None
    entered: dict[str, date] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return len(self.dates.get(name, ()))

    def facts(self) -> probation.ProbationFacts:
        return probation.ProbationFacts(self.joined_on, self.extended_months, self.extensions)

    def probation_ends(self) -> date | None:
        if self.joined_on is None:
            return None
        return self.facts().ends(rules_on(self.joined_on, self.versions).probation)

    def anchor(self, name: str) -> date | None:
        """The date a limit counts from: the application, the probation end, or a step's last date."""
        if name == APPLICATION:
            return self.applicant.applied_on
        if name == PROBATION_END:
            return self.probation_ends()
        return max(self.dates[name]) if name in self.dates else None

    def apply(self, step: Step, rule: StepRule) -> None:
        self.dates.setdefault(step.name, []).append(step.on)
        if rule.enters:
            self.stage = rule.enters
            self.entered[rule.enters] = step.on
        if "result" in rule.checks and rule.checks["result"].get("stops") and step.fields.get("passed") is False:
            self.stopped = f"“{rule.label}”未通过，停止发展"
        if step.name == "approval":
            self.joined_on = self.anchor("branch_meeting")
        elif step.name == "extend":
            self.extended_months += _months(step)
            self.extensions += 1
        elif step.name == "confirm":
            self.full_on = self.probation_ends()
        elif step.name == "cancel":
            self.left_on = step.on


def _months(step: Step) -> int:
    try:
        return probation.months_field(step.fields)
    except FieldErrors:
        return 0


def rule_of(name: str, on: date, versions: tuple[RuleSet, ...]) -> StepRule | None:
    """The step's rule in the version in force on `on`, else in the newest version that has it."""
    found = rules_on(on, versions).step(name)
    if found is None:
        found = next((rules.step(name) for rules in reversed(versions) if rules.step(name)), None)
    return found


def fold(applicant: Applicant, history: Iterable[Step], versions: tuple[RuleSet, ...] = VERSIONS) -> _State:
    state = _State(applicant, versions)
    for step in history:
        rule = rule_of(step.name, step.on, versions)
        if rule is not None:
            state.apply(step, rule)
    return state


def parse_step(name, on, fields: Mapping | None = None, versions: tuple[RuleSet, ...] = VERSIONS) -> Step:
    """A step from request input: a known step name and a YYYY-MM-DD date (FieldErrors otherwise)."""
    errors = {}
    if not isinstance(name, str) or not any(rules.step(name) for rules in versions):
        errors["step"] = "未知的发展步骤"
    try:
        day = iso_date(on)
    except ValueError as error:
        errors["date"] = str(error)
    if fields is not None and not isinstance(fields, Mapping):
        errors["fields"] = "格式错误"
    if errors:
        raise FieldErrors(errors)
    return Step(name, day, dict(fields or {}))


def _period(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def _requirement_met_on(state: _State, name: str, needed: int) -> date:
    """The date the n-th required occurrence happened (dates in order)."""
    return sorted(state.dates[name])[needed - 1]


def problems(state: _State, step: Step, today: date, *, supervising: bool = False) -> list[str]:
    """Every refusal of `step` after the folded history (FieldErrors for malformed fields).
    `supervising` (an imported history) leaves out the stage check: a step keyed out of order
    is reported once, by its missing prerequisites, not again by every step after it."""
    rules = rules_on(step.on, state.versions)
    rule = rule_of(step.name, step.on, state.versions)
    if rule is None:
        raise FieldErrors({"step": "未知的发展步骤"})
    if step.on > today:
        raise FieldErrors({"date": "日期不能晚于今天"})
    label = f"“{rule.label}”"
    out = []
    if step.on < state.applicant.applied_on:
        out.append(f"{label}的日期不能早于提出入党申请的日期（{state.applicant.applied_on.isoformat()}）")
    if state.stopped:
        out.append(state.stopped)
    if state.stage not in rule.while_stages and not supervising:
        out.append(f"当前为{rules.stages.get(state.stage, state.stage)}，不能办理{label}")
    elif state.count(step.name) and not rule.repeat:
        out.append(f"{label}已办理，不能重复")
    missing = [_missing_text(rules, name, needed, state.count(name))
               for name, needed in rule.requires.items() if state.count(name) < needed]
    if missing:
        out.append(f"办理{label}须先完成：" + "、".join(missing))
    for name, needed in rule.requires.items():
        if state.count(name) >= needed and step.on < (before := _requirement_met_on(state, name, needed)):
            out.append(f"{label}的日期不能早于“{rules.label(name)}”的日期（{before.isoformat()}）")
    out += _limit_problems(state, rules, rule, step)
    out += _check_problems(state, rules, rule, step)
    return out


def _missing_text(rules: RuleSet, name: str, needed: int, have: int) -> str:
    text_ = f"“{rules.label(name)}”"
    return text_ + (f"（需{needed}次，已有{have}次）" if needed > 1 else "")


def _limit_problems(state: _State, rules: RuleSet, rule: StepRule, step: Step) -> list[str]:
    out = []
    label = f"“{rule.label}”"
    if rule.earliest and (start := state.anchor(rule.earliest.after)) is not None:
        first = add_months(start, rule.earliest.months)
        if step.on < first:
            out.append(f"{label}须在“{rules.label(rule.earliest.after)}”满{_period(rule.earliest.months)}后办理"
                       f"（最早{first.isoformat()}）")
    if rule.latest and (start := state.anchor(rule.latest.after)) is not None:
        extended = step.fields.get("extended") is True and rule.latest.extended_months
        months = rule.latest.extended_months if extended else rule.latest.months
        last = add_months(start, months)
        if step.on > last:
            more = "" if extended or not rule.latest.extended_months else \
                f"；经上级组织部门同意延长的（extended），最长{_period(rule.latest.extended_months)}"
            out.append(f"{label}应在“{rules.label(rule.latest.after)}”后{_period(months)}内办理"
                       f"（最迟{last.isoformat()}）{more}")
    return out


def _check_problems(state: _State, rules: RuleSet, rule: StepRule, step: Step) -> list[str]:
    out: list[str] = []
    errors: dict[str, str] = {}
    for kind, params in rule.checks.items():
        try:
            if kind == "not_temporary":
                out += checks.not_temporary(params, step.fields, state.applicant.org_kind, rules.temporary_org_kinds)
            elif kind == "probation":
                out += _probation_problems(state, rules, params["outcome"], step)
            else:
                out += getattr(checks, kind)(params, step.fields)
        except FieldErrors as error:
            errors.update(error.fields)
    if errors:
        raise FieldErrors(errors)
    return out


def _probation_problems(state: _State, rules: RuleSet, outcome: str, step: Step) -> list[str]:
    meeting_on = probation.meeting_date(step.fields)
    months = probation.months_field(step.fields) if outcome == probation.EXTEND else None
    if state.joined_on is None:
        return []  # approval missing: already refused as a prerequisite
    return probation.problems(state.facts(), outcome, meeting_on, step.on, months, rules.probation)


def _deadline(state: _State, rule: StepRule, limit: Limit, since: date | None) -> date | None:
    """`since` + the limit of the version in force on `since` (when it still has this limit)."""
    if since is None:
        return None
    then = rules_on(since, state.versions).step(rule.name)
    then_limit = (then.every if limit is rule.every else then.deadline) if then is not None else None
    return add_months(since, (then_limit or limit).months)


def _due(state: _State, today: date) -> tuple[Due, ...]:
    rules = rules_on(today, state.versions)
    out = []
    for rule in rules.steps.values():
        if state.stopped or state.stage not in rule.while_stages or rule.optional:
            continue
        done = state.count(rule.name)
        due_on = None
        if rule.every and state.stage in rule.every.while_stages:
            since = state.anchor(rule.every.after)
            if since is not None:
                due_on = _deadline(state, rule, rule.every, max([since, *state.dates.get(rule.name, [])]))
        elif done and not rule.repeat:
            continue
        elif rule.deadline and not done:
            due_on = _deadline(state, rule, rule.deadline, state.anchor(rule.deadline.after))
        ready = all(state.count(name) >= needed for name, needed in rule.requires.items())
        if done and rule.repeat and due_on is None:
            continue  # a repeatable step with nothing due now
        if not ready and due_on is None:
            continue
        not_before = None
        if ready and rule.earliest and (start := state.anchor(rule.earliest.after)) is not None:
            not_before = add_months(start, rule.earliest.months)
        out.append(Due(rule.name, rule.label, due_on, not_before, due_on is not None and today > due_on))
    return tuple(out)


def progress(applicant: Applicant, history: Sequence[Step], today: date,
             versions: tuple[RuleSet, ...] = VERSIONS) -> Progress:
    """Where the applicant stands after `history`: stage, steps due (with deadlines) and overdue."""
    return _progress(fold(applicant, history, versions), today)


def _progress(state: _State, today: date) -> Progress:
    rules = rules_on(today, state.versions)
    return Progress(stage=state.stage, stage_name=rules.stages.get(state.stage, state.stage),
                    due=_due(state, today), stopped=state.stopped, joined_on=state.joined_on,
                    probation_ends=state.probation_ends() if state.stage == "probationary" else None,
                    full_on=state.full_on, left_on=state.left_on, entered=dict(state.entered))


def propose(applicant: Applicant, history: Sequence[Step], step: Step, today: date,
            versions: tuple[RuleSet, ...] = VERSIONS) -> Progress:
    """Judge one more step: the progress with it recorded, or StepRefused with every reason
    (FieldErrors for malformed input)."""
    state = fold(applicant, history, versions)
    if found := problems(state, step, today):
        raise StepRefused(found)
    state.apply(step, rule_of(step.name, step.on, versions))
    return _progress(state, today)


def propose_many(cases: Sequence[tuple[str, Applicant, Sequence[Step], Step]], today: date,
                 versions: tuple[RuleSet, ...] = VERSIONS) -> list[Progress]:
    """A batch (a training class, a 支部大会 voting on several, each with their own votes): every
    case (who, applicant, history, step) is judged before anything is written, and one refusal
    refuses the whole batch, each refused person named ("张三：…"). Bad input of several people
    becomes FieldErrors keyed by who."""
    results, refused, errors = [], [], {}
    for who, applicant, history, step in cases:
        try:
            results.append(propose(applicant, history, step, today, versions))
        except StepRefused as error:
            refused.append(f"{who}：{error.message}")
        except FieldErrors as error:
            errors[who] = str(error)
    if errors:
        raise FieldErrors(errors)
    if refused:
        raise StepRefused(refused)
    return results


def undo_last(applicant: Applicant, history: Sequence[Step], reason, today: date,
              versions: tuple[RuleSet, ...] = VERSIONS) -> tuple[Step, str, Progress]:
    """回退 of the last step: (the step taken back, the reason cleaned, the progress without it).
    Refused with nothing to undo or for a step whose effect lives elsewhere (审批: the member
    exists; 转正, 取消: the member's standing changed) — those are corrected on the member."""
    try:
        cleaned = text(reason, REASON_MAX)
    except ValueError as error:
        raise FieldErrors({"reason": f"回退原因：{error}"}) from None
    if not history:
        raise StepRefused(["没有可回退的步骤"])
    last = history[-1]
    rule = rule_of(last.name, last.on, versions)
    if rule is not None and not rule.undo:
        raise StepRefused([f"“{rule.label}”已生效，不能回退；请在党员信息中更正"])
    return last, cleaned, progress(applicant, history[:-1], today, versions)


def application_problems(applicant: Applicant, versions: tuple[RuleSet, ...] = VERSIONS) -> list[str]:
    """Refusals of the application itself: the age on the day it was received."""
    rules = rules_on(applicant.applied_on, versions)
    if applicant.birth_date is not None and \
            applicant.applied_on < add_months(applicant.birth_date, 12 * rules.min_age_years):
        return [f"提出入党申请时须年满{rules.min_age_years}周岁"]
    return []


def check_application(applicant: Applicant, versions: tuple[RuleSet, ...] = VERSIONS) -> None:
    """StepRefused when the application itself breaks a rule (for adding an applicant)."""
    if found := application_problems(applicant, versions):
        raise StepRefused(found)


def decide(facts: probation.ProbationFacts, outcome: str, fields: Mapping, today: date, org_kind: str | None = None,
           versions: tuple[RuleSet, ...] = VERSIONS) -> probation.Decision:
    """A probation outcome (confirm / extend / cancel) for a member, with or without a development
    history in PMIS: `fields` = {meeting_on, approved_on, months (extend only), votes
    (optional)}; `org_kind` = the member's branch type. Runs the same checks as the outcome's
    step. FieldErrors for bad input, StepRefused with every refusal otherwise."""
    if outcome not in probation.OUTCOMES:
        raise FieldErrors({"outcome": "应为 confirm（转正）、extend（延长预备期）或 cancel（取消预备党员资格）"})
    errors = {}
    try:
        approved_on = iso_date(fields.get("approved_on"))
    except ValueError as error:
        errors["approved_on"] = f"审批日期：{error}"
    parts = [probation.meeting_date] + ([probation.months_field] if outcome == probation.EXTEND else [])
    for part in parts:
        try:
            part(fields)
        except FieldErrors as error:
            errors.update(error.fields)
    if not errors and max(approved_on, probation.meeting_date(fields)) > today:
        errors["approved_on"] = "日期不能晚于今天"
    if errors:
        raise FieldErrors(errors)
    state = _State(Applicant(facts.joined_on, org_kind or ""), versions, stage="probationary",
                   joined_on=facts.joined_on, extended_months=facts.extended_months, extensions=facts.extensions)
    rules = rules_on(approved_on, versions)
    step = Step(outcome, approved_on, fields)
    if found := _check_problems(state, rules, rules.steps[outcome], step):
        raise StepRefused(found)
    months = probation.months_field(fields) if outcome == probation.EXTEND else None
    return probation.decision(facts, outcome, probation.meeting_date(fields), approved_on, months, rules.probation)
