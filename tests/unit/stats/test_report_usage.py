"""报表使用情况: one state per organization from its stored report, counts per state over the
chosen level, the state filter on the list, and the filters checked (domain/report_usage.py)."""
import pytest

from services.shared.field_errors import FieldErrors
from services.stats.domain.report_usage import level_name, usage, usage_state, validate_filters

TREE = [{"id": 1, "name": "党委", "type_name": "党委", "depth": 1},
        {"id": 2, "name": "甲支部", "type_name": "党支部", "depth": 2, "parent_name": "党委"},
        {"id": 3, "name": "乙支部", "type_name": "党支部", "depth": 2, "parent_name": "党委"},
        {"id": 4, "name": "丙支部", "type_name": "党支部", "depth": 2, "parent_name": "党委"},
        {"id": 5, "name": "丁支部", "type_name": "党支部", "depth": 2, "parent_name": "党委"}]
STORED = {2: {"status": "draft", "source": "direct", "passed": False},
          3: {"status": "draft", "source": "direct", "passed": True},
          4: {"status": "submitted", "source": "aggregated", "submitted_at": "2026-01-10T09:00:00+00:00"},
          5: {"status": "returned", "source": "direct", "passed": True, "comment": "请核对"}}


def counts(result) -> dict:
    return {c["state"]: c["count"] for c in result["counts"]}


def test_each_stored_status_and_audit_gives_one_state():
    assert usage_state(None, None) == "none"
    assert (usage_state("draft", False), usage_state("draft", True)) == ("generated", "checked")
    finals = ("submitted", "accepted", "returned")
    assert [usage_state(s, None) for s in finals] == list(finals)


def test_counts_per_state_and_the_list_in_tree_order():
    result = usage(TREE, STORED)
    assert counts(result) == {"none": 1, "generated": 1, "checked": 1, "submitted": 1, "accepted": 0, "returned": 1}
    assert result["total"] == 5 and [r["org_id"] for r in result["items"]] == [1, 2, 3, 4, 5]
    first, fourth = result["items"][0], result["items"][3]
    assert (first["state_name"], first["level_name"], first["parent_name"]) == ("未生成", "本组织", None)
    assert (fourth["state_name"], fourth["source_name"], fourth["parent_name"]) == ("已上报，待接收", "汇总", "党委")
    assert result["items"][4]["comment"] == "请核对"
    assert result["levels"] == [{"level": 1, "level_name": "本组织", "count": 1},
                                {"level": 2, "level_name": "下一级", "count": 4}]


def test_the_level_narrows_the_counts_and_the_state_only_the_list():
    result = usage(TREE, STORED, state="checked", level=2)
    assert counts(result)["none"] == 0 and result["total"] == 4
    assert [r["name"] for r in result["items"]] == ["乙支部"]


def test_levels_are_named_as_people_say_them():
    assert [level_name(n) for n in (1, 2, 3, 11, 12)] == ["本组织", "下一级", "下二级", "下十级", "下11级"]


@pytest.mark.parametrize("state, level, field", [("bogus", None, "state"), (None, "0", "level"),
                                                 (None, "x", "level"), (None, "21", "level")])
def test_bad_filters_are_refused_in_chinese(state, level, field):
    with pytest.raises(FieldErrors) as refused:
        validate_filters(state, level)
    assert set(refused.value.fields) == {field} and "无效" in refused.value.fields[field]


def test_empty_filters_mean_all():
    assert validate_filters("", "") == (None, None) and validate_filters("returned", "2") == ("returned", 2)
