"""工作督查 of imported histories: the rules that refuse a keyed step, run over a complete history
recorded elsewhere, list what they would have refused instead of refusing. Pure.

The history is taken in date order (steps of one day in the 细则's order of steps). Each step is
judged against the steps before it, as if it were being keyed on that day, and then counted as
done whatever the verdict, so one early step is reported once and the steps after it are judged
on their own.
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
    """Every rule a complete history breaks, in date order (empty: it is clean); `index` points
    into `history` as given."""
    found = [Violation(None, "application", applicant.applied_on, message)
             for message in application_problems(applicant, versions)]
    state = fold(applicant, (), versions)
    def order(item: tuple[int, Step]) -> tuple[date, int]:
        rule = rule_of(item[1].name, item[1].on, versions)
        return item[1].on, rule.number if rule is not None else 0

    for index, step in sorted(enumerate(history), key=order):
        try:
            messages = problems(state, step, today, supervising=True)
        except FieldErrors as error:
            messages = [str(message) for message in error.fields.values()]
        found += [Violation(index, step.name, step.on, message) for message in messages]
        rule = rule_of(step.name, step.on, versions)
        if rule is not None:
            state.apply(step, rule)
    return found
