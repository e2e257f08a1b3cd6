"""Identifiers from outside: a UUID or a record number that does not parse names nothing, so it is
not found."""
import uuid

from .errors import NotFound


def uuid_or_not_found(value, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(message) from None


def int_or_not_found(value, message: str) -> int:
    """A positive 64-bit record number (an int or its digits); anything else is not found."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value)
        if not 0 < number < 2 ** 63:
            raise ValueError
        return number
    except (TypeError, ValueError):
        raise NotFound(message) from None
