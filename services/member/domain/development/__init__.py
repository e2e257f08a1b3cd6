"""发展党员: the development pipeline's rules, pure (no I/O). The wiring uses only these names:

- `Applicant`, `Step`: the inputs (the person's application date, branch kind and birth date;
  the recorded steps, oldest first, without the ones taken back by 回退).
- `parse_step(name, date, fields)`: a Step from request input (FieldErrors → 400).
- `propose(applicant, history, step, today)` → `Progress` (stage, due, joined_on …) or
  StepRefused (→ 422, `.message` in Chinese).
- `propose_many([(who, applicant, history, step), …], today)` → [Progress]: a batch, all or nothing.
- `progress(applicant, history, today)` → `Progress`: the due list and overdue steps for
  reminders.
- `undo_last(applicant, history, reason, today)` → (step taken back, reason, Progress).
- `violations(applicant, history, today)` → [Violation]: 工作督查 of an imported history.
- `decide(ProbationFacts, outcome, fields, today, org_kind)` → probation `Decision` for a member
  (转正 / 延长预备期 / 取消预备党员资格), the same checks as the `confirm`/`extend`/`cancel` steps.
- `check_application(applicant)`: the age rule when an applicant is added.
- `VERSIONS`, `rules_on(day)`: the rule versions (rules/rules_*.json) and the one in force.

docs/DEVELOPMENT.md lists the steps, their fields, limits and sources.
"""
from .errors import StepRefused
from .machine import (
    Applicant,
    Due,
    Progress,
    Step,
    check_application,
    decide,
    parse_step,
    progress,
    propose,
    propose_many,
    undo_last,
)
from .probation import CANCEL, CONFIRM, EXTEND, Decision, ProbationFacts
from .rules import VERSIONS, RuleSet, add_months, load, rules_on
from .supervision import Violation, violations

__all__ = [
    "Applicant", "Step", "Due", "Progress", "StepRefused", "Violation", "Decision", "ProbationFacts", "RuleSet",
    "CONFIRM", "EXTEND", "CANCEL", "VERSIONS", "add_months", "check_application", "decide", "load",
    "parse_step", "progress", "propose", "propose_many", "rules_on", "undo_last", "violations",
]
