"""批量修改 rules: conditions and the item to set are validated; the preview lists old → new."""
from datetime import date

import pytest

from services.org.domain.batch_changes import BatchSpec, Condition, preview, validate_batch
from services.shared.field_errors import FieldErrors


def fields_of(data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_batch(data)
    return caught.value.fields


def test_a_batch_is_normalized():
    spec = validate_batch({"conditions": [{"field": "type", "op": "eq", "value": "支部"},
                                          {"field": "name", "op": "contains", "value": " 一 "},
                                          {"field": "established_on", "op": "empty"}],
                           "field": "established_on", "value": "2020-01-01"})
    assert spec == BatchSpec((Condition("type", "eq", "31"), Condition("name", "contains", "一"),
                              Condition("established_on", "empty")), "established_on", date(2020, 1, 1))


def test_an_empty_value_clears_an_optional_item_but_not_a_system_required_one():
    assert validate_batch({"field": "postcode", "value": ""}).value is None
    assert fields_of({"field": "type", "value": ""}) == {"value": "必填"}


@pytest.mark.parametrize("data, fields", [
    ({"field": "name", "value": "x"}, {"field": "该信息项不能批量修改"}),
    ({"field": "code", "value": "x"}, {"field": "该信息项不能批量修改"}),
    ({"field": "colour", "value": "x"}, {"field": "未知的信息项：colour"}),
    ({"value": "x"}, {"field": "请选择要修改的信息项"}),
    ({"field": "affiliation", "value": "月球"}, {"value": "未知的隶属关系：月球"}),
    ({"field": "postcode", "conditions": [{"field": "type", "op": "like", "value": "x"}]},
     {"conditions.0.op": "未知的条件：like"}),
    ({"field": "postcode", "conditions": [{"field": "type", "op": "contains", "value": "党"}]},
     {"conditions.0.value": "“包含”只用于文本信息项，且须填写内容"}),
    ({"field": "postcode", "conditions": [{"field": "type", "op": "eq", "value": ""}]},
     {"conditions.0.value": "必填"}),
    ({"field": "postcode", "conditions": [{"field": "postcode", "op": "eq", "value": ""}]},
     {"conditions.0.value": "必填（查找空值请用“为空”）"}),
    ({"field": "postcode", "conditions": "type=31"}, {"conditions": "应为条件列表"}),
    ({"field": "postcode", "conditions": [{"field": "type", "op": "empty"}] * 11}, {"conditions": "条件不能超过10个"}),
])
def test_bad_batches(data, fields):
    assert fields_of(data) == fields


def test_the_preview_skips_unchanged_orgs_and_names_the_values():
    orgs = [{"id": 1, "name": "甲", "code": "A", "version": 2, "affiliation": "4"},
            {"id": 2, "name": "乙", "code": "B", "version": 5, "affiliation": None},
            {"id": 3, "name": "丙", "code": "C", "version": 1, "affiliation": "3"}]
    result = preview(orgs, BatchSpec((), "affiliation", "4"))
    assert result == {"problems": [], "changes": [
        {"id": 2, "name": "乙", "code": "B", "version": 5, "old": None, "new": "4", "old_name": None,
         "new_name": "县（市、区、旗）"},
        {"id": 3, "name": "丙", "code": "C", "version": 1, "old": "3", "new": "4", "old_name": "市（地、州、盟）",
         "new_name": "县（市、区、旗）"}]}


def test_the_preview_refuses_making_an_org_with_children_a_branch():
    orgs = [{"id": 1, "name": "甲", "code": "A", "version": 1, "type": "21", "has_children": True},
            {"id": 2, "name": "乙", "code": "B", "version": 1, "type": "21", "has_children": False}]
    result = preview(orgs, BatchSpec((), "type", "31"))
    assert [c["id"] for c in result["changes"]] == [2]
    assert [(p["id"], p["message"]) for p in result["problems"]] == [(1, "有下级党组织，不能改为该类别")]


def test_dates_are_previewed_as_iso_text():
    orgs = [{"id": 1, "name": "甲", "code": "A", "version": 1, "established_on": date(2019, 1, 1)}]
    change = preview(orgs, BatchSpec((), "established_on", date(2020, 1, 1)))["changes"][0]
    assert (change["old"], change["new"], change["new_name"]) == ("2019-01-01", "2020-01-01", "2020-01-01")
