"""A report reads one organization's counters collapsed by year as the store's SQL does (years
before last year summed into one); those rows give this year's figures and last year's exactly
(services/stats/store.py ROWS, services/stats/reports.py ReportDesk._figures)."""
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from services.stats.domain.tables import figures

ROWS = st.lists(st.tuples(st.sampled_from(["total", "sex", "birth_year", "increase", "decrease", "education"]),
                          st.sampled_from(["", "1", "2", "1970", "1990"]),
                          st.integers(1995, 2027), st.integers(-3, 5)), max_size=60)


def collapsed(rows, year: int) -> list:
    """What ROWS returns: rows up to `year`, those before `year - 1` summed into `year - 2`."""
    summed: Counter = Counter()
    for dimension, value, row_year, n in rows:
        if row_year <= year:
            summed[(dimension, value, row_year if row_year >= year - 1 else year - 2)] += n
    return [(*key, n) for key, n in summed.items() if n]


def counted(rows, year: int) -> dict:
    """The figures without the zeros (a key summing to 0 is no row in the store)."""
    result = figures(rows, year)
    parts = {part: {dimension: {value: n for value, n in values.items() if n}
                    for dimension, values in getattr(result, part).items()} for part in ("end", "start", "flow")}
    return {part: {dimension: values for dimension, values in dimensions.items() if values}
            for part, dimensions in parts.items()}


@given(ROWS, st.integers(1998, 2026))
def test_rows_read_for_a_year_give_that_year_and_the_one_before(rows, year):
    assert counted(collapsed(rows, year), year) == counted(rows, year)
    assert counted(collapsed(rows, year), year - 1) == counted(rows, year - 1)
