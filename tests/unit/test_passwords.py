from datetime import datetime, timedelta, timezone

import pytest

from services.shared.passwords import PASSWORD_MAX_AGE_DAYS, password_expired, password_problem

GOOD = "Abcdef12"


@pytest.mark.parametrize(
    "pw",
    [
        "Abcdef12",  # lower, upper, digit
        "abcdef1!",  # lower, digit, symbol
        "ABCDEF1!",  # upper, digit, symbol
        "Abcdefg!",  # lower, upper, symbol
        "Ab1!Ab1!",  # all four
        "Ab1 good day",  # space counts as a symbol
        "密码Abc12345",
    ],
)
def test_acceptable_passwords(pw):
    assert password_problem(pw, "zhangsan") is None


@pytest.mark.parametrize("pw", ["", "Ab1!", "Abc12!x"])
def test_too_short(pw):
    assert password_problem(pw, "zhangsan") == "密码长度不能少于8位"


def test_exactly_eight_is_long_enough():
    assert password_problem("Abc12!xy", "zhangsan") is None


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


def test_empty_or_missing_username_does_not_block():
    assert password_problem(GOOD, "") is None
    assert password_problem(GOOD, None) is None


def test_must_differ_from_old():
    assert password_problem(GOOD, "zhangsan", old=GOOD) == "新密码不能与旧密码相同"
    assert password_problem(GOOD, "zhangsan", old="Abcdef13") is None
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
