"""Login lockout and account status (services/org/domain/lockout.py), and the unknown-user
verify that keeps a missing username as slow as a wrong password (services/org/passwords.py)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.org import passwords
from services.org.domain.lockout import (
    LOCK_AFTER_FAILURES,
    LOCK_MINUTES,
    LOCKED_MESSAGE,
    account_status,
    after_failure,
    is_locked,
)

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)


def test_the_constants_of_the_issue():
    assert (LOCK_AFTER_FAILURES, LOCK_MINUTES) == (5, 15)
    assert "已锁定，请15分钟后再试" in LOCKED_MESSAGE


def test_four_failures_count_and_the_fifth_locks_for_fifteen_minutes():
    count, locked_until = 0, None
    for expected in range(1, LOCK_AFTER_FAILURES):
        count, locked_until = after_failure(count, NOW)
        assert (count, locked_until) == (expected, None)
    count, locked_until = after_failure(count, NOW)
    assert count == 0 and locked_until == NOW + timedelta(minutes=15)


def test_a_lock_holds_until_its_end():
    until = NOW + timedelta(minutes=15)
    assert not is_locked(None, NOW)
    assert is_locked(until, NOW)
    assert is_locked(until, until - timedelta(seconds=1))
    assert not is_locked(until, until)
    assert not is_locked(NOW - timedelta(minutes=1), NOW)


def test_status_labels_in_china_time():
    assert account_status(None, None, NOW) == ("active", "正常")
    assert account_status(None, NOW - timedelta(minutes=1), NOW) == ("active", "正常")  # the lock has run out
    assert account_status(None, NOW + timedelta(minutes=15), NOW) == ("locked", "已锁定至2026-12-02 14:15")
    assert account_status(NOW, NOW + timedelta(minutes=15), NOW) == ("disabled", "已停用")


@pytest.fixture
def verified(monkeypatch):
    """The hashes argon2 was asked to verify against."""
    seen = []
    real, dummy = passwords.hashing()

    class Spy:
        def hash(self, password):
            return real.hash(password)

        def verify(self, password_hash, password):
            seen.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(passwords, "hashing", lambda: (Spy(), dummy))
    return seen, dummy


def test_an_unknown_user_costs_one_argon2_verify_like_a_wrong_password(verified):
    """No hash (no such account) still runs argon2, against a dummy hash, and is refused."""
    seen, dummy = verified
    stored = passwords.hash_password("Tiger#Lake29x")
    assert passwords.verify_password(stored, "Wrong#Lake29x") is False
    assert passwords.verify_password(None, "Wrong#Lake29x") is False
    assert passwords.verify_password(None, "pmis-no-such-account") is False  # even the dummy's own password
    assert seen == [stored, dummy, dummy]
    assert dummy.split("$")[:4] == stored.split("$")[:4]  # same algorithm and cost


def test_the_right_password_verifies(verified):
    stored = passwords.hash_password("Tiger#Lake29x")
    assert passwords.verify_password(stored, "Tiger#Lake29x") is True
    assert verified[0] == [stored]


def test_the_deployment_default_is_the_libraries_own_and_a_test_profile_is_chosen_by_setting(monkeypatch):
    monkeypatch.delenv("PMIS_PASSWORD_HASH_PROFILE", raising=False)
    default = passwords.hash_password("Tiger#Lake29x")
    assert default.split("$")[3] == "m=65536,t=3,p=4"  # argon2-cffi's PasswordHasher() (RFC 9106 low memory)
    monkeypatch.setenv("PMIS_PASSWORD_HASH_PROFILE", "CHEAPEST")
    cheap = passwords.hash_password("Tiger#Lake29x")
    assert cheap.split("$")[3] == "m=8,t=1,p=1"
    # A hash carries its parameters: one made under either profile verifies under the other.
    assert passwords.verify_password(default, "Tiger#Lake29x") is True
    monkeypatch.delenv("PMIS_PASSWORD_HASH_PROFILE")
    assert passwords.verify_password(cheap, "Tiger#Lake29x") is True


def test_an_unknown_profile_is_a_clear_configuration_error(monkeypatch):
    monkeypatch.setenv("PMIS_PASSWORD_HASH_PROFILE", "FAST")
    with pytest.raises(ValueError, match="PMIS_PASSWORD_HASH_PROFILE 应为"):
        passwords.hash_password("Tiger#Lake29x")
