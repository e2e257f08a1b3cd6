"""转接原因 as an editable code table: who edits it, what may be typed, and the table 发起 checks."""
import pytest

from services.shared.field_errors import FieldErrors
from services.shared.rights import BUILTIN_ROLES
from services.transfer.domain.reasons import (
    ADDED,
    DELETED,
    RENAMED,
    RESTORED,
    RETIRED,
    history_lines,
    may_edit,
    next_code,
    reason_table,
    stored_name,
    validate_change,
    validate_new,
)

ROWS = [("01", "调动工作", True), ("02", "升学/毕业", False), ("07", "援疆援藏", True)]


def test_only_the_root_or_the_system_edits_the_table():
    assert may_edit("/") and may_edit("/1/")
    assert not may_edit("/1/5/") and not may_edit("/1/5/9/")


def test_the_root_needs_the_system_tools_write_right():
    assert may_edit("/1/", BUILTIN_ROLES["系统管理员"])
    assert not may_edit("/1/", BUILTIN_ROLES["业务管理员"])  # transfer approve, no 系统工具
    assert not may_edit("/1/", BUILTIN_ROLES["只读"]) and not may_edit("/1/", {"system": "read"})
    assert not may_edit("/1/5/", BUILTIN_ROLES["系统管理员"]) and not may_edit("/1/", {})


def test_a_new_code_is_numbered_before_other_and_never_reuses_one():
    assert next_code(["01", "02", "06", "99"]) == "07"
    assert next_code(["01", "98", "99"]) == "02"  # the highest is taken: the first free one
    assert next_code([]) == "01" and next_code(["1234", "99"]) == "01"
    assert next_code([f"{i:02d}" for i in range(1, 100)]) == "100"


def test_rename_and_retire_keep_the_code_and_write_the_history():
    assert history_lines("07", None, ("援疆", True)) == [
        {"code": "07", "action": ADDED, "name_before": None, "name_after": "援疆"}]
    lines = history_lines("07", ("援疆", True), ("援疆援藏", False))
    assert [(line["action"], line["name_before"], line["name_after"]) for line in lines] == [
        (RENAMED, "援疆", "援疆援藏"), (RETIRED, "援疆援藏", "援疆援藏")]
    assert {line["code"] for line in lines} == {"07"}  # a change never recodes
    assert [line["action"] for line in history_lines("07", ("a", False), ("a", True))] == [RESTORED]
    assert history_lines("07", ("a", True), ("a", True)) == []
    assert history_lines("07", ("a", False), None)[0]["action"] == DELETED


def test_a_stored_record_shows_its_codes_name_even_when_retired():
    rows = [("01", "调动工作", True), ("07", "援疆援藏", False)]
    assert stored_name("07", rows) == "援疆援藏"  # retired: not offered, still named
    assert reason_table(rows).resolve("07") is None and reason_table(rows, keep="07").resolve("07") == "07"
    assert stored_name("08", rows) == "08"


def test_the_code_cannot_be_changed_and_retired_is_not_enabled():
    assert validate_change({"retired": True}) == {"enabled": False}
    assert validate_change({"retired": False, "name": "援疆"}) == {"enabled": True, "name": "援疆"}
    for bad in ({"code": "08"}, {"retired": "yes"}, {"retired": True, "enabled": True}):
        with pytest.raises(FieldErrors):
            validate_change(bad)
    assert validate_new({"name": "援疆"}, code_required=False) == {"code": None, "name": "援疆"}
    with pytest.raises(FieldErrors):
        validate_new({"name": "援疆"})


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
