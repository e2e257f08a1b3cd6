"""Login lockout and an account's status: pure rules (issue 9 §1).

Five consecutive failed logins lock an account for 15 minutes, even against the right password;
a success resets the count. The lock ends by itself or when an administrator unlocks it.
"""
from datetime import datetime, timedelta, timezone

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
# Times shown to staff: the deployment is in China, the database keeps UTC.
CHINA_TIME = timezone(timedelta(hours=8))
LOCKED_MESSAGE = f"连续{LOCK_AFTER_FAILURES}次登录失败，账号已锁定，请{LOCK_MINUTES}分钟后再试，或请管理员解锁"


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def after_failure(failed_count: int, now: datetime) -> tuple[int, datetime | None]:
    """(failed_count, locked_until) after one more failure: the fifth locks and starts the count again."""
    failed_count += 1
    if failed_count >= LOCK_AFTER_FAILURES:
        return 0, now + timedelta(minutes=LOCK_MINUTES)
    return failed_count, None


def account_status(disabled_at: datetime | None, locked_until: datetime | None, now: datetime) -> tuple[str, str]:
    """(code, Chinese label) as administrators see it (aware datetimes)."""
    if disabled_at is not None:
        return "disabled", "已停用"
    if is_locked(locked_until, now):
        return "locked", f"已锁定至{locked_until.astimezone(CHINA_TIME):%Y-%m-%d %H:%M}"
    return "active", "正常"
