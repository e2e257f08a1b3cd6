"""The dues rules' one refusal: a rule says no (`.messages`, `.message` in Chinese)."""
from __future__ import annotations

from services.shared.field_errors import RuleViolation


class DuesRefused(RuleViolation):
    """A base, payment, 大额党费 or exemption the rules refuse; every reason is listed."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("；".join(self.messages))
