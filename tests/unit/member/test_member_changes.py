"""A change of a member's basic information (validate_member_changes): only what differs comes
back, derived fields follow the ID number, and the rules of a new member still hold."""
from datetime import date

import pytest

from services.member.domain.id_number import check_char
from services.member.domain.member_fields import validate_member_changes
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)
ID = "11010519491231002X"  # 1949-12-31, female


def with_check(first17: str) -> str:
    return first17 + check_char(first17)


CURRENT = {"org_id": 7, "name": "张三", "name_initials": "zs", "name_sort": "zhang1san1 张三", "id_number": ID,
           "sex": "2", "birth_date": date(1949, 12, 31), "ethnicity": "01", "category": "01",
           "joined_on": date(1975, 7, 1), "left_on": None}


def changes(data, current=CURRENT):
    return validate_member_changes(data, current, today=TODAY)


def errors_of(data, current=CURRENT) -> dict:
    with pytest.raises(FieldErrors) as caught:
        changes(data, current)
    return caught.value.fields


def test_only_the_fields_that_differ_come_back():
    assert changes({"version": 3, "name": "张三", "ethnicity": "回族"}) == (3, {"ethnicity": "03"})
    assert changes({"version": "3", "name": " 李四 "}) == (3, {"name": "李四", "name_initials": "ls",
                                                           "name_sort": "li3si4 李四"})


def test_nothing_different_is_an_empty_change():
    assert changes({"version": 1, "category": "正式党员", "joined_on": "1975-07-01"}) == (1, {})


def test_a_new_id_number_brings_its_sex_and_birth_date():
    male = with_check("11010519500101001")
    version, changed = changes({"version": 2, "id_number": male})
    assert changed == {"id_number": male, "sex": "1", "birth_date": date(1950, 1, 1)}


def test_a_new_id_number_is_checked_against_the_date_joined():
    """Joined 1975-07-01; someone born in 1960 was 15 then."""
    young = with_check("11010519600101002")
    assert errors_of({"version": 1, "id_number": young}) == {"joined_on": "入党时未满18周岁"}


def test_version_is_required_and_a_positive_integer():
    assert errors_of({"name": "李四"}) == {"version": "必填"}
    for bad in (0, -1, "x", 1.5, True):
        assert errors_of({"version": bad, "name": "李四"}) == {"version": "应为正整数（读取时得到的版本号）"}


def test_a_change_with_nothing_to_change_is_refused():
    assert errors_of({"version": 1}) == {"data": "没有要修改的信息"}
    assert errors_of([]) == {"data": "应为键值对象"}


def test_fields_that_are_not_changed_here_are_named():
    assert errors_of({"version": 1, "org_id": 8, "sex": "1", "status": "left", "photo": "x"}) == {
        "org_id": "调整所在党组织须办理组织关系转接", "sex": "由公民身份号码确定，不能直接修改",
        "status": "党籍变动请办理死亡、出党、停止党籍或找回", "photo": "不能在此修改"}


def test_every_bad_value_at_once():
    assert errors_of({"version": 1, "name": "", "id_number": "123", "ethnicity": "火星族", "category": "群众",
                      "joined_on": "2030-01-01"}) == {
        "name": "必填", "id_number": "公民身份号码应为18位", "ethnicity": "未知的民族：火星族",
        "category": "未知的党员类别：群众", "joined_on": "入党日期不能晚于今天"}


def test_date_joined_may_not_follow_the_date_left():
    left = {**CURRENT, "left_on": date(2020, 1, 1)}
    assert errors_of({"version": 1, "joined_on": "2020-01-02"}, left) == {
        "joined_on": "入党日期不能晚于离开党员队伍的日期"}
    assert changes({"version": 1, "joined_on": "2020-01-01"}, left) == (1, {"joined_on": date(2020, 1, 1)})
