"""表9 培训, 表11 出党（二） and 表12 表彰: what a member's facts contribute (domain/counters.py) and the
tables evaluated over them (domain/tables.py), hand-counted."""
from collections import Counter

from services.stats.domain.counters import member_entries, placed
from services.stats.domain.report_cells import apply_correction
from services.stats.domain.report_checks import check
from services.stats.domain.tables import TABLES, evaluate, evaluate_all, figures

MEMBER = {"status": "active", "org_id": 5, "sex": "1", "category": "01", "ethnicity": "01",
          "birth_date": "1990-03-01", "joined_on": "2015-07-01", "full_on": "2016-07-01"}
BY_KEY = {table.key: table for table in TABLES}


def table(key: str, year: int, *facts) -> dict:
    """The non-zero cells of a table of `year` over the members' facts."""
    total = Counter()
    for one in facts:
        total.update(member_entries(one))
    rows = [(d, v, y, n) for (d, v, y), n in total.items() if n]
    result = evaluate(BY_KEY[key], figures(rows, year))
    for rule in result["sums"]:  # every 校核 sum holds on what the counters give
        cells = result["rows"][0]["cells"]
        assert cells[rule["total"]] == sum(cells[p] for p in rule["parts"]), rule["label"]
    return {k: n for k, n in result["rows"][0]["cells"].items() if n}


def test_the_tables_take_their_places_by_number():
    keys = [t.key for t in TABLES]
    assert keys[:15] == [f"t{number}" for number in range(1, 16)]


def test_trainings_count_in_the_year_they_began_by_level_and_way_and_each_member_once():
    one = {**MEMBER, "trainings": [["2024-03-01", "4", "1", 16], ["2024-11-20", "6", "3", 4],
                                   ["2024-12-31", "4", None, None], ["2025-01-05", "2", "2", 40]]}
    other = {**MEMBER, "trainings": [["2024-06-01", "1", "2", 24]]}
    assert table("t9", 2024, one, other) == {"members": 2, "total": 4, "level_1": 1, "level_4": 2, "level_6": 1,
                                             "mode_1": 1, "mode_2": 1, "mode_3": 1, "mode_none": 1, "hours": 44}
    assert table("t9", 2025, one, other) == {"members": 1, "total": 1, "level_2": 1, "mode_2": 1, "hours": 40}
    assert table("t9", 2023, one, other) == {}


def test_trainings_and_commendations_count_only_while_the_member_belonged():
    arrived = {**MEMBER, "arrived_on": "2024-05-01", "trainings": [["2024-04-30", "4", "1", 8], ["2024-05-01", "4",
                                                                                                  "1", 8]],
               "commendations": [["2023-07-01", "3"]]}
    left = {**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2024-06-30",
            "trainings": [["2024-07-01", "5", "1", 2]], "commendations": [["2024-06-30", "6"], ["2024-07-01", "6"]]}
    assert table("t9", 2024, arrived, left) == {"members": 1, "total": 1, "level_4": 1, "mode_1": 1, "hours": 8}
    assert table("t12", 2023, arrived, left) == {}
    assert table("t12", 2024, arrived, left) == {"members": 1, "total": 1, "level_6": 1}


def test_a_moved_member_is_counted_once_where_first_trained_in_the_year():
    facts = {**MEMBER, "trainings": [["2024-03-01", "4", "1", 8], ["2024-09-01", "6", "1", 8]]}
    before, after = placed(facts, "/1/3/", [("2024-06-01", "/1/2/")])
    assert before[0] == "/1/2/" and after[0] == "/1/3/"
    assert {k: n for k, n in before[1].items() if k[0] in ("training", "trained")} == \
        {("training", "4", 2024): 1, ("trained", "", 2024): 1}
    assert {k: n for k, n in after[1].items() if k[0] in ("training", "trained")} == {("training", "6", 2024): 1}


def test_expulsions_by_sex_ethnicity_category_age_and_joining_period():
    expelled = {**MEMBER, "status": "left", "leave_kind": "23", "left_on": "2024-02-01", "sex": "2"}
    # 取消预备党员资格 of a probationary member (no 转正日期), 壮族, joined 2023-07-01 (p11: 2022年11月以后),
    # 60 at 2024-12-31.
    cancelled = {**MEMBER, "status": "left", "leave_kind": "25", "left_on": "2024-05-01", "category": "02",
                 "full_on": None, "ethnicity": "03", "joined_on": "2023-07-01", "birth_date": "1964-01-01"}
    # Left before the 转正日期 recorded later: probationary then; 26 at 2016-12-31.
    early = {**MEMBER, "status": "left", "leave_kind": "21", "left_on": "2016-06-30"}
    died = {**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2024-03-01"}  # not an 出党
    assert table("t11", 2024, expelled, cancelled, died) == {
        "total": 2, "female": 1, "minority": 1, "probationary": 1, "expel_a35": 1, "expel_a60": 1,
        "expel_p09": 1, "expel_p11": 1}
    assert table("t11", 2016, early) == {"total": 1, "probationary": 1, "expel_a30": 1, "expel_p09": 1}
    assert table("t11", 2024, expelled)["total"] == table("t10", 2024, expelled)["total"]


def test_an_expulsion_later_taken_back_counts_in_its_year():
    restored = {**MEMBER, "absences": [["23", "2022-04-01", "2024-04-01"]]}
    assert table("t11", 2022, restored) == {"total": 1, "expel_a35": 1, "expel_p09": 1}
    assert table("t11", 2024, restored) == {}


def test_commendations_by_level_and_each_member_once_a_year():
    one = {**MEMBER, "commendations": [["2024-07-01", "2"], ["2024-07-01", "6"], ["2024-12-01", None]]}
    other = {**MEMBER, "commendations": [["2024-06-30", "2"], ["2025-01-01", "1"]]}
    assert table("t12", 2024, one, other) == {"members": 2, "total": 4, "level_2": 2, "level_6": 1, "level_none": 1}
    assert table("t12", 2025, one, other) == {"members": 1, "total": 1, "level_1": 1}


def test_members_without_these_facts_contribute_nothing_new():
    entries = member_entries(MEMBER)
    assert not [key for key in entries if key[0].startswith(("training", "trained", "commended", "expel"))]


def test_the_checks_pass_on_counted_tables_and_find_an_expulsion_count_corrected_apart():
    expelled = {**MEMBER, "status": "left", "leave_kind": "23", "left_on": "2024-02-01",
                "trainings": [["2024-01-10", "6", "1", 4]], "commendations": [["2024-01-20", "4"]]}
    total = Counter(member_entries(expelled))
    counted = evaluate_all(figures([(d, v, y, n) for (d, v, y), n in total.items() if n], 2024))
    assert check(counted)["passed"]
    corrected, _ = apply_correction(counted, {"table": "t11", "row": "total", "column": "total", "value": 2,
                                              "reason": "录改"})
    failures = [f for f in check(corrected)["failures"] if f["rule"] == "cross_table"]
    assert [f["message"] for f in failures] == [
        "表11（出党（二））「合计」行「出党党员」为2，与表10（出党）「合计」行「出党党员」1不一致"]
    assert [c["anchor"] for c in failures[0]["cells"]] == ["cell-t11-total-total", "cell-t10-total-total"]
    corrected, _ = apply_correction(counted, {"table": "t1", "row": "total", "column": "decrease_expel", "value": 0,
                                              "reason": "录改"})
    assert any(f["message"].startswith("表10（出党）「合计」行「出党党员」为1，与表1（两年党员数综合比较）")
               for f in check(corrected)["failures"])
