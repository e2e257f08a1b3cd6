"""Validation failure carrying one message per bad field."""

from __future__ import annotations


class FieldErrors(Exception):
    """Raised with every bad field at once, so a form can show them all."""

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "；".join(f"{field}：{message}" for field, message in self.fields.items())


class RuleViolation(ValueError):
    """A pure rule's refusal; `.message` is Chinese and safe to show a user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RowProblems(ValueError):
    """A collection sheet's row that cannot be read: {column key: Chinese message} (every import's rules)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("；".join(fields.values()))
        self.fields = fields
