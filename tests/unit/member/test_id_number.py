from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.member.domain.id_number import (
    IdNumber,
    IdNumberError,
    age_on,
    check_char,
    parse_id_number,
)

TODAY = date(2024, 6, 1)


def with_check(first17: str) -> str:
    return first17 + check_char(first17)


# --- check_char: expected values worked by hand (W = 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2)


def test_check_char_worked_example_from_rules():
    # S = 167, 167 mod 11 = 2 -> X
    assert check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    "first17, expected",
    [
        ("11010519900307001", "7"),  # S = 170, mod 11 = 5 -> 7
        ("34052419800101001", "X"),  # S = 189, mod 11 = 2 -> X
        ("11010120000229002", "6"),  # S = 116, mod 11 = 6 -> 6
        ("44052418800101001", "4"),  # S = 195, mod 11 = 8 -> 4
        ("00000000000000000", "1"),  # S = 0 -> 1
        ("10000000000000000", "5"),  # S = 7 -> 5
        ("00000000000000001", "X"),  # S = 2 -> X
        ("00000000000000010", "8"),  # S = 4 -> 8
        ("00000000000000100", "4"),  # S = 8 -> 4
        ("00000001000000000", "0"),  # S = 1 -> 0
    ],
)
def test_check_char_hand_computed(first17, expected):
    assert check_char(first17) == expected


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100X",
                                 "１1010519491231002", ""])
def test_check_char_rejects_non_17_digit_input(bad):
    with pytest.raises(IdNumberError):
        check_char(bad)


# --- accepted numbers


def test_parse_worked_example():
    ident = parse_id_number("11010519491231002X", today=TODAY)
    assert ident == IdNumber(
        value="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="2",
        region="110105",
    )


def test_lowercase_x_is_normalized():
    assert parse_id_number("11010519491231002x", today=TODAY).value == "11010519491231002X"


def test_surrounding_whitespace_is_stripped():
    assert parse_id_number("  110105199003070017\t", today=TODAY).value == "110105199003070017"
    assert parse_id_number("\u3000110105491231002\n", today=TODAY).value == "11010519491231002X"


def test_odd_sequence_is_male_even_is_female():
    assert parse_id_number("110105199003070017", today=TODAY).sex == "1"
    assert parse_id_number(with_check("11010519900307002"), today=TODAY).sex == "2"
    assert parse_id_number(with_check("11010519900307000"), today=TODAY).sex == "2"
    assert parse_id_number(with_check("11010519900307009"), today=TODAY).sex == "1"


def test_birth_date_and_region_are_extracted():
    ident = parse_id_number("34052419800101001X", today=TODAY)
    assert ident.birth_date == date(1980, 1, 1)
    assert ident.region == "340524"


def test_fifteen_digit_number_is_upgraded():
    ident = parse_id_number("110105491231002", today=TODAY)
    assert ident.value == "11010519491231002X"
    assert ident.birth_date == date(1949, 12, 31)
    assert ident.sex == "2"
    assert ident.region == "110105"


def test_fifteen_digit_male_upgrade():
    ident = parse_id_number("340524800101001", today=TODAY)
    assert ident.value == "34052419800101001X"
    assert ident.sex == "1"


def test_feb_29_in_leap_years_is_accepted():
    assert parse_id_number("110101200002290026", today=TODAY).birth_date == date(2000, 2, 29)
    assert parse_id_number(with_check("11010119960229001"), today=TODAY).birth_date == date(1996, 2, 29)


@pytest.mark.parametrize("first17", ["11010120230229002", "11010119000229002", "11010121000229002"])
def test_feb_29_in_non_leap_years_is_rejected(first17):
    # 1900 and 2100 are century years not divisible by 400.
    with pytest.raises(IdNumberError) as e:
        parse_id_number(with_check(first17), today=date(2200, 1, 1))
    assert e.value.message == "公民身份号码中的出生日期无效"


def test_birth_on_1900_01_01_and_today_are_accepted():
    assert parse_id_number(with_check("11010119000101001"), today=TODAY).birth_date == date(1900, 1, 1)
    assert parse_id_number(with_check("11010120240601001"), today=TODAY).birth_date == TODAY


def test_today_defaults_to_real_today():
    born = date.today() - timedelta(days=1)
    first17 = "110101" + born.strftime("%Y%m%d") + "001"
    assert parse_id_number(with_check(first17)).birth_date == born
    tomorrow = date.today() + timedelta(days=1)
    first17 = "110101" + tomorrow.strftime("%Y%m%d") + "001"
    with pytest.raises(IdNumberError):
        parse_id_number(with_check(first17))


# --- every rejection path, each with its own message


def reject(raw, today=TODAY) -> str:
    with pytest.raises(IdNumberError) as e:
        parse_id_number(raw, today=today)
    assert isinstance(e.value, ValueError)
    assert str(e.value) == e.value.message
    return e.value.message


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "1101051949123100", "11010519491231002X1", "1101054912310021", "11010549123100", "X"],
)
def test_wrong_length(raw):
    assert reject(raw) == "公民身份号码应为18位"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100XX",  # X not last
        "11010519491231002Y",  # bad check char
        "11010519491231 02X",  # inner space
        "１1010519491231002X",  # full-width digit
        "11010519491231002-",
        "11010549123100X",  # 15-digit with X
        "11010549123100a",
    ],
)
def test_illegal_characters(raw):
    assert reject(raw) == "公民身份号码含有非法字符"


def test_region_starting_with_zero():
    assert reject(with_check("01010519491231002")) == "公民身份号码中的地址码无效"
    assert reject("010105491231002") == "公民身份号码中的地址码无效"


@pytest.mark.parametrize("bad_date", ["19491301", "19490001", "19490100", "19490431", "19491232", "00000000"])
def test_invalid_birth_date(bad_date):
    assert reject(with_check("110105" + bad_date + "002")) == "公民身份号码中的出生日期无效"


def test_birth_before_1900():
    assert reject(with_check("11010518991231002")) == "公民身份号码中的出生日期早于1900年"


def test_birth_after_today():
    assert reject(with_check("11010120240602001")) == "公民身份号码中的出生日期晚于今天"


@pytest.mark.parametrize("last", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
def test_wrong_check_char(last):
    assert reject("11010519491231002" + last) == "公民身份号码校验码错误"


def test_x_where_digit_expected():
    assert reject("11010519900307001X") == "公民身份号码校验码错误"
    assert reject("11010519900307001x") == "公民身份号码校验码错误"


@pytest.mark.parametrize("raw", [None, 110105194912310020, b"11010519491231002X", ["1"]])
def test_non_string_is_rejected_not_crashing(raw):
    assert reject(raw) == "公民身份号码应为文本"


def test_messages_are_distinct():
    messages = {
        reject(""),
        reject("1101051949123100XX"),
        reject(with_check("01010519491231002")),
        reject(with_check("11010519491301002")),
        reject(with_check("11010518991231002")),
        reject(with_check("11010120240602001")),
        reject("110105194912310021"),
        reject(None),
    }
    assert len(messages) == 8


# --- property: the check char is exactly the one accepted last character

prefixes = st.builds(
    lambda region, born, seq: f"{region}{born:%Y%m%d}{seq:03d}",
    st.integers(100000, 999999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@given(prefixes)
def test_appended_check_char_is_accepted(first17):
    assert parse_id_number(first17 + check_char(first17), today=TODAY).value == first17 + check_char(first17)


@given(prefixes, st.sampled_from("0123456789Xx"))
def test_any_other_last_char_is_rejected(first17, last):
    if last.upper() == check_char(first17):
        return
    with pytest.raises(IdNumberError) as e:
        parse_id_number(first17 + last, today=TODAY)
    assert e.value.message == "公民身份号码校验码错误"


# --- age_on


@pytest.mark.parametrize(
    "birth, on, years",
    [
        (date(2000, 6, 15), date(2018, 6, 14), 17),
        (date(2000, 6, 15), date(2018, 6, 15), 18),
        (date(2000, 6, 15), date(2018, 12, 31), 18),
        (date(2000, 6, 15), date(2000, 6, 15), 0),
        (date(2000, 2, 29), date(2018, 2, 28), 17),  # common year: birthday counts from 1 Mar
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(1949, 12, 31), date(2024, 1, 1), 74),
    ],
)
def test_age_on(birth, on, years):
    assert age_on(birth, on) == years
