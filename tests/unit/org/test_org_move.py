"""移动党组织: the request's rules, refused targets and the paths it rewrites (the counters' re-homing is
tested with the stats rules, tests/unit/stats/test_rehoming.py)."""
from datetime import date
from types import SimpleNamespace

import pytest

from services.org.domain.move import new_path, target_problem, validate_move
from services.shared.field_errors import FieldErrors
from services.shared.org_directory import moved_path

TODAY = date(2026, 12, 2)
GOOD = {"parent_id": 7, "date": "2026-11-30", "reason": "隶属关系调整", "version": 3}


def org(id, path, status="active", type="11", name="某党委"):
    return SimpleNamespace(id=id, path=path, status=status, type=type, name=name)


def errors_of(data, established_on=None) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_move(data, established_on, TODAY)
    return caught.value.fields


def test_a_complete_request_is_read():
    assert validate_move(GOOD, date(2000, 1, 1), TODAY) == {
        "parent_id": 7, "date": date(2026, 11, 30), "reason": "隶属关系调整", "version": 3}


@pytest.mark.parametrize("change, field, message", [
    ({"parent_id": None}, "parent_id", "请选择新的上级党组织"),
    ({"parent_id": "7"}, "parent_id", "上级党组织编号应为正整数"),
    ({"parent_id": True}, "parent_id", "上级党组织编号应为正整数"),
    ({"date": "2026-12-03"}, "date", "移动日期不能晚于今天"),
    ({"date": "2026-13-01"}, "date", None),
    ({"reason": " "}, "reason", None),
    ({"version": None}, "version", "请提供读取时的版本号"),
    ({"version": 0}, "version", None),
    ({"colour": "red"}, "colour", "未知的信息项"),
])
def test_bad_requests_name_the_field(change, field, message):
    fields = errors_of({**GOOD, **change})
    assert field in fields
    if message:
        assert fields[field] == message


def test_not_before_the_organization_was_set_up():
    assert errors_of(GOOD, date(2026, 12, 1))["date"] == "移动日期不能早于成立日期"


@pytest.mark.parametrize("target, problem", [
    (org(5, "/1/2/5/"), "不能移动到本组织或其下级党组织之下"),
    (org(9, "/1/2/5/9/"), "不能移动到本组织或其下级党组织之下"),
    (org(2, "/1/2/", name="原上级"), "该党组织已在“原上级”之下"),
    (org(8, "/1/8/", status="revoked", name="历史党委"), "“历史党委”已撤销，不能作为上级党组织"),
    (org(6, "/1/6/", type="31", name="一支部"), "“一支部”是党支部，不能设立下级党组织"),
    (org(4, "/1/4/"), None),
    (org(55, "/1/55/"), None),  # a path that merely starts with the same digits is not below
])
def test_targets(target, problem):
    assert target_problem("/1/2/5/", 2, target) == problem


def test_the_new_path_and_rewritten_paths_below():
    assert new_path("/1/4/", 5) == "/1/4/5/"
    assert moved_path("/1/2/5/9/", "/1/2/5/", "/1/4/5/") == "/1/4/5/9/"
    assert moved_path("/1/3/", "/1/2/5/", "/1/4/5/") == "/1/3/"
