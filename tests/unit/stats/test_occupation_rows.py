"""表2–4, 14 and 15 broken down by 职业 in rows (pure): the members counted again under their
occupation (counters.BY_OCCUPATION, DEVELOPED_BY_OCCUPATION), split into one Figures per
occupation (tables.figures) and evaluated row by row; every column's 合计 row equals the sum of
the occupation rows, and a report whose rows disagree fails 校核. Hand-counted."""
import copy
from collections import Counter

from services.stats.domain.counters import delta, member_entries, rolled
from services.stats.domain.report_checks import check
from services.stats.domain.tables import T2, T3, T4, T14, T15, TABLES, evaluate, figures

BASE = {"status": "active", "org_id": 5, "sex": "1", "category": "01", "ethnicity": "01",
        "birth_date": "1980-05-01", "joined_on": "2005-07-01", "education": "20", "occupation": "1"}
# Five members at the end of 2025 (hand-counted below):
#   A 工人, female, 汉, born 1980 (45: 41至45岁), joined 2005, 本科
#   B 工人, male, 回族 (03), born 1999 (26: 30岁及以下), 预备党员 since 2025-06, 专科, developed in 2025
#   C 农牧渔民, female, 汉, born 1960 (65: 61岁及以上), joined 1985, 高中
#   D no occupation recorded, male, 汉, born 1990 (35), joined 2015, education not recorded
#   E 学生, female, 03, born 2003 (22), 预备党员 joined 2025-03 (developed in 2025), 本科
#   F 工人 who died in 2024: counted in no 2025 year end
MEMBERS = (
    {**BASE, "sex": "2"},
    {**BASE, "ethnicity": "03", "birth_date": "1999-01-01", "joined_on": "2025-06-01", "category": "02",
     "education": "30"},
    {**BASE, "sex": "2", "birth_date": "1960-02-02", "joined_on": "1985-07-01", "education": "60", "occupation": "2"},
    {**BASE, "birth_date": "1990-01-01", "joined_on": "2015-07-01", "education": None, "occupation": None},
    {**BASE, "sex": "2", "ethnicity": "03", "birth_date": "2003-09-09", "joined_on": "2025-03-01", "category": "02",
     "occupation": "6"},
    {**BASE, "status": "left", "leave_kind": "10", "left_on": "2024-04-01"},
)


def report(year: int = 2025, members=MEMBERS) -> dict:
    counted = Counter()
    for facts in members:
        counted.update(member_entries(facts))
    counted_figures = figures([(*key, n) for key, n in counted.items() if n], year)
    return {table.key: {row["key"]: row["cells"] for row in evaluate(table, counted_figures)["rows"]}
            for table in (T2, T3, T4, T14, T15)}


def test_every_table_has_the_total_row_then_one_row_per_occupation_and_unrecorded():
    labels = [row.label for row in T2.rows]
    assert labels == ["合计", "工人（工勤技能人员）", "农牧渔民", "专业技术人员", "管理人员", "党政机关工作人员",
                      "学生", "其他职业人员", "离退休人员", "未填写"]
    assert all(table.rows == T2.rows for table in (T3, T4, T14, T15))
    assert "occupation_1" not in [column.key for column in T2.columns + T15.columns]  # rows now, not columns


def test_basic_situation_by_occupation_is_hand_counted():
    t2 = report()["t2"]
    assert (t2["total"]["total"], t2["total"]["female"], t2["total"]["minority"], t2["total"]["probationary"]) == \
        (5, 3, 2, 2)
    workers = t2["occupation_1"]
    assert (workers["total"], workers["female"], workers["minority"], workers["probationary"]) == (2, 1, 1, 1)
    assert (workers["a45"], workers["a30"]) == (1, 1)
    assert (t2["occupation_2"]["total"], t2["occupation_2"]["female"], t2["occupation_2"]["a61"]) == (1, 1, 1)
    assert (t2["occupation_6"]["total"], t2["occupation_6"]["minority"], t2["occupation_6"]["a30"]) == (1, 1, 1)
    assert (t2["occupation_none"]["total"], t2["occupation_none"]["a35"]) == (1, 1)
    assert t2["occupation_3"]["total"] == t2["occupation_8"]["total"] == 0


def test_joined_periods_and_education_by_occupation_are_hand_counted():
    tables = report()
    t3, t4 = tables["t3"], tables["t4"]
    assert (t3["occupation_1"]["p08"], t3["occupation_1"]["p11"]) == (1, 1)  # 2005 and 2025
    assert t3["occupation_2"]["p07"] == 1 and t3["occupation_none"]["p09"] == 1
    assert (t4["occupation_1"]["education_20"], t4["occupation_1"]["education_30"]) == (1, 1)
    assert t4["occupation_2"]["education_60"] == 1 and t4["occupation_none"]["education_none"] == 1
    assert t4["occupation_6"]["education_20"] == 1


def test_developed_members_by_occupation_are_hand_counted():
    tables = report()
    t14, t15 = tables["t14"], tables["t15"]
    assert t14["total"]["total"] == 2 and t14["occupation_1"]["total"] == t14["occupation_6"]["total"] == 1
    assert (t14["occupation_1"]["female"], t14["occupation_1"]["minority"], t14["occupation_1"]["develop_a30"]) == \
        (0, 1, 1)
    assert (t14["occupation_6"]["female"], t14["occupation_6"]["develop_a30"]) == (1, 1)
    assert t15["occupation_1"]["education_30"] == 1 and t15["occupation_6"]["education_20"] == 1
    assert report(2024)["t14"]["total"]["total"] == 0


def test_every_column_of_the_total_row_is_the_sum_of_the_occupation_rows():
    for year in (2020, 2024, 2025):
        for key, rows in report(year).items():
            for column, total in rows["total"].items():
                assert total == sum(cells[column] for row, cells in rows.items() if row != "total"), (year, key, column)


def test_a_probation_ending_moves_the_member_between_categories_within_the_occupation_row():
    confirmed = {**MEMBERS[1], "full_on": "2026-06-01"}
    assert report(2026, (confirmed,))["t2"]["occupation_1"]["probationary"] == 0
    assert report(2025, (confirmed,))["t2"]["occupation_1"]["probationary"] == 1


def test_an_occupation_change_moves_every_by_occupation_entry_and_nothing_else():
    before = rolled(member_entries(MEMBERS[0]), "/1/5/")
    after = rolled(member_entries({**MEMBERS[0], "occupation": "3"}), "/1/5/")
    moved = {dimension for (_, dimension, _, _) in delta(before, after)}
    assert moved == {"occupation", "occupation_sex", "occupation_ethnicity", "occupation_category",
                     "occupation_birth_year", "occupation_joined_period", "occupation_education",
                     # and the 2005 发展's (occupation carries no history: the current one stands for every year)
                     "develop_occupation", "develop_occupation_sex", "develop_occupation_ethnicity",
                     "develop_occupation_birth_year", "develop_occupation_education"}
    assert report(members=({**MEMBERS[0], "occupation": "3"},))["t2"]["occupation_3"]["total"] == 1


def test_a_row_that_disagrees_with_the_total_fails_the_check_naming_the_column():
    counted = Counter()
    for facts in MEMBERS:
        counted.update(member_entries(facts))
    tables = [evaluate(table, figures([(*key, n) for key, n in counted.items() if n], 2025)) for table in TABLES]
    assert not [f for f in check(tables)["failures"] if f["severity"] == "error"]
    edited = copy.deepcopy(tables)
    t2 = next(table for table in edited if table["key"] == "t2")
    next(row for row in t2["rows"] if row["key"] == "occupation_2")["cells"]["female"] += 1  # a 录改 of one row
    errors = [f for f in check(edited)["failures"] if f["severity"] == "error"]
    message = errors[0]["message"]
    assert len(errors) == 1 and "「女性」列" in message and "合计行等于各职业行之和" in message
    assert errors[0]["cells"][0]["label"].startswith("表2") and len(errors[0]["cells"]) == 10
