"""Identifiers from outside: a UUID that does not parse names nothing, so it is not found."""
import uuid

from .errors import NotFound


def uuid_or_not_found(value, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(message) from None
