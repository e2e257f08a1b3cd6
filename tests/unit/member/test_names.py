"""Pinyin of names: initials for quick search, and the sort key lists, queries and exports order by."""
import pytest

from services.member.domain.names import initials, sort_key


@pytest.mark.parametrize("name, expected", [
    ("张三", "zs"), ("王小红", "wxh"), ("欧阳修", "oyx"), ("单雄信", "sxx"), ("曾国藩", "zgf"),
    ("李Ａ明", "lam"), ("阿依古丽·买买提", "aygl" + "mmt"), ("Tom", "tom"), ("", ""),
])
def test_initials(name, expected):
    assert initials(name) == expected


def test_names_sort_by_pinyin_not_by_code_point():
    names = ["张三", "阿强", "王五", "安娜", "李四", "昂然", "赵六", "邓小平"]
    assert sorted(names) != sorted(names, key=sort_key)  # code-point order is not a reader's order
    assert sorted(names, key=sort_key) == ["阿强", "安娜", "昂然", "邓小平", "李四", "王五", "张三", "赵六"]


def test_polyphonic_surnames_sort_by_their_surname_reading():
    assert sort_key("单雄信").startswith("shan4")  # not dan1
    assert sort_key("曾国藩").startswith("zeng1")  # not ceng2
    assert sorted(["单雄信", "邓小平", "孙权"], key=sort_key) == ["邓小平", "单雄信", "孙权"]


def test_a_syllable_ends_before_a_longer_one_and_tones_order_the_same_pinyin():
    assert sort_key("安") < sort_key("昂") and sort_key("马") < sort_key("骂")  # an1 < ang2; ma3 < ma4
    assert sort_key("") == "" and sort_key("Tom") == "tom Tom" and sort_key(" 张三 ") == "zhang1san1 张三"
    assert sort_key("张") < sort_key("张三") < sort_key("张山")  # a shorter name first; san1 < shan1
    assert sort_key("章三") != sort_key("张三")  # homophones stay apart, each name's people together
