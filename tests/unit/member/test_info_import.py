"""The 党员信息集采集表 (数据迁移), pure: a sheet a repeating info set with the member and the set's fields
as the card labels them; each row read into the set's own form (validate_row: the same field and
cross-field rules as 新增<信息集>, dates also as Excel has them) and judged against the member — not in
scope, another name, a row the member has (imported before), a row twice in the sheet, the set's rules
against the member's other rows (one 民主评议 a year)."""
from datetime import date

from services.member.domain import info_import as rules
from services.member.domain.info_import import ALREADY, NOT_FOUND, Person, judge
from services.member.domain.info_sets import INFO_SETS, MemberDates

TODAY = date(2026, 6, 15)
PERSON = Person(7, "张三", MemberDates(date(1985, 6, 15), date(2010, 7, 1)))
EDUCATION, EVALUATION, REWARD = INFO_SETS["educations"], INFO_SETS["evaluations"], INFO_SETS["rewards"]


def row(**given):
    return {"row": 2, "id_number": "110101198506150011", "member_name": "张三", **given}


def test_each_set_is_a_sheet_named_as_the_card_names_it():
    assert set(rules.SHEETS) == {spec.label for spec in INFO_SETS.values()}
    columns = rules.COLUMNS["rewards"]
    assert [column.header for column in columns] == [
        "公民身份号码", "姓名", "奖惩类别", "奖惩名称", "批准日期", "批准机关", "批准机关级别", "奖惩原因"]
    assert [column.key for column in columns[:4]] == ["id_number", "member_name", "kind", "name"]
    assert [column.required for column in columns[:5]] == [True, True, True, True, True]
    assert "代码表" in columns[2].note and "YYYY-MM-DD" in columns[4].note
    report = {column.key: column.header for column in rules.REPORT_COLUMNS}
    assert report["educations.graduated_on"] == "学历学位：毕业日期"
    assert report["rewards.id_number"] == "奖惩情况：公民身份号码" and report["rewards.name"] == "奖惩情况：奖惩名称"


def test_a_row_reads_as_the_sets_form_with_excels_dates():
    values, problems = judge(EDUCATION, row(education="大学本科", degree="学士", school="某大学", started_on="2003/9/1",
                                            graduated_on="2007年7月1日"), PERSON, TODAY, [], [])
    assert problems == []
    assert values["education"] == "20" and values["graduated_on"] == date(2007, 7, 1)
    assert values["started_on"] == date(2003, 9, 1)


def test_every_problem_under_its_field():
    _, problems = judge(EDUCATION, row(education="", graduated_on="明年", started_on="1980-01-01"), PERSON, TODAY,
                        [], [])
    fields = dict(problems)
    assert set(fields) == {"education", "graduated_on", "started_on"}
    assert "出生日期" in fields["started_on"]
    _, problems = judge(REWARD, row(kind="表扬", name="优秀共产党员", decided_on="2030-01-01"), PERSON, TODAY, [], [])
    assert set(dict(problems)) == {"kind", "decided_on"}


def test_the_member_must_be_found_and_named():
    assert judge(EDUCATION, row(education="大学本科"), None, TODAY, [], []) == (None, [("id_number", NOT_FOUND)])
    _, problems = judge(EDUCATION, row(member_name="李四", education="大学本科"), PERSON, TODAY, [], [])
    assert problems == [("member_name", "姓名与公民身份号码不符（名册中为“张三”）")]


def test_a_row_recorded_before_or_twice_and_the_sets_own_rules():
    given = row(year="2024", grade="优秀")
    values, _ = judge(EVALUATION, given, PERSON, TODAY, [], [])
    assert judge(EVALUATION, given, PERSON, TODAY, [values], []) == (None, [("id_number", ALREADY)])
    twice = judge(EVALUATION, given, PERSON, TODAY, [], [(3, values)])
    assert twice == (None, [("id_number", "与第 3 行是同一条信息")])
    other, problems = judge(EVALUATION, row(year="2024", grade="合格"), PERSON, TODAY, [values], [])
    assert other is None and "每年只能有一条" in dict(problems)["year"]  # the set's rule, against the member's rows
    assert "入党年度" in dict(judge(EVALUATION, row(year="2009", grade="合格"), PERSON, TODAY, [], [])[1])["year"]
