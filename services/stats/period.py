"""The report date (报告期截止日) the counters are counted by: the root organization's 系统设置
`report_date` (docs/SETTINGS.md), one for the whole deployment, as every report sums its subtree's
organizations and all must share one period. Report year N covers the days after the report date
of N−1 up to and including that of N (domain/counters.report_year); 12-31 makes it the calendar year.

Kept in stats.report_period (one row) from the org service's `report_date_changed` events, so every
ingester batch, recount and report reads it in its own transaction. A change is applied by an
ingester like any event (consumers.apply_states): under the move lock held exclusively, so no other
batch is counting meanwhile, it stores the new date and recounts every counter from the counted
states by it in the same transaction (recount.recount_counted, the rebuild's own correction). So
the counters never mix two report dates, and the change needs no 重新统计 by hand.
"""
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .domain.counters import CALENDAR, report_year

__all__ = ["CUTOFF", "REPORT_DATE_CHANGED", "current_year", "cutoff", "cutoff_of", "latest_possible_year",
           "newest_change", "parse", "period_end", "period_start", "report_year", "store"]
from .models import report_period

REPORT_DATE_CHANGED = "report_date_changed"


def parse(text) -> tuple[int, int]:
    """(月, 日) of a stored "MM-DD" (anything else: 12-31)."""
    try:
        month, day = (int(part) for part in str(text).split("-"))
        date(2025, month, day)
    except (TypeError, ValueError):
        return CALENDAR
    return month, day


CUTOFF = select(report_period.c.cutoff)  # one row, or none before the first change


def cutoff(session: Session) -> tuple[int, int]:
    """The report date in force, (月, 日)."""
    return cutoff_of(session.execute(CUTOFF).scalar())


def cutoff_of(stored) -> tuple[int, int]:
    """The report date in force from what CUTOFF read (None: nothing stored, 12-31)."""
    return parse(stored) if stored else CALENDAR


def current_year(session: Session, today: date | None = None) -> int:
    """The report year today belongs to (its year end is the next report date)."""
    return report_year(today or date.today(), cutoff(session))


def latest_possible_year(today: date | None = None) -> int:
    """The latest report year any report date allows, before it is read: the calendar year after this
    one (a report date before 12-31 starts it early). A request's year within it is read ahead and
    checked against the report date once that is read."""
    return (today or date.today()).year + 1


def period_end(year: int, found: tuple) -> str:
    """The ISO report date of report year `year`."""
    return f"{int(year):04d}-{found[0]:02d}-{found[1]:02d}"


def period_start(year: int, found: tuple) -> date:
    """The first day of report year `year` (the day after the previous year's report date)."""
    return date.fromordinal(date(int(year) - 1, found[0], found[1]).toordinal() + 1)


def newest_change(events: list) -> dict | None:
    """The newest report_date_changed of a batch (by its version), or None."""
    changes = [event for event in events if event["type"] == REPORT_DATE_CHANGED]
    return max(changes, key=lambda event: int(event["aggregate_version"])) if changes else None


def store(session: Session, event: dict) -> tuple | None:
    """Store the report date an event carries if it is newer than the stored one: the new (月, 日),
    or None (older, repeated, or the same date)."""
    payload = event.get("payload") or {}
    new = parse(payload.get("report_date") or "12-31")
    row = session.execute(select(report_period).with_for_update()).one()
    if int(event["aggregate_version"]) <= row.version:
        return None
    session.execute(update(report_period).values(cutoff=f"{new[0]:02d}-{new[1]:02d}",
                                                 version=int(event["aggregate_version"]), changed_at=func.now()))
    return None if parse(row.cutoff) == new else new
