"""The annual report's declared tables evaluated over figures (pure)."""
from collections import Counter

from services.stats.domain.counters import member_entries, org_entries
from services.stats.domain.tables import T2, TABLES, age_band, evaluate, figures, older_students

MEMBER = {"status": "active", "org_id": 5, "sex": "2", "category": "01", "ethnicity": "03",
          "birth_date": "1990-03-01", "joined_on": "2015-07-01", "education": "20", "occupation": "3"}


def rows_of(*entry_counters) -> list:
    total = Counter()
    for entries in entry_counters:
        total.update(entries)
    return [(d, v, y, n) for (d, v, y), n in total.items() if n]


def cells(report_rows, year: int) -> dict:
    counted = figures(report_rows, year)
    return {table.key: evaluate(table, counted)["rows"][0]["cells"] for table in TABLES}


def test_table_one_counts_changes_in_the_year_they_took_effect():
    died = {**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2025-12-20"}
    joined = {**MEMBER, "joined_on": "2025-03-01", "category": "02"}
    table = cells(rows_of(member_entries(died), member_entries(joined), member_entries(MEMBER)), 2025)["t1"]
    assert table["year_start"] == 2 and table["year_end"] == 2
    assert table["increase_develop"] == 1 and table["increase_total"] == 1
    assert table["decrease_death"] == 1 and table["decrease_total"] == 1
    assert table["difference"] == 0
    assert cells(rows_of(member_entries(died)), 2026)["t1"]["year_start"] == 0


def test_basic_situation_ages_at_the_year_end_occupation_and_education():
    report = cells(rows_of(member_entries(MEMBER)), 2025)
    t2 = report["t2"]
    assert t2["total"] == t2["female"] == t2["minority"] == 1 and t2["probationary"] == 0
    assert t2["a35"] == 1 and sum(t2[k] for k in ("a30", "a40", "a45", "a50", "a55", "a60", "a61")) == 0
    assert cells(rows_of(member_entries(MEMBER)), 2020)["t2"]["a30"] == 1
    assert evaluate(T2, figures(rows_of(member_entries(MEMBER)), 2025))["rows"][3]["cells"] == t2  # 专业技术人员
    assert report["t4"]["education_20"] == 1 and report["t3"]["p09"] == 1 and report["t3"]["p08"] == 0


def test_evaluation_expulsion_and_organization_tables():
    expelled = {**MEMBER, "status": "left", "leave_kind": "23", "left_on": "2024-02-01",
                "evaluations": {"2023": "4"}}
    org = {"id": 5, "path": "/1/5/", "type": "31", "status": "active", "established_on": "2000-01-01"}
    rows = rows_of(member_entries(expelled), org_entries(org))
    assert cells(rows, 2023)["t8"] == {"participants": 1, "grade_1": 0, "grade_2": 0, "grade_3": 0, "grade_4": 1}
    assert cells(rows, 2024)["t10"]["total"] == 1 and cells(rows, 2024)["t10"]["kind_23"] == 1
    assert cells(rows, 2024)["orgs"]["total"] == 1 and cells(rows, 2024)["orgs"]["type_31"] == 1
    assert cells(rows, 1999)["orgs"]["total"] == 0


def test_every_declared_check_holds_on_complete_data():
    people = [member_entries({**MEMBER, "joined_on": f"{2000 + i}-01-01", "birth_date": f"{1950 + 3 * i}-05-05",
                              "occupation": str(1 + i % 8), "education": ("10", "20", "30", "40", "60", "70")[i % 6],
                              "evaluations": {"2024": str(1 + i % 4)}}) for i in range(20)]
    counted = figures(rows_of(*people), 2024)
    for table in TABLES:
        result = evaluate(table, counted)
        row = result["rows"][0]["cells"]
        assert list(row) == [c["key"] for c in result["columns"]]
        for check in result["sums"]:
            assert row[check["total"]] == sum(row[p] for p in check["parts"]), (table.key, check["label"])


def test_age_bands():
    assert [age_band(a) for a in (18, 30, 31, 35, 60, 61, 99)] == ["a30", "a30", "a35", "a35", "a60", "a61", "a61"]


def test_students_aged_46_or_over_at_the_year_end_are_counted_for_the_audit():
    student = {"status": "active", "org_path": "/1/", "joined_on": "2010-01-01", "occupation": "6"}
    rows = rows_of(member_entries({**student, "birth_date": "1979-12-31"}),  # 46 at 2025-12-31
                   member_entries({**student, "birth_date": "1980-01-01"}),  # 45
                   member_entries({**student, "birth_date": "1960-01-01", "occupation": "2"}))  # not a student
    assert older_students(figures(rows, 2025)) == 1
    assert older_students(figures(rows, 2026)) == 2
