"""发展党员 in the counters and the report's development tables (pure): applicants on hand at each
year end by the stage they were in then (services/stats/domain/development.py); 发展党员 by sex,
ethnicity, age, education and occupation, 转正 / 延长预备期 / 取消预备党员资格 from the members' facts
(domain/counters.py); tables 13–15 and the applicants' table (domain/tables.py)."""
from collections import Counter

import pytest

from services.stats.domain.counters import delta, member_entries, rolled
from services.stats.domain.development import applicant_entries, stage_spans
from services.stats.domain.tables import APPLICANTS, T1, T13, T14, T15, evaluate, figures

APPLIED = {"org_id": 5, "org_path": "/1/2/5/", "stage": "applicant", "sex": "2", "birth_date": "2000-03-04",
           "ethnicity": "01", "education": "20", "occupation": "3", "applied_on": "2023-04-01",
           "activist_on": None, "candidate_on": None, "joined_on": None, "deleted_on": None}
CANDIDATE = {**APPLIED, "stage": "candidate", "activist_on": "2023-09-01", "candidate_on": "2024-10-01"}
ACCEPTED = {**CANDIDATE, "stage": "probationary", "joined_on": "2025-06-01"}
MEMBER = {"org_id": 5, "org_path": "/1/2/5/", "status": "active", "sex": "2", "category": "02", "ethnicity": "03",
          "birth_date": "2000-03-04", "joined_on": "2025-06-01", "leave_kind": None, "left_on": None,
          "education": "20", "occupation": "3", "full_on": None, "evaluations": {}, "absences": []}


def cells(table, year: int, *applicants: dict, members: tuple = (), row: str = "total") -> dict:
    rows: Counter = Counter()
    for facts in applicants:
        rows.update(applicant_entries(facts))
    for facts in members:
        rows.update(member_entries(facts))
    evaluated = evaluate(table, figures([(*key, n) for key, n in rows.items() if n], year))
    return next(r for r in evaluated["rows"] if r["key"] == row)["cells"]


def pool(year: int, *applicants: dict) -> tuple:
    c = cells(APPLICANTS, year, *applicants)
    return c["applicants"], c["activists"], c["candidates"], c["total"]


def test_an_applicant_is_in_the_stage_of_each_year_end_until_accepted():
    assert pool(2022, ACCEPTED) == (0, 0, 0, 0)
    assert pool(2023, ACCEPTED) == (0, 1, 0, 1)  # an activist since September
    assert pool(2024, ACCEPTED) == (0, 0, 1, 1)
    assert pool(2025, ACCEPTED) == (0, 0, 0, 0)  # a 预备党员 from the 支部大会: counted as a member
    assert pool(2023, APPLIED) == pool(2030, APPLIED) == (1, 0, 0, 1)
    assert cells(APPLICANTS, 2023, ACCEPTED, APPLIED)["applied"] == 2
    assert cells(APPLICANTS, 2024, ACCEPTED, APPLIED)["applied"] == 0


def test_a_deletion_ends_the_stage_and_a_stage_taken_back_counts_nowhere():
    deleted = {**CANDIDATE, "deleted_on": "2024-02-01"}
    assert pool(2023, deleted) == (0, 1, 0, 1) and pool(2024, deleted) == (0, 0, 0, 0)
    assert stage_spans(deleted) == [("applicant", "2023-04-01", "2023-09-01"), ("activist", "2023-09-01", "2024-02-01")]
    undone = {**CANDIDATE, "stage": "activist", "candidate_on": None}  # 回退 of 列为发展对象
    assert pool(2024, undone) == (0, 1, 0, 1)
    assert cells(APPLICANTS, 2023, {**deleted, "deleted_on": "2023-05-01"})["applied"] == 1  # it was received


def test_an_applicant_edit_or_undo_moves_only_what_changed():
    before, after = rolled(applicant_entries(CANDIDATE), "/1/2/5/"), rolled(applicant_entries(ACCEPTED), "/1/2/5/")
    change = delta(before, after)
    assert change == {(org, "applicant_stage", "candidate", 2025): -1 for org in (1, 2, 5)}
    assert delta(after, after) == {}


def test_a_developed_member_counts_by_sex_ethnicity_age_education_and_occupation_in_the_joining_year():
    t14 = cells(T14, 2025, members=(MEMBER,))
    assert (t14["total"], t14["female"], t14["minority"], t14["develop_a30"]) == (1, 1, 1, 1)
    assert cells(T1, 2025, members=(MEMBER,))["increase_develop"] == t14["total"]
    t15 = cells(T15, 2025, members=(MEMBER,))
    assert (t15["total"], t15["education_20"]) == (1, 1)
    assert cells(T15, 2025, members=(MEMBER,), row="occupation_3") == t15  # 专业技术人员: the row of 职业 3
    assert cells(T14, 2025, members=(MEMBER,), row="occupation_3") == t14
    assert cells(T15, 2025, members=(MEMBER,), row="occupation_2")["total"] == 0
    assert cells(T14, 2026, members=(MEMBER,))["total"] == 0
    # A member keyed in by 线下转入 was developed elsewhere.
    assert cells(T14, 2025, members=({**MEMBER, "arrived_on": "2025-08-01"},))["total"] == 0
    older = cells(T14, 2025, members=({**MEMBER, "birth_date": "1960-01-01", "sex": "1", "ethnicity": "01"},))
    assert (older["female"], older["minority"], older["develop_a61"], older["develop_a30"]) == (0, 0, 1, 0)


@pytest.mark.parametrize("facts, year, expected", [
    ({"category": "01", "full_on": "2026-06-01"}, 2026, {"confirm_on_time": 1, "confirm_total": 1}),
    ({"category": "01", "full_on": "2026-12-01", "extended_on": "2026-06-20"}, 2026,
     {"confirm_extended": 1, "confirm_total": 1, "extended": 1}),
    ({"extended_on": "2026-06-20"}, 2026, {"extended": 1}),
    ({"status": "left", "leave_kind": "25", "left_on": "2026-03-01"}, 2026, {"cancelled": 1}),
    ({"category": "01", "full_on": "2026-06-01"}, 2025, {}),
])
def test_probation_outcomes_count_in_their_year(facts, year, expected):
    c = cells(T13, year, members=({**MEMBER, **facts},))
    flows = {key: n for key, n in c.items() if n and key not in ("probationary_start", "probationary_end")}
    assert flows == expected


def test_table_13_reads_the_probationary_members_at_both_year_ends():
    confirmed = {**MEMBER, "category": "01", "full_on": "2026-06-01"}
    assert cells(T13, 2025, members=(confirmed,))["probationary_end"] == 1
    c = cells(T13, 2026, members=(confirmed,))
    assert (c["probationary_start"], c["confirm_total"], c["probationary_end"]) == (1, 1, 0)


def test_a_full_member_transferred_in_was_confirmed_elsewhere():
    arrived = {**MEMBER, "category": "01", "full_on": "2020-01-01", "arrived_on": "2025-08-01"}
    assert cells(T13, 2020, members=(arrived,))["confirm_total"] == 0
