"""argon2 hashing of account passwords (the policy itself is pure: services.shared.passwords)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A login for a username that does not exist verifies against this hash, so it costs the same
# argon2 time as a wrong password and the response time does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("pmis-no-such-account")


def _off_the_hub(function, *args):
    """argon2 is ~0.1 s of CPU in C (more on a busy machine). Run in eventlet's one OS thread it
    would stall every other worker of the service — each request's session resolve included —
    so under eventlet it runs in a native thread (CFFI releases the GIL)."""
    try:
        from eventlet import patcher, tpool
    except ImportError:
        return function(*args)
    if not patcher.is_monkey_patched("thread"):
        return function(*args)
    return tpool.execute(function, *args)


def hash_password(password: str) -> str:
    return _off_the_hub(_hasher.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password; with no hash (no such account) False after the same work."""
    try:
        ok = _off_the_hub(_hasher.verify, password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None
