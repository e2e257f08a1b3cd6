"""校核 of one member's card (domain/member_check.py): missing required fields and facts that
contradict each other, each named by its field."""
from datetime import date

from services.member.domain.id_number import check_char
from services.member.domain.member_check import check_member

TODAY = date(2024, 6, 1)
ID = "11010519491231002X"  # 1949-12-31, female


def complete(**changes) -> dict:
    member = {"name": "张三", "id_number": ID, "sex": "2", "birth_date": date(1949, 12, 31), "ethnicity": "01",
              "category": "01", "joined_on": date(1975, 7, 1), "full_on": date(1976, 7, 1), "status": "active",
              "native_place": "北京", "education": "20", "occupation": "8", "branch_joined_on": date(1990, 1, 1),
              "phone": "010-1234567"}
    member.update(changes)
    return member


def problems(member, years=(2023,)) -> list[tuple[str, str, str]]:
    return [(p["field"], p["kind"], p["message"]) for p in check_member(member, years, TODAY)]


def test_a_complete_card_passes():
    assert problems(complete()) == []


def test_missing_required_and_system_required_fields():
    found = problems(complete(native_place=None, phone="", full_on=None, ethnicity=None))
    assert ("ethnicity", "missing", "缺少系统必填项：民族") in found
    assert ("native_place", "missing", "缺少必填项：籍贯") in found
    assert ("phone", "missing", "缺少必填项：联系电话") in found
    assert ("full_on", "missing", "正式党员缺少转正日期") in found


def test_full_on_before_joining_or_before_probation_ends_or_for_a_probationary_member():
    assert problems(complete(full_on=date(1975, 1, 1))) == [
        ("full_on", "inconsistent", "转正日期（1975-01-01）早于入党日期（1975-07-01）")]
    assert problems(complete(full_on=date(1976, 1, 1))) == [
        ("full_on", "inconsistent", "转正日期早于预备期满（入党满一年）")]
    assert ("full_on", "inconsistent", "预备党员不应有转正日期") in problems(
        complete(category="02", joined_on=date(2024, 1, 1), full_on=date(2024, 5, 1)))


def test_overdue_probation_is_listed():
    found = problems(complete(category="02", full_on=None, joined_on=date(2023, 5, 31)))
    assert found == [("category", "inconsistent", "预备期已于2024-05-31期满，尚未办理转正、延长或取消资格")]
    assert problems(complete(category="02", full_on=None, joined_on=date(2023, 6, 1))) == []


def test_under_age_at_joining_invalid_id_and_facts_that_disagree_with_it():
    assert ("joined_on", "inconsistent", "入党时未满18周岁") in problems(complete(joined_on=date(1967, 7, 1),
                                                                             full_on=date(1968, 7, 1)))
    assert problems(complete(id_number="110105194912310021")) == [
        ("id_number", "inconsistent", "公民身份号码无效：公民身份号码校验码错误")]
    male = "11010519491231001" + check_char("11010519491231001")
    assert problems(complete(id_number=male)) == [("sex", "inconsistent", "性别与公民身份号码不一致")]


def test_last_years_evaluation_is_expected_of_a_member_of_the_whole_year():
    assert problems(complete(), years=()) == [("evaluations", "missing", "缺少2023年度民主评议结果")]
    assert problems(complete(joined_on=date(2023, 7, 1), full_on=None, category="02"), years=()) == []
    assert problems(complete(status="left"), years=()) == []
