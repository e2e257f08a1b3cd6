"""Password policy; pure, so the auth service and tests share one rule set.

Character classes alone let `P@ssw0rd` and `1qaz@WSX` through, so a password must also
satisfy zxcvbn (Dropbox's strength estimator: common-password lists, keyboard walks, l33t
substitutions, dates, repeats), judged with the username and the organization's name as
words an attacker would try first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from zxcvbn import zxcvbn

PASSWORD_MIN_LENGTH = 8
# argon2 hashes any length, but an unbounded one is an easy way to burn a server's CPU.
PASSWORD_MAX_LENGTH = 128
# zxcvbn's score 3 = "safely unguessable": about 10^8 guesses or more.
PASSWORD_MIN_SCORE = 3
# Words anyone attacking this system tries first, whatever the account.
SYSTEM_WORDS = ("pmis", "dangyuan", "dangjian", "dangwei", "zhibu", "gongchandang", "党员", "党建", "党委", "支部")
# zxcvbn is quadratic in length; what makes a long password weak shows in its first 64 characters.
_ANALYSED_LENGTH = 64
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


# zxcvbn's warnings (English) → why, in the UI's language.
_WARNINGS = (
    ("common password", "这是常见密码"),
    ("top-10", "这是最常见的密码之一"),
    ("top-100", "这是最常见的密码之一"),
    ("similar to a commonly used", "与常见密码相似，只替换了个别字母或符号"),
    ("keys", "使用了键盘上相邻的按键"),
    ("keyboard", "使用了键盘上相邻的按键"),
    ("repeats", "含有重复的字符或片段"),
    ("sequences", "含有连续的字母或数字（如abc、123）"),
    ("years", "含有年份"),
    ("dates", "含有日期"),
    ("names", "含有常见姓名"),
    ("word by itself", "只是一个常见单词"),
)


def _weakness(result: dict) -> str:
    if any(m.get("dictionary_name") == "user_inputs" for m in result.get("sequence", ())):
        return "含有用户名、单位名称或系统名称"
    warning = (result.get("feedback") or {}).get("warning", "").lower()
    for fragment, reason in _WARNINGS:
        if fragment in warning:
            return reason
    return "组合过于简单"


def user_words(username, *names) -> list[str]:
    """What an attacker tries first for this account: its name, its organization's names, the system's."""
    words = [w.strip().lower() for w in (username, *names) if isinstance(w, str) and w.strip()]
    return words + list(SYSTEM_WORDS)


def strength_problem(password: str, words: list[str]) -> str | None:
    result = zxcvbn(password[:_ANALYSED_LENGTH], user_inputs=words)
    if result["score"] >= PASSWORD_MIN_SCORE:
        return None
    return f"密码过于常见或容易猜测（{_weakness(result)}），请换一个更长、更难猜的密码"


def password_problem(new: str, username: str, old: str | None = None, names: tuple = ()) -> str | None:
    """Returns the first thing wrong with `new` as a Chinese message, or None.
    `names`: the organization's names (and anything else about the account an attacker knows)."""
    if not isinstance(new, str):
        return "密码应为文本"
    if len(new) < PASSWORD_MIN_LENGTH:
        return f"密码长度不能少于{PASSWORD_MIN_LENGTH}位"
    if len(new) > PASSWORD_MAX_LENGTH:
        return f"密码长度不能超过{PASSWORD_MAX_LENGTH}位"
    if _classes(new) < PASSWORD_MIN_CLASSES:
        return "密码须包含小写字母、大写字母、数字、符号中的至少三类"
    user = username.strip() if isinstance(username, str) else ""
    if len(user) >= _USERNAME_CHECK_MIN and user.casefold() in new.casefold():
        return "密码不能包含用户名"
    if old is not None and new == old:
        return "新密码不能与旧密码相同"
    return strength_problem(new, user_words(user, *names))


def password_expired(changed_at: datetime, now: datetime) -> bool:
    return now - changed_at >= timedelta(days=PASSWORD_MAX_AGE_DAYS)
