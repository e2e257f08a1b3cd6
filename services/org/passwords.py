"""argon2 hashing of account passwords (the policy itself is pure: services.shared.passwords)."""
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from services.shared.config import setting

# argon2-cffi's named parameter sets. The default is the library's own (RFC 9106, low memory: 3
# passes over 64 MiB); CHEAPEST is for test systems only, where hundreds of logins a run cost
# seconds each on a loaded 2-core machine. A stored hash carries its own parameters, so a hash made
# under one profile still verifies under another.
PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST")


@cache
def _hashing(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher of `profile`, and a dummy hash made with it: a login for a username that does not
    exist verifies against the dummy, so it costs the same argon2 time as a wrong password and the
    response time does not tell which usernames exist."""
    if profile not in PROFILES:
        raise ValueError(f"PMIS_PASSWORD_HASH_PROFILE 应为 {' / '.join(PROFILES)} 之一，而不是 {profile!r}")
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("pmis-no-such-account")


def hashing() -> tuple[PasswordHasher, str]:
    return _hashing(setting("PMIS_PASSWORD_HASH_PROFILE").strip())


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
    return _off_the_hub(hashing()[0].hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password; with no hash (no such account) False after the same work."""
    hasher, dummy = hashing()
    try:
        ok = _off_the_hub(hasher.verify, password_hash or dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None
