"""Typed errors every service raises and the gateway maps to HTTP.

They cross nameko RPC as {exc_type, exc_args}: args are (message, fields) so the gateway can
rebuild the one error body `{"error": {"code", "message", "fields"}}` without importing services.
Registered with nameko so a service calling another gets the same typed error back, not a
RemoteError, and passes it on unchanged.
"""
from nameko.exceptions import deserialize_to_instance


class PmisError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, fields or {})
        self.message = message
        self.fields = fields or {}

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class ValidationFailed(PmisError):
    code = "validation"
    status = 400


@deserialize_to_instance
class Unauthorized(PmisError):
    code = "unauthorized"
    status = 401


@deserialize_to_instance
class Forbidden(PmisError):
    code = "forbidden"
    status = 403


@deserialize_to_instance
class NotFound(PmisError):
    code = "not_found"
    status = 404


@deserialize_to_instance
class Conflict(PmisError):
    code = "conflict"
    status = 409


@deserialize_to_instance
class Refused(PmisError):
    """A rule says no to well-formed input (a development step out of order, too early, a vote
    short of the majority…): 422 with the rule's Chinese message."""
    code = "refused"
    status = 422


@deserialize_to_instance
class Locked(PmisError):
    """Too many failed logins: the account is locked for a while (429, even with the right password)."""
    code = "locked"
    status = 429


@deserialize_to_instance
class Unavailable(PmisError):
    code = "unavailable"
    status = 503


BY_NAME = {cls.__name__: cls for cls in (ValidationFailed, Unauthorized, Forbidden, NotFound, Conflict, Refused, Locked,
                                          Unavailable)}


def validated(validate, data, what: str):
    """Run a pure validator; its FieldErrors become one ValidationFailed with every field."""
    from .field_errors import FieldErrors

    try:
        return validate(data)
    except FieldErrors as exc:
        raise ValidationFailed(f"{what}信息有误：{exc}", exc.fields) from None
