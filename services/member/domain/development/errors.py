"""The pipeline's one refusal: a rule says no (HTTP 422 with `.message`)."""
from __future__ import annotations

from services.shared.field_errors import RuleViolation


class StepRefused(RuleViolation):
    """A step (or 回退, or a probation outcome) the rules refuse; `.messages` lists every reason,
    `.message` joins them for a user."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("；".join(self.messages))
