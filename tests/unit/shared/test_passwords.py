from datetime import datetime, timedelta, timezone

import pytest

from services.shared.passwords import (
    PASSWORD_MAX_AGE_DAYS,
    PASSWORD_MAX_LENGTH,
    password_expired,
    password_problem,
    user_words,
)

GOOD = "Tiger#Lake29x"
WEAK = "密码过于常见或容易猜测"


@pytest.mark.parametrize(
    "pw",
    [
        "Tiger7Lake29x",  # lower, upper, digit
        "river cloud 7!",  # lower, digit, symbol (space counts as a symbol)
        "MOUNTAIN#RIVER7",  # upper, digit, symbol
        "Ruby!Fern#Oak",  # lower, upper, symbol
        "Kv8!pLz3Qw",  # all four, random
        "密码Xq7#mLp2zt",
    ],
)
def test_acceptable_passwords(pw):
    assert password_problem(pw, "zhangsan") is None


@pytest.mark.parametrize("pw", ["", "Ab1!", "Kv8!pLz"])
def test_too_short(pw):
    assert password_problem(pw, "zhangsan") == "密码长度不能少于8位"


def test_exactly_eight_is_long_enough_for_the_length_rule():
    assert password_problem("Kv8!pLz3", "zhangsan") != "密码长度不能少于8位"


def test_too_long():
    assert password_problem("Kv8!pLz3" * 17, "zhangsan") == f"密码长度不能超过{PASSWORD_MAX_LENGTH}位"
    assert password_problem(("Kv8!pLz3Qw" * 13)[:PASSWORD_MAX_LENGTH], "zhangsan") is None


@pytest.mark.parametrize(
    "pw",
    ["abcdefgh", "ABCDEFGH", "12345678", "!@#$%^&*", "abcd1234", "ABCD1234", "abcdEFGH", "abcd!@#$", "1234!@#$"],
)
def test_fewer_than_three_classes(pw):
    assert password_problem(pw, "zhangsan") == "密码须包含小写字母、大写字母、数字、符号中的至少三类"


@pytest.mark.parametrize("pw", ["zhangsan1A!", "Xzhangsan9", "ZhangSan#2024", "xx!ZHANGSAN1"])
def test_contains_username_case_insensitively(pw):
    assert password_problem(pw, "zhangsan") == "密码不能包含用户名"
    assert password_problem(pw, " ZhangSan ") == "密码不能包含用户名"


def test_very_short_username_is_not_checked():
    # "li" appears in countless words; only usernames of 3+ characters are checked.
    assert password_problem("Climb#2024", "li") is None
    assert password_problem("Climb#2024", "lim") == "密码不能包含用户名"


# --- strength (zxcvbn), not only character classes ---------------------------------------------

@pytest.mark.parametrize("pw", ["Password1", "P@ssw0rd", "Admin@123", "Aa123456", "1qaz@WSX"])
def test_the_classic_weak_passwords_are_refused_whoever_asks(pw):
    """All five pass the class rule (3+ classes, 8+ characters) yet are in every guessing list."""
    for username in ("zhangsan", "wanglei", ""):
        problem = password_problem(pw, username)
        assert problem is not None and problem.startswith(WEAK), (pw, username, problem)


@pytest.mark.parametrize("pw, why", [
    ("Password1", "常见密码"),
    ("P@ssw0rd", "与常见密码相似"),
    ("Welcome@2026", "与常见密码相似"),
    ("Ab1!Ab1!", "重复"),
    ("abcdef1!", "连续的字母或数字"),
])
def test_the_message_says_why(pw, why):
    assert why in password_problem(pw, "zhangsan")


def test_the_organization_name_and_the_system_name_count_as_guessable():
    assert password_problem("Hongxing#2026", "zhangsan") is None
    assert password_problem("Hongxing#2026", "zhangsan", names=("hongxing",)).startswith(WEAK)
    assert "单位名称" in password_problem("Hongxing#2026", "zhangsan", names=("hongxing",))
    assert password_problem("Dangyuan#2026", "zhangsan").startswith(WEAK)
    assert password_problem("Pmis#2026", "zhangsan").startswith(WEAK)


def test_user_words_hold_the_account_the_org_and_the_system():
    words = user_words(" ZhangSan ", "红星村党支部", None, "")
    assert words[:2] == ["zhangsan", "红星村党支部"]
    assert "pmis" in words and "dangyuan" in words


@pytest.mark.parametrize("pw", ["Strong#Pass2026", "Start#Pass2026s", "Staff#Work2026s", "Bench#Pass2026"])
def test_the_passwords_the_tests_and_benchmarks_use_pass(pw):
    assert password_problem(pw, "admin") is None


def test_empty_or_missing_username_does_not_block():
    assert password_problem(GOOD, "") is None
    assert password_problem(GOOD, None) is None


def test_must_differ_from_old():
    assert password_problem(GOOD, "zhangsan", old=GOOD) == "新密码不能与旧密码相同"
    assert password_problem(GOOD, "zhangsan", old="Tiger#Lake29y") is None
    assert password_problem(GOOD, "zhangsan", old=None) is None


def test_non_string_password():
    assert password_problem(None, "zhangsan") == "密码应为文本"
    assert password_problem(12345678, "zhangsan") == "密码应为文本"


def test_max_age_constant():
    assert PASSWORD_MAX_AGE_DAYS == 90


def test_password_expired_boundary():
    changed = datetime(2024, 1, 1, 8, 0)
    assert not password_expired(changed, changed)
    assert not password_expired(changed, changed + timedelta(days=89, hours=23, minutes=59))
    assert password_expired(changed, changed + timedelta(days=90))
    assert password_expired(changed, changed + timedelta(days=365))


def test_password_expired_with_aware_datetimes():
    changed = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert not password_expired(changed, datetime(2024, 3, 30, tzinfo=timezone.utc))
    assert password_expired(changed, datetime(2024, 3, 31, tzinfo=timezone.utc))
