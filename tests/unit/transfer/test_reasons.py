"""转接原因 as an editable code table: who edits it, what may be typed, and the table 发起 checks."""
import pytest

from services.shared.field_errors import FieldErrors
from services.transfer.domain.reasons import may_edit, reason_table, validate_change, validate_new

ROWS = [("01", "调动工作", True), ("02", "升学/毕业", False), ("07", "援疆援藏", True)]


def test_only_the_root_or_the_system_edits_the_table():
    assert may_edit("/") and may_edit("/1/")
    assert not may_edit("/1/5/") and not may_edit("/1/5/9/")


def test_disabled_codes_are_not_offered_but_a_transfer_keeps_its_own():
    table = reason_table(ROWS)
    assert table.items() == [("01", "调动工作"), ("07", "援疆援藏")]
    assert table.resolve("援疆援藏") == "07" and table.resolve("工作调动") == "01"  # the seed's aliases stay
    assert table.resolve("02") is None and table.resolve("升学") is None
    assert reason_table(ROWS, keep="02").resolve("02") == "02"  # 重新发起 of a transfer that has it


@pytest.mark.parametrize("data, field", [
    ({"code": "", "name": "援疆"}, "code"), ({"code": "7", "name": "援疆"}, "code"),
    ({"code": "0a", "name": "援疆"}, "code"), ({"code": "12345", "name": "援疆"}, "code"),
    ({"code": "07", "name": ""}, "name"), ({"code": "07", "name": "x" * 21}, "name"),
    ({"code": "07", "name": "99"}, "name"), ({"code": ["07"], "name": "援疆"}, "code"),
])
def test_bad_new_codes_are_named_by_field(data, field):
    with pytest.raises(FieldErrors) as caught:
        validate_new(data)
    assert field in caught.value.fields


def test_a_new_code_and_a_change():
    assert validate_new({"code": "08", "name": " 援疆援藏 "}) == {"code": "08", "name": "援疆援藏"}
    assert validate_change({"enabled": False, "version": 3}) == {"enabled": False}
    assert validate_change({"name": "工作调动"}) == {"name": "工作调动"}
    for bad in ({}, {"enabled": "no"}, {"name": None}, []):
        with pytest.raises(FieldErrors):
            validate_change(bad)
