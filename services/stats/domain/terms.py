"""What a term (届次) and its committee count in the annual report's 换届 tables, dated by the
effective dates the org service's term events carry (docs/TERMS.md, Statistics). Pure.

A term counts at its organization and every one above (RULES.md §7 gives no table: the columns
are PMIS's own):

- flows: `term_elected` by method (党员大会选举 1, 代表大会选举 2, 上级指派 3) in the year of its
  election day, `term_first` (the organization's first term) likewise; `term_expiring` in the
  year of its 届满 date unless it was closed (an early 换届) before that year began;
- stocks at the report date (12-31 by default; each date in its report year, counters.year_of):
  `term_open` (elected / appointed) from the election day until it closed (换届 or
  撤销); `term_overdue` from the day after its due date (the approved postponement's, or 届满) while
  still open; `term_postponed` from the day after 届满 until the postponement ends, while open;
- committee members in office on 12-31 (`committee_post` by post, `committee_how` by how they
  came), from 任职 until 离任: posts, not persons (a member in two committees counts in each).

A stock held from a day D counts at the end of D's year; one that ends on D does not. So for
every year 上年底 + 本年新增 − 本年结束 = 本年底 holds for each stock.
"""
from collections import Counter
from datetime import date, timedelta

from .counters import CALENDAR, span, year_of

TERM_EVENTS = ("term_opened", "term_closed", "term_approved", "committee_changed", "term_corrected")
ELECTED, APPOINTED = "elected", "appointed"
ELECTED_METHODS = ("1", "2")


def _day_after_year(iso, cutoff: tuple = CALENDAR) -> int | None:
    """The year of the day after `iso`: from then a date that has passed counts at a year end."""
    return year_of((date.fromisoformat(str(iso)[:10]) + timedelta(days=1)).isoformat(), cutoff) if iso else None


def term_entries(facts: dict | None, cutoff: tuple = CALENDAR) -> Counter:
    """(dimension, value, year) → n of one term, counted at its organization's path, each date in its
    report year (`cutoff`: the report date, counters.year_of)."""
    entries: Counter = Counter()
    start = year_of((facts or {}).get("elected_on"), cutoff)
    if start is None:
        return entries
    closed = year_of(facts.get("closed_on"), cutoff)
    entries[("term_elected", str(facts.get("method") or ""), start)] += 1
    if facts.get("number") == 1:
        entries[("term_first", "", start)] += 1
    open_years = (start, closed)
    span(entries, "term_open", ELECTED if facts.get("method") in ELECTED_METHODS else APPOINTED, *open_years,
         within=open_years)
    expires = facts.get("expires_on")
    if expires:
        if closed is None or closed >= year_of(expires, cutoff):
            entries[("term_expiring", "", year_of(expires, cutoff))] += 1
        due = facts.get("postponed_to") or expires
        span(entries, "term_overdue", "", _day_after_year(due, cutoff), closed, within=open_years)
        if facts.get("postponed_to"):
            until = _day_after_year(facts["postponed_to"], cutoff)
            until = until if closed is None else min(until, closed)
            span(entries, "term_postponed", "", _day_after_year(expires, cutoff), until, within=open_years)
    for row in facts.get("committee") or ():
        since = year_of(row.get("since"), cutoff)
        if since is None:
            continue
        years = (since, year_of(row.get("left_on"), cutoff))
        span(entries, "committee_post", row.get("post"), *years, within=years)
        span(entries, "committee_how", row.get("how"), *years, within=years)
    return entries


def term_of(event: dict) -> int:
    return int(event["aggregate_id"])


def term_facts(event: dict) -> dict | None:
    """The term's state an event carries (None: no term — a payload without one counts nothing)."""
    payload = event.get("payload") or {}
    return payload if payload.get("elected_on") else None


def counted_path(facts: dict | None) -> str | None:
    return (facts or {}).get("org_path")


def counted_org(facts: dict | None):
    return (facts or {}).get("org_id")
