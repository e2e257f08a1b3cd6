"""argon2 hashing of account passwords (the policy itself is pure: services.shared.passwords)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A login for a username that does not exist verifies against this hash, so it costs the same
# argon2 time as a wrong password and the response time does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("pmis-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password; with no hash (no such account) False after the same work."""
    try:
        ok = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None
