"""Probation (预备期): one year from the branch meeting that accepted the member, which is the
date joined for a probationary member (RULES.md §2). A decision (转正, extension or
cancellation) is due when it ends."""
from datetime import date, timedelta

from services.shared.settings import SETTINGS

# The 转正 reminder's lead time by default; an organization's own is its 系统设置 (docs/SETTINGS.md).
REMINDER_DAYS = SETTINGS["probation_reminder_days"].default


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def probation_ends(joined_on: date) -> date:
    return add_years(joined_on, 1)


def ending_soon_range(today: date, days: int = REMINDER_DAYS) -> tuple[date, date]:
    """Dates joined whose probation ends between today and today + days (inclusive)."""
    return add_years(today, -1), add_years(today + timedelta(days=days), -1)


def overdue_joined_before(today: date) -> date:
    """Probation that ended before today: joined before this date."""
    return add_years(today, -1)
