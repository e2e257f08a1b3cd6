import pytest

from services.org.domain.org_fields import validate_new_org, validate_rename
from services.shared.field_errors import FieldErrors


def make(**overrides):
    data = {"name": "第一党支部", "code": "ORG-001", "type": "党支部", "parent_id": 1}
    data.update(overrides)
    return data


def errors_of(data) -> dict:
    with pytest.raises(FieldErrors) as e:
        validate_new_org(data)
    return e.value.fields


def test_valid_org_is_normalized():
    assert validate_new_org(make(name=" 第一党支部 ", code=" ORG-001 ", type="支部", parent_id=" 12 ")) == {
        "name": "第一党支部",
        "code": "ORG-001",
        "type": "31",
        "parent_id": 12,
    }


@pytest.mark.parametrize(
    "value, code",
    [("党委", "11"), ("基层党委", "11"), ("11", "11"), (11, "11"), ("党工委", "12"), ("总支", "21"),
     ("联合党支部", "32"), ("临时党支部", "33"), ("党组", "41")],
)
def test_type_resolution(value, code):
    assert validate_new_org(make(type=value))["type"] == code


def test_all_missing():
    assert errors_of({}) == {"name": "必填", "code": "必填", "type": "必填", "parent_id": "上级党组织必填"}


def test_all_errors_collected():
    fields = errors_of(make(name="支" * 101, code="有中文", type="党小组", parent_id=0))
    assert fields == {
        "name": "不能超过100个字符",
        "code": "只能包含英文字母、数字和连字符",
        "type": "未知的党组织类别：党小组",
        "parent_id": "上级党组织ID应为正整数",
    }


def test_name_length_boundary():
    assert validate_new_org(make(name="支" * 100))["name"] == "支" * 100
    assert errors_of(make(name="  ")) == {"name": "必填"}


def test_name_control_characters_and_type():
    assert errors_of(make(name="第一\n党支部")) == {"name": "不能含有控制字符"}
    assert errors_of(make(name=5)) == {"name": "应为文本"}


@pytest.mark.parametrize("code", ["A", "a-1", "ORG-2024-0001", "x" * 20, "0"])
def test_good_codes(code):
    assert validate_new_org(make(code=code))["code"] == code


@pytest.mark.parametrize(
    "code, message",
    [
        ("x" * 21, "不能超过20个字符"),
        ("ORG 001", "只能包含英文字母、数字和连字符"),
        ("ORG_001", "只能包含英文字母、数字和连字符"),
        ("ＯＲＧ", "只能包含英文字母、数字和连字符"),
        ("１２", "只能包含英文字母、数字和连字符"),
        ("org\n1", "不能含有控制字符"),
        ("", "必填"),
        (None, "必填"),
        (123, "应为文本"),
    ],
)
def test_bad_codes(code, message):
    assert errors_of(make(code=code)) == {"code": message}


def test_bad_type_values():
    assert errors_of(make(type="1")) == {"type": "未知的党组织类别：1"}
    assert errors_of(make(type=["31"])) == {"type": "应为文本"}
    assert errors_of(make(type=True)) == {"type": "应为文本"}


@pytest.mark.parametrize("value, expected", [(1, 1), ("7", 7), (" 42 ", 42), ("007", 7), (10**12, 10**12)])
def test_good_parent_ids(value, expected):
    assert validate_new_org(make(parent_id=value))["parent_id"] == expected


@pytest.mark.parametrize("value", [0, -1, "0", "-1", "abc", "1.5", 1.0, True, False, "１", ["1"]])
def test_bad_parent_ids(value):
    assert errors_of(make(parent_id=value)) == {"parent_id": "上级党组织ID应为正整数"}


@pytest.mark.parametrize("value", [None, "", "  "])
def test_missing_parent_id(value):
    assert errors_of(make(parent_id=value)) == {"parent_id": "上级党组织必填"}


def test_non_mapping_input():
    with pytest.raises(FieldErrors):
        validate_new_org("name")


def test_validate_rename():
    assert validate_rename("  第二党支部 ") == "第二党支部"
    for bad, message in [("", "必填"), (None, "必填"), ("支" * 101, "不能超过100个字符"), (3, "应为文本"),
                         ("a\x00b", "不能含有控制字符")]:
        with pytest.raises(FieldErrors) as e:
            validate_rename(bad)
        assert e.value.fields == {"name": message}
