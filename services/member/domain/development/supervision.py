"""工作督查 of imported histories: the rules that refuse a keyed step, run over a complete history
recorded elsewhere, list what they would have refused instead of refusing. Pure.

Each step is judged against the steps before it, as if it were being keyed on that day, and then
counted as done whatever the verdict, so one early step is reported once and the steps after it
are judged on their own.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import FieldErrors

from .machine import Applicant, Step, application_problems, fold, problems, rule_of
from .rules import VERSIONS, RuleSet


@dataclass(frozen=True)
class Violation:
    """One finding: the step (its index in the history, None for the application itself), its
    date and the Chinese message."""
    index: int | None
    step: str
    on: date
    message: str


def violations(applicant: Applicant, history: Sequence[Step], today: date,
               versions: tuple[RuleSet, ...] = VERSIONS) -> list[Violation]:
    """Every rule a complete history breaks, in history order (empty: it is clean)."""
    found = [Violation(None, "application", applicant.applied_on, message)
             for message in application_problems(applicant, versions)]
    state = fold(applicant, (), versions)
    for index, step in enumerate(history):
        try:
            messages = problems(state, step, today)
        except FieldErrors as error:
            messages = [str(message) for message in error.fields.values()]
        found += [Violation(index, step.name, step.on, message) for message in messages]
        rule = rule_of(step.name, step.on, versions)
        if rule is not None:
            state.apply(step, rule)
    return found
