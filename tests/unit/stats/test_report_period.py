"""The report date (统计报告期截止日, issue 17): report year N covers the days after the report date of
N−1 up to and including that of N; every event's date counts in its report year, birth years stay
calendar years; 12-31 counts exactly as the calendar year."""
from collections import Counter
from datetime import date

import pytest

from services.stats.domain.counters import (
    CALENDAR,
    member_entries,
    org_entries,
    placed,
    report_year,
    year_of,
)
from services.stats.domain.development import applicant_entries
from services.stats.domain.mobility import mobility_entries
from services.stats.domain.tables import TABLES, evaluate, figures
from services.stats.domain.terms import term_entries
from services.stats.domain.transfers import transfer_deltas
from services.stats.period import parse, period_end, period_start

JUNE = (6, 30)
MEMBER = {"status": "active", "org_id": 5, "sex": "2", "category": "02", "ethnicity": "01",
          "birth_date": "1995-11-20", "joined_on": "2025-08-01", "education": "20", "occupation": "3"}


@pytest.mark.parametrize("day, cutoff, year", [
    (date(2025, 12, 31), CALENDAR, 2025), (date(2026, 1, 1), CALENDAR, 2026), (date(2025, 6, 30), CALENDAR, 2025),
    (date(2025, 6, 30), JUNE, 2025),  # the report date itself is the year's last day
    (date(2025, 7, 1), JUNE, 2026),   # the next day the next year's first
    (date(2025, 8, 1), JUNE, 2026), (date(2026, 1, 1), JUNE, 2026), (date(2026, 6, 30), JUNE, 2026),
    (date(2024, 2, 29), (2, 28), 2025), (date(2025, 2, 28), (2, 28), 2025), (date(2025, 1, 1), (1, 1), 2025),
    (date(2025, 1, 2), (1, 1), 2026),
])
def test_report_year_at_the_boundaries(day, cutoff, year):
    assert report_year(day, cutoff) == year
    assert year_of(day.isoformat(), cutoff) == year == year_of(f"{day.isoformat()}T08:00", cutoff)


def test_the_default_report_date_is_the_calendar_year():
    for iso in ("2025-01-01", "2025-06-30", "2025-07-01", "2025-12-31"):
        assert year_of(iso) == year_of(iso, CALENDAR) == 2025
    assert year_of(None, JUNE) is None and year_of("", JUNE) is None


def cells(entries: Counter, year: int) -> dict:
    counted = figures([(d, v, y, n) for (d, v, y), n in entries.items() if n], year)
    return {table.key: evaluate(table, counted)["rows"][0]["cells"] for table in TABLES}


def test_a_member_joined_in_august_counts_in_next_years_report_with_a_june_report_date():
    entries = member_entries(MEMBER, cutoff=JUNE)
    assert entries[("increase", "develop", 2026)] == 1 and entries[("total", "", 2026)] == 1
    assert not any(year == 2025 for _, _, year in entries)
    assert entries[("develop_birth_year", "1995", 2026)] == 1  # the birth year stays the calendar year
    t1 = cells(entries, 2026)["t1"]
    assert (t1["year_start"], t1["increase_develop"], t1["year_end"]) == (0, 1, 1)
    assert cells(entries, 2025)["t1"]["year_end"] == 0
    # By the calendar, the same member is 2025's.
    calendar = member_entries(MEMBER)
    assert calendar[("increase", "develop", 2025)] == 1 and cells(calendar, 2025)["t1"]["year_end"] == 1


def test_a_member_joined_on_the_report_date_counts_in_its_year_and_one_leaving_on_it_is_gone_at_its_end():
    joined = member_entries({**MEMBER, "joined_on": "2025-06-30"}, cutoff=JUNE)
    assert joined[("increase", "develop", 2025)] == 1 and cells(joined, 2025)["t1"]["year_end"] == 1
    left = member_entries({**MEMBER, "joined_on": "2020-03-01", "status": "left", "leave_kind": "10",
                           "left_on": "2025-06-30"}, cutoff=JUNE)
    t1 = cells(left, 2025)["t1"]
    assert (t1["year_start"], t1["decrease_death"], t1["year_end"]) == (1, 1, 0)
    later = member_entries({**MEMBER, "joined_on": "2020-03-01", "status": "left", "leave_kind": "10",
                            "left_on": "2025-07-01"}, cutoff=JUNE)
    assert cells(later, 2025)["t1"]["year_end"] == 1 and cells(later, 2026)["t1"]["decrease_death"] == 1


def test_every_dated_fact_follows_the_report_date():
    facts = {**MEMBER, "joined_on": "2024-08-01", "full_on": "2025-08-01", "category": "01",
             "trainings": [["2025-09-01", "1", "1", 8]], "commendations": [["2025-10-01", "2"]],
             "evaluations": {"2025": "1"}}
    entries = member_entries(facts, cutoff=JUNE)
    assert entries[("increase", "develop", 2025)] == 1
    assert entries[("confirm", "on_time", 2026)] == 1
    assert entries[("training", "1", 2026)] == 1 and entries[("trained", "", 2026)] == 1
    assert entries[("commended", "2", 2026)] == 1
    assert entries[("evaluation", "1", 2025)] == 1  # a 民主评议 year is a year, not a date
    assert org_entries({"type": "31", "status": "active", "established_on": "2020-07-01"}, JUNE) == Counter(
        {("org_type", "31", 2021): 1})
    commended = org_entries({"type": "31", "status": "active", "commendations": [["2025-07-01", "5"]]}, JUNE)
    assert commended[("org_commended", "5", 2026)] == 1 and commended[("commended_orgs", "", 2026)] == 1
    fact = {"kind": "within", "effective_on": "2025-07-01", "from_path": "/1/2/", "to_path": "/1/3/"}
    assert {year for (_, _, _, year) in transfer_deltas(fact, JUNE)} == {2026}
    assert {year for (_, _, _, year) in transfer_deltas(fact)} == {2025}
    applicant = applicant_entries({"applied_on": "2025-07-15", "org_path": "/1/"}, JUNE)
    assert applicant[("applied", "", 2026)] == 1 and applicant[("applicant_stage", "applicant", 2026)] == 1
    outflow = mobility_entries("outflow", {"from_date": "2025-12-01", "home_org_path": "/1/"}, "41", JUNE)
    assert outflow[("outflow_new", "within_province", 2026)] == 1
    term = term_entries({"elected_on": "2025-06-30", "method": "1", "number": 2, "expires_on": "2030-07-01"}, JUNE)
    assert term[("term_elected", "1", 2025)] == 1 and term[("term_expiring", "", 2031)] == 1


def test_a_move_places_the_years_before_it_by_the_report_date():
    facts = {**MEMBER, "joined_on": "2020-03-01", "category": "01"}
    (before, old), (after, new) = placed(facts, "/1/3/", [("2025-08-01", "/1/2/")], cutoff=JUNE)
    assert (before, after) == ("/1/2/", "/1/3/")
    # The 2025 report date (06-30) fell before the move: 2025's year end is the old branch's.
    assert sum(n for (d, _, y), n in old.items() if d == "total" and y <= 2025) == 1
    assert sum(n for (d, _, y), n in new.items() if d == "total" and y <= 2025) == 0
    assert sum(n for (d, _, y), n in new.items() if d == "total" and y <= 2026) == 1


def test_the_stored_report_date_and_its_period():
    assert parse("06-30") == JUNE and parse("12-31") == CALENDAR and parse("bad") == CALENDAR
    assert parse(None) == CALENDAR and parse("02-30") == CALENDAR
    assert period_end(2026, JUNE) == "2026-06-30" and period_start(2026, JUNE) == date(2025, 7, 1)
    assert (period_start(2026, CALENDAR), period_end(2026, CALENDAR)) == (date(2026, 1, 1), "2026-12-31")
