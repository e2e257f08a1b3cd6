"""The member card's info sets (domain/info_sets.py) and the basic set's new fields
(domain/member_fields.py): every rule a saved card relies on."""
from datetime import date

import pytest

from services.member.domain.info_sets import (
    INFO_SETS,
    MemberDates,
    current_occupation,
    derived_facts,
    evaluation_facts,
    highest_education,
    info_set,
    validate_row,
    validate_row_change,
)
from services.member.domain.member_fields import validate_member_changes, validate_new_member
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)
MEMBER = MemberDates(birth_date=date(1980, 5, 1), joined_on=date(2005, 7, 1))


def row(key, data, others=()):
    return validate_row(INFO_SETS[key], data, MEMBER, TODAY, others)


def errors_of(key, data, others=()) -> dict:
    with pytest.raises(FieldErrors) as caught:
        row(key, data, others)
    return caught.value.fields


def test_a_row_is_normalized_codes_by_name_or_code_and_blank_optional_fields_none():
    assert row("evaluations", {"year": "2023", "grade": "优秀", "note": " "}) == \
        {"year": 2023, "grade": "1", "note": None}
    assert row("work_posts", {"occupation": 4, "started_on": "2019-01-01", "unit": " 某厂 "}) == \
        {"occupation": "4", "unit": "某厂", "post": None, "started_on": date(2019, 1, 1), "ended_on": None}


def test_required_fields_and_unknown_keys_are_reported_together():
    assert errors_of("rewards", {"colour": "红"}) == {
        "colour": "奖惩情况信息集没有此项", "kind": "必填", "name": "必填", "decided_on": "必填"}


def test_dates_are_not_in_the_future_nor_before_birth_and_spans_run_forward():
    assert errors_of("positions", {"title": "书记", "started_on": "2024-06-02"}) == \
        {"started_on": "任职日期不能晚于今天"}
    assert errors_of("positions", {"title": "书记", "started_on": "1979-01-01"}) == \
        {"started_on": "任职日期不能早于出生日期"}
    assert errors_of("hardships", {"kind": "患病", "recorded_on": "2020-01-01", "relieved_on": "2019-01-01"}) == \
        {"relieved_on": "解除日期不能早于认定日期"}
    assert errors_of("educations", {"education": "本科", "started_on": "2001-09", "graduated_on": "x"}) == \
        {"started_on": "日期格式应为YYYY-MM-DD", "graduated_on": "日期格式应为YYYY-MM-DD"}


def test_an_evaluation_year_is_once_per_member_within_membership_and_not_in_the_future():
    assert errors_of("evaluations", {"year": 2023, "grade": "合格"}, [{"id": 1, "year": 2023}]) == \
        {"year": "2023年度已有民主评议结果，每年只能有一条"}
    assert errors_of("evaluations", {"year": 2004, "grade": "合格"}) == {"year": "评议年度不能早于入党年度（2005）"}
    assert errors_of("evaluations", {"year": 2025, "grade": "合格"}) == {"year": "年度应在1921至2024之间"}
    assert errors_of("evaluations", {"year": "二〇二三", "grade": "甲"}) == {"year": "应为四位数年份",
                                                                         "grade": "未知的评议结果：甲"}
    assert errors_of("evaluations", {"year": True, "grade": "合格"}) == {"year": "应为四位数年份"}


def test_text_lengths_are_bounded():
    assert errors_of("titles", {"title": "工" * 51}) == {"title": "不能超过50个字符"}


def test_a_row_change_needs_the_member_version():
    assert errors_of_change({"year": 2023, "grade": "合格"}) == {"version": "必填"}
    assert validate_row_change(INFO_SETS["evaluations"], {"version": 4, "year": 2023, "grade": "合格"}, MEMBER,
                               TODAY) == (4, {"year": 2023, "grade": "2", "note": None})


def errors_of_change(data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_row_change(INFO_SETS["evaluations"], data, MEMBER, TODAY)
    return caught.value.fields


def test_unknown_set():
    with pytest.raises(ValueError, match="未知的信息集"):
        info_set("pets")


def test_highest_education_and_current_occupation():
    assert highest_education([{"education": "30"}, {"education": "10"}, {"education": "90"}]) == "10"
    assert highest_education([]) is None
    posts = [{"id": 1, "occupation": "1", "started_on": date(2010, 1, 1), "ended_on": None},
             {"id": 2, "occupation": "4", "started_on": date(2015, 1, 1), "ended_on": date(2020, 1, 1)}]
    assert current_occupation(posts) == "1"  # the post still held, though started earlier
    posts[0]["ended_on"] = date(2012, 1, 1)
    assert current_occupation(posts) == "4"  # all ended: the latest started
    assert derived_facts({"educations": [], "work_posts": posts}) == {"occupation": "4"}


def test_evaluation_facts_by_year():
    assert evaluation_facts([{"year": 2024, "grade": "2"}, {"year": 2023, "grade": "1"}]) == \
        {"2023": "1", "2024": "2"}


# --- the basic set ------------------------------------------------------------------------------

NEW = {"org_id": 1, "name": "张三", "id_number": "11010519491231002X", "ethnicity": "汉族", "category": "正式党员",
       "joined_on": "1975-07-01"}


def new_errors(**changes) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_new_member({**NEW, **changes}, today=TODAY)
    return caught.value.fields


def test_the_new_basic_fields_are_optional_and_normalized():
    out = validate_new_member({**NEW, "education": "本科", "occupation": "离退休", "full_on": "1976-07-01",
                               "phone": "0531-8888 8888", "native_place": " 山东 "}, today=TODAY)
    assert (out["education"], out["occupation"], out["full_on"], out["phone"], out["native_place"],
            out["address"]) == ("20", "8", date(1976, 7, 1), "0531-8888 8888", "山东", None)


def test_full_on_is_for_full_members_after_joining_and_not_in_the_future():
    assert new_errors(full_on="1975-06-30") == {"full_on": "转正日期不能早于入党日期"}
    assert new_errors(full_on="2024-06-02") == {"full_on": "日期不能晚于今天"}
    assert "预备党员没有转正日期" in new_errors(category="预备党员", full_on="1976-07-01")["full_on"]


def test_bad_basic_values():
    assert new_errors(phone="call me", education="博士后", branch_joined_on="1940-01-01") == {
        "phone": "联系电话只能含数字、空格、+、-和括号", "education": "未知的学历：博士后",
        "branch_joined_on": "日期不能早于出生日期"}


def test_fields_decided_by_info_sets_cannot_be_set_on_the_basic_set():
    current = {**validate_new_member(NEW, today=TODAY), "left_on": None}
    with pytest.raises(FieldErrors) as caught:
        validate_member_changes({"version": 1, "education": "本科"}, current, today=TODAY,
                                from_info_sets=frozenset({"education"}))
    assert "学历学位信息集确定" in caught.value.fields["education"]
    assert validate_member_changes({"version": 1, "education": "本科"}, current, today=TODAY) == \
        (1, {"education": "20"})
