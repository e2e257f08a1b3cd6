"""Pure rules of the organization card: item validation, edits, units/rewards, 撤销."""
from datetime import date

import pytest

from services.org.domain.org_card import (
    SANCTION_FIELDS,
    UNIT_FIELDS,
    changes_list,
    check_type_change,
    validate_card_changes,
    validate_entry,
    validate_new_card,
    validate_revoke,
)
from services.shared.field_errors import FieldErrors


def fields_of(call) -> dict:
    with pytest.raises(FieldErrors) as caught:
        call()
    return caught.value.fields


def test_a_new_card_normalizes_system_required_and_optional_items():
    assert validate_new_card({"name": " 一支部 ", "code": "A-1", "type": "支部", "parent_id": "7",
                              "affiliation": "县", "established_on": "2020-02-02", "contact_phone": " 010-1 ",
                              "postcode": "", "address": None}) == {
        "name": "一支部", "code": "A-1", "type": "31", "parent_id": 7, "short_name": None, "affiliation": "4",
        "established_on": date(2020, 2, 2), "contact_person": None, "contact_phone": "010-1", "address": None,
        "postcode": None}


def test_a_new_card_reports_every_bad_item_at_once():
    assert fields_of(lambda: validate_new_card({"code": "a b", "type": "x", "parent_id": 0,
                                                "established_on": "2020/1/1", "contact_phone": "abc",
                                                "postcode": "1234567"})) == {
        "name": "必填", "code": "只能包含英文字母、数字和连字符", "type": "未知的党组织类别：x",
        "parent_id": "上级党组织ID应为正整数", "established_on": "日期格式应为YYYY-MM-DD",
        "contact_phone": "联系电话只能包含数字、空格和 + - ( )", "postcode": "邮政编码应为6位数字"}


def test_established_on_cannot_be_in_the_future():
    assert fields_of(lambda: validate_new_card({"name": "a", "code": "A", "type": "31", "parent_id": 1,
                                                "established_on": "2999-01-01"})) == {
        "established_on": "成立日期不能晚于今天"}


def test_an_edit_returns_only_what_changed():
    current = {"type": "31", "affiliation": "4", "postcode": None, "code": "A"}
    assert validate_card_changes({"version": "3", "type": "党支部", "affiliation": "市", "postcode": ""},
                                 current) == (3, {"affiliation": "3"})


@pytest.mark.parametrize("data, fields", [
    ({"version": 1, "name": "x"}, {"name": "党组织名称请通过“更名”修改（旧名称保留在历史中）"}),
    ({"version": 1, "parent_id": 3}, {"parent_id": "调整上级党组织须办理整建制转移"}),
    ({"version": 1, "code": ""}, {"code": "必填"}),
    ({"version": 1, "code": "有空 格"}, {"code": "只能包含英文字母、数字和连字符"}),
    ({"version": 0, "address": "x"}, {"version": "应为正整数（读取时得到的版本号）"}),
    ({"version": 2}, {"data": "没有要修改的信息"}),
    ("text", {"data": "应为键值对象"}),
])
def test_bad_edits(data, fields):
    assert fields_of(lambda: validate_card_changes(data, {})) == fields


def test_an_org_with_children_cannot_become_a_branch():
    check_type_change("21", has_children=True)
    check_type_change("31", has_children=False)
    assert fields_of(lambda: check_type_change("32", has_children=True)) == {
        "type": "该党组织有下级党组织，不能改为联合党支部"}


def test_a_unit_needs_name_category_and_party_setup():
    assert fields_of(lambda: validate_entry(UNIT_FIELDS, {"industry": "Z", "credit_code": "123", "extra": 1})) == {
        "name": "必填", "category": "必填", "party_setup": "必填", "industry": "未知的行业：Z",
        "credit_code": "统一社会信用代码应为18位数字或大写字母", "extra": "未知的信息项"}
    assert validate_entry(UNIT_FIELDS, {"name": "厂", "category": "国企", "party_setup": "联合建立",
                                        "credit_code": "91350100m000100y43", "version": 4}) == {
        "name": "厂", "category": "31", "party_setup": "2", "industry": None, "credit_code": "91350100M000100Y43"}


def test_a_reward_needs_kind_name_date_and_approver():
    assert fields_of(lambda: validate_entry(SANCTION_FIELDS, {"kind": "表扬", "approved_on": "2999-01-01"})) == {
        "kind": "未知的奖惩类别：表扬", "name": "必填", "approved_on": "批准日期不能晚于今天", "approver": "必填"}


def test_revoke_needs_a_date_not_in_the_future_nor_before_the_org_and_a_reason():
    today = date(2025, 6, 1)
    assert validate_revoke({"date": "2025-05-31", "reason": " 撤并 "}, None, today) == {
        "date": date(2025, 5, 31), "reason": "撤并", "version": None}
    assert fields_of(lambda: validate_revoke({"date": "2025-06-02", "version": "x"}, None, today)) == {
        "date": "撤销日期不能晚于今天", "reason": "必填", "version": "应为正整数（读取时得到的版本号）"}
    assert fields_of(lambda: validate_revoke({"date": "2019-01-01", "reason": "r"}, date(2020, 1, 1), today)) == {
        "date": "撤销日期不能早于成立日期"}


def test_changes_list_has_old_and_new_of_what_differs():
    from services.org.domain.org_card import CARD_FIELDS
    assert changes_list(CARD_FIELDS, {"type": "31", "established_on": None},
                        {"type": "32", "established_on": date(2020, 1, 1), "postcode": None}) == [
        {"field": "type", "label": "党组织类别", "old": "31", "new": "32"},
        {"field": "established_on", "label": "成立日期", "old": None, "new": "2020-01-01"}]
