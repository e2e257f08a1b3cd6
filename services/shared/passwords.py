"""Password policy; pure, so the auth service and tests share one rule set."""

from __future__ import annotations

from datetime import datetime, timedelta

PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3
PASSWORD_MAX_AGE_DAYS = 90
# Shorter usernames would forbid too many ordinary passwords ("li" in "Climb"),
# which is also why Windows' complexity rule skips them.
_USERNAME_CHECK_MIN = 3


def _classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    symbol = any(not c.isalnum() for c in password)
    return lower + upper + digit + symbol


def password_problem(new: str, username: str, old: str | None = None) -> str | None:
    """Returns the first thing wrong with `new` as a Chinese message, or None."""
    if not isinstance(new, str):
        return "密码应为文本"
    if len(new) < PASSWORD_MIN_LENGTH:
        return f"密码长度不能少于{PASSWORD_MIN_LENGTH}位"
    if _classes(new) < PASSWORD_MIN_CLASSES:
        return "密码须包含小写字母、大写字母、数字、符号中的至少三类"
    user = username.strip() if isinstance(username, str) else ""
    if len(user) >= _USERNAME_CHECK_MIN and user.casefold() in new.casefold():
        return "密码不能包含用户名"
    if old is not None and new == old:
        return "新密码不能与旧密码相同"
    return None


def password_expired(changed_at: datetime, now: datetime) -> bool:
    return now - changed_at >= timedelta(days=PASSWORD_MAX_AGE_DAYS)
