"""流动党员 in the counters (services/stats/domain/mobility.py) and the 流动党员情况 table (pure)."""
from collections import Counter

import pytest

from services.stats.domain.counters import delta, rolled
from services.stats.domain.mobility import ABROAD, CROSS, WITHIN, area, mobility_entries, record_of
from services.stats.domain.tables import MOBILE, evaluate, figures

PROVINCE = "44"
OUT = {"outflow_id": 1, "home_org_id": 5, "home_org_path": "/1/2/5/", "state": "out", "destination_kind": "domestic",
       "destination_code": "440106", "from_date": "2024-03-01", "ended_on": None, "lost_periods": []}
INFLOW = {"inflow_id": 3, "org_id": 7, "org_path": "/1/3/7/", "outflow_id": 1, "state": "in",
          "from_date": "2024-04-01", "ended_on": None}


def cells(year: int, *counted: tuple) -> dict:
    rows: Counter = Counter()
    for kind, facts in counted:
        rows.update(mobility_entries(kind, facts, PROVINCE))
    return evaluate(MOBILE, figures([(*key, n) for key, n in rows.items() if n], year))["rows"][0]["cells"]


@pytest.mark.parametrize("facts, expected", [
    ({"destination_kind": "in_system", "destination_code": "110105"}, WITHIN),  # a receiving org here: 省内
    ({"destination_kind": "domestic", "destination_code": "440106"}, WITHIN),
    ({"destination_kind": "domestic", "destination_code": "110105"}, CROSS),
    ({"destination_kind": "abroad", "destination_code": None}, ABROAD),
])
def test_the_destination_is_told_by_the_province(facts, expected):
    assert area(facts, PROVINCE) == expected


def test_without_a_province_no_domestic_destination_is_cross_province():
    assert area({"destination_kind": "domestic", "destination_code": "110105"}, "") == WITHIN


def test_an_open_outflow_counts_from_its_year_on_by_destination():
    assert cells(2023, ("outflow", OUT))["outflow_end"] == 0
    first = cells(2024, ("outflow", OUT))
    assert (first["outflow_start"], first["outflow_new"], first["outflow_end"], first["outflow_within_province"]) \
        == (0, 1, 1, 1)
    later = cells(2026, ("outflow", {**OUT, "destination_code": "110105"}))
    assert (later["outflow_start"], later["outflow_new"], later["outflow_end"], later["outflow_cross_province"]) \
        == (1, 0, 1, 1)


def test_a_return_ends_it_in_its_year_and_the_year_end_identity_holds():
    back = {**OUT, "state": "returned", "ended_on": "2025-10-01",
            "lost_periods": [["2024-06-01", "2025-02-01"]]}
    left = {**OUT, "outflow_id": 2, "state": "closed", "from_date": "2025-02-01", "ended_on": "2025-12-31",
            "lost_periods": [["2025-05-01", None]]}
    for year in (2023, 2024, 2025, 2026):
        c = cells(year, ("outflow", back), ("outflow", left))
        assert c["outflow_start"] + c["outflow_new"] - c["outflow_returned"] - c["outflow_closed"] == c["outflow_end"]
    assert cells(2024, ("outflow", back), ("outflow", left))["outflow_lost"] == 1  # lost on 12-31
    c = cells(2025, ("outflow", back), ("outflow", left))
    assert (c["outflow_new"], c["outflow_returned"], c["outflow_closed"], c["outflow_end"], c["outflow_lost"]) \
        == (1, 1, 1, 0, 0)  # found in 2025; the other's 失联 ended with the outflow


def test_a_lost_period_is_clipped_to_the_outflow():
    early = {**OUT, "lost_periods": [["2020-01-01", None]]}
    assert cells(2023, ("outflow", early))["outflow_lost"] == 0
    assert cells(2024, ("outflow", early))["outflow_lost"] == 1


def test_inflows_count_by_source_at_the_receiving_org():
    outside = {**INFLOW, "inflow_id": 4, "outflow_id": None, "from_date": "2025-01-10"}
    ended = {**INFLOW, "inflow_id": 5, "state": "ended", "ended_on": "2025-06-01"}
    c = cells(2025, ("inflow", INFLOW), ("inflow", outside), ("inflow", ended))
    assert (c["inflow_end"], c["inflow_in_system"], c["inflow_outside"], c["inflow_new"]) == (2, 1, 1, 1)
    checked = evaluate(MOBILE, figures([], 2025))
    assert {s["total"] for s in checked["sums"]} == {"outflow_end", "inflow_end"}


def test_a_change_moves_only_what_changed_at_every_ancestor():
    old = rolled(mobility_entries("outflow", OUT, PROVINCE), "/1/2/5/")
    new = rolled(mobility_entries("outflow", {**OUT, "state": "lost", "lost_periods": [["2025-03-01", None]]},
                                  PROVINCE), "/1/2/5/")
    assert delta(old, new) == {(org, "outflow_lost", "", 2025): 1 for org in (1, 2, 5)}


def test_the_aggregate_names_the_record():
    assert record_of({"aggregate_id": "outflow-12"}) == ("outflow", 12)
    assert record_of({"aggregate_id": "inflow-3"}) == ("inflow", 3)
    with pytest.raises(ValueError):
        record_of({"aggregate_id": "12"})
