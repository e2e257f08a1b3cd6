from datetime import date, datetime

import pytest

from services.member.domain.id_number import check_char
from services.member.domain.member_fields import EXTRA_FIELDS, validate_new_member
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)
# 1949-12-31, female; 18th birthday 1967-12-31.
ID = "11010519491231002X"


def make(**overrides):
    data = {
        "org_id": 7,
        "name": "张三",
        "id_number": ID,
        "ethnicity": "汉族",
        "category": "正式党员",
        "joined_on": "1975-07-01",
    }
    data.update(overrides)
    return data


def errors_of(data, today=TODAY) -> dict:
    with pytest.raises(FieldErrors) as e:
        validate_new_member(data, today=today)
    return e.value.fields


def test_valid_member_is_normalized():
    out = validate_new_member(
        make(name="  张三 ", id_number=" 11010519491231002x ", ethnicity="汉", category="预备"),
        today=TODAY,
    )
    assert out == {
        "org_id": 7,
        "name": "张三",
        "name_initials": "zs",
        "name_sort": "zhang1san1 张三",
        "id_number": "11010519491231002X",
        "sex": "2",
        "birth_date": date(1949, 12, 31),
        "ethnicity": "01",
        "category": "02",
        "joined_on": date(1975, 7, 1),
        **dict.fromkeys(EXTRA_FIELDS),  # the optional basic fields, none given
    }


def test_codes_and_date_objects_are_accepted():
    out = validate_new_member(make(ethnicity="46", category=1, joined_on=date(1975, 7, 1)), today=TODAY)
    assert out["ethnicity"] == "46"
    assert out["category"] == "01"
    assert out["joined_on"] == date(1975, 7, 1)


def test_male_from_id_and_15_digit_upgrade():
    out = validate_new_member(make(id_number="340524800101001", joined_on="2000-01-01"), today=TODAY)
    assert out["id_number"] == "34052419800101001X"
    assert out["sex"] == "1"
    assert out["birth_date"] == date(1980, 1, 1)


def test_name_with_middle_dot_is_fine():
    assert validate_new_member(make(name="阿依古丽·买买提"), today=TODAY)["name"] == "阿依古丽·买买提"


def test_all_missing_reports_every_field():
    assert errors_of({}) == {
        "org_id": "必填",
        "name": "必填",
        "id_number": "必填",
        "ethnicity": "必填",
        "category": "必填",
        "joined_on": "必填",
    }


def test_blank_strings_and_none_are_missing():
    fields = errors_of(make(name="  ", id_number="", ethnicity=" ", category=None, joined_on="\t"))
    assert fields == {k: "必填" for k in ["name", "id_number", "ethnicity", "category", "joined_on"]}


def test_every_bad_field_is_collected_at_once():
    fields = errors_of(make(name="x" * 51, id_number="123", ethnicity="火星族", category="群众",
                            joined_on="2024/01/01"))
    assert fields == {
        "name": "不能超过50个字符",
        "id_number": "公民身份号码应为18位",
        "ethnicity": "未知的民族：火星族",
        "category": "未知的党员类别：群众",
        "joined_on": "日期格式应为YYYY-MM-DD",
    }


def test_str_of_field_errors_joins_messages():
    with pytest.raises(FieldErrors) as e:
        validate_new_member(make(name="", ethnicity="火星族"), today=TODAY)
    text = str(e.value)
    assert "name" in text and "必填" in text
    assert "ethnicity" in text and "未知的民族：火星族" in text


def test_name_length_boundary():
    assert validate_new_member(make(name="张" * 50), today=TODAY)["name"] == "张" * 50
    assert errors_of(make(name="张" * 51)) == {"name": "不能超过50个字符"}


@pytest.mark.parametrize("name", ["张\x00三", "张\n三", "张\t三", "张\x7f三", "张\u200b三", "张\u202e三"])
def test_name_control_characters(name):
    assert errors_of(make(name=name)) == {"name": "不能含有控制字符"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", 123),
        ("name", ["张三"]),
        ("id_number", 110105194912310020),
        ("id_number", b"11010519491231002X"),
        ("ethnicity", 1.0),
        ("ethnicity", ["01"]),
        ("category", {"code": "01"}),
        ("ethnicity", True),
    ],
)
def test_wrong_types_are_field_errors_not_crashes(field, value):
    assert errors_of(make(**{field: value})) == {field: "应为文本"}


@pytest.mark.parametrize(
    "raw, message",
    [
        ("11010519491231002", "公民身份号码应为18位"),
        ("110105194912310021", "公民身份号码校验码错误"),
        ("1101051949123100XX", "公民身份号码含有非法字符"),
    ],
)
def test_id_errors_use_id_messages(raw, message):
    assert errors_of(make(id_number=raw)) == {"id_number": message}


def test_unknown_codes_echo_the_value():
    assert errors_of(make(ethnicity=" 57 ")) == {"ethnicity": "未知的民族：57"}
    assert errors_of(make(ethnicity=99)) == {"ethnicity": "未知的民族：99"}
    assert errors_of(make(category="03")) == {"category": "未知的党员类别：03"}


@pytest.mark.parametrize(
    "value",
    ["1975-7-1", "19750701", "1975-13-01", "1975-02-29", "1975-07-01T00:00", "昨天", 19750701, datetime(1975, 7, 1)],
)
def test_bad_dates(value):
    assert errors_of(make(joined_on=value)) == {"joined_on": "日期格式应为YYYY-MM-DD"}


def test_date_string_is_stripped():
    assert validate_new_member(make(joined_on=" 1975-07-01 "), today=TODAY)["joined_on"] == date(1975, 7, 1)


def test_joined_today_is_ok_tomorrow_is_not():
    assert validate_new_member(make(joined_on="2024-06-01"), today=TODAY)["joined_on"] == TODAY
    assert errors_of(make(joined_on="2024-06-02")) == {"joined_on": "入党日期不能晚于今天"}


def test_must_be_18_on_joined_on():
    assert validate_new_member(make(joined_on="1967-12-31"), today=TODAY)["joined_on"] == date(1967, 12, 31)
    assert errors_of(make(joined_on="1967-12-30")) == {"joined_on": "入党时未满18周岁"}
    assert errors_of(make(joined_on="1940-01-01")) == {"joined_on": "入党时未满18周岁"}


def test_leap_day_birthday_turns_18_on_1_march():
    leap = "110101200002290026"  # born 2000-02-29
    assert errors_of(make(id_number=leap, joined_on="2018-02-28")) == {"joined_on": "入党时未满18周岁"}
    assert validate_new_member(make(id_number=leap, joined_on="2018-03-01"), today=TODAY)["sex"] == "2"


def test_age_not_checked_when_id_is_invalid():
    assert errors_of(make(id_number="bad", joined_on="1900-01-01")) == {"id_number": "公民身份号码应为18位"}


def test_today_is_passed_to_id_check():
    born_after_today = "11010120240602001" + check_char("11010120240602001")
    assert errors_of(make(id_number=born_after_today)) == {"id_number": "公民身份号码中的出生日期晚于今天"}
    assert validate_new_member(make(id_number=born_after_today, joined_on="2042-06-02"), today=date(2042, 6, 2))


def test_default_today_rejects_future_join():
    assert errors_of(make(joined_on="2999-01-01"), today=None) == {"joined_on": "入党日期不能晚于今天"}


def test_non_mapping_input():
    with pytest.raises(FieldErrors):
        validate_new_member(None)
    with pytest.raises(FieldErrors):
        validate_new_member(["name"])


def test_input_is_not_mutated():
    data = make(name=" 张三 ")
    validate_new_member(data, today=TODAY)
    assert data["name"] == " 张三 "


@pytest.mark.parametrize("value, message", [
    (None, "必填"), ("", "必填"), ("abc", "应为党组织编号"), (0, "应为党组织编号"), (-3, "应为党组织编号"),
    (True, "应为党组织编号"), (1.5, "应为党组织编号"),
])
def test_org_id_must_be_a_positive_id(value, message):
    assert errors_of(make(org_id=value))["org_id"] == message


def test_org_id_as_digits_is_accepted():
    assert validate_new_member(make(org_id=" 12 "), today=TODAY)["org_id"] == 12


def test_org_id_error_is_reported_with_the_other_fields():
    fields = errors_of(make(org_id=None, name="", ethnicity="火星族"))
    assert set(fields) == {"org_id", "name", "ethnicity"}
