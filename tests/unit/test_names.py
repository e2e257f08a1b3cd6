"""Pinyin initials for quick search."""
import pytest

from services.member.domain.names import initials


@pytest.mark.parametrize("name, expected", [
    ("张三", "zs"), ("王小红", "wxh"), ("欧阳修", "oyx"), ("单雄信", "sxx"), ("曾国藩", "zgf"),
    ("李Ａ明", "lam"), ("阿依古丽·买买提", "aygl" + "mmt"), ("Tom", "tom"), ("", ""),
])
def test_initials(name, expected):
    assert initials(name) == expected
