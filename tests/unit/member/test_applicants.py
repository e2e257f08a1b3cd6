"""入党申请人 rules: a new applicant, a change of one, 删除/找回's reason, the facts events carry."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from services.member.domain.applicants import (
    applicant_facts,
    duplicate_message,
    validate_applicant_changes,
    validate_new_applicant,
    validate_reason,
)
from services.member.domain.import_rows import check_rows
from services.shared.field_errors import FieldErrors
from tests.support.factories import id_number

TODAY = date(2026, 12, 1)


def data(**overrides):
    base = {"org_id": 5, "name": "申请人", "id_number": id_number(date(2000, 3, 4), female=True), "ethnicity": "汉族",
            "applied_on": "2025-05-04"}
    return {**base, **overrides}


def test_a_new_applicant_is_normalized_with_sex_and_birth_date_from_the_id_number():
    out = validate_new_applicant(data(education="大学本科", occupation="学生", id_number=" " + id_number(
        date(2000, 3, 4), female=True).lower() + " "), today=TODAY)
    assert out["sex"] == "2" and out["birth_date"] == date(2000, 3, 4)
    assert out["ethnicity"] == "01" and out["applied_on"] == date(2025, 5, 4)
    assert out["education"] and out["occupation"] and out["name_initials"] == "sqr"
    assert "sex" not in data() and out["org_id"] == 5


def test_a_15_digit_number_is_kept_as_its_18_digit_form():
    out = validate_new_applicant(data(id_number="110105491231002", applied_on="1990-01-01"), today=TODAY)
    assert out["id_number"].startswith("11010519491231") and len(out["id_number"]) == 18


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "110105194912310021", "校验码错误"),
    ("id_number", "", "必填"),
    ("id_number", 110105, "应为文本"),
    ("applied_on", "2027-01-01", "不能晚于今天"),
    ("applied_on", "2017-03-03", "须年满18周岁"),  # the day before the 18th birthday
    ("applied_on", "20250504", "YYYY-MM-DD"),
    ("ethnicity", "火星族", "未知的民族"),
    ("education", "博士后", "未知的学历"),
    ("occupation", "神仙", "未知的工作岗位"),
    ("name", "", "必填"),
    ("name", "名" * 51, "不能超过50"),
    ("org_id", "x", "应为党组织编号"),
])
def test_bad_fields_are_refused_with_a_chinese_message(field, value, message):
    with pytest.raises(FieldErrors) as refused:
        validate_new_applicant(data(**{field: value}), today=TODAY)
    assert message in refused.value.fields[field]


def test_an_applicant_may_apply_on_the_18th_birthday():
    assert validate_new_applicant(data(applied_on="2018-03-04"), today=TODAY)["applied_on"] == date(2018, 3, 4)


def test_every_bad_field_is_named_at_once():
    with pytest.raises(FieldErrors) as refused:
        validate_new_applicant({"org_id": None}, today=TODAY)
    assert set(refused.value.fields) == {"org_id", "name", "id_number", "ethnicity", "applied_on"}
    with pytest.raises(FieldErrors):
        validate_new_applicant(["not", "a", "dict"])


def current(**overrides):
    row = validate_new_applicant(data(), today=TODAY)
    return {**row, **overrides}


def test_a_change_gives_only_what_differs_and_rederives_sex_and_birth_date():
    now = current()
    other = id_number(date(1990, 1, 2), female=False)
    read, changes = validate_applicant_changes({"version": 3, "id_number": other, "name": now["name"]}, now,
                                               today=TODAY)
    assert read == 3 and changes["id_number"] == other and changes["sex"] == "1"
    assert changes["birth_date"] == date(1990, 1, 2) and "name" not in changes


def test_a_change_is_checked_against_the_current_values():
    now = current()
    # A birth date that makes the recorded 申请日期 too early.
    with pytest.raises(FieldErrors) as refused:
        validate_applicant_changes({"version": 1, "id_number": id_number(date(2010, 1, 1))}, now, today=TODAY)
    assert "须年满18周岁" in refused.value.fields["applied_on"]


@pytest.mark.parametrize("change, field, message", [
    ({"org_id": 9}, "org_id", "组织关系转接"),
    ({"stage": "activist"}, "stage", "发展党员流程"),
    ({"sex": "1"}, "sex", "公民身份号码"),
    ({"whatever": 1}, "whatever", "不能在此修改"),
    ({}, "data", "没有要修改的信息"),
])
def test_what_a_change_may_not_set(change, field, message):
    with pytest.raises(FieldErrors) as refused:
        validate_applicant_changes({"version": 1, **change}, current(), today=TODAY)
    assert message in refused.value.fields[field]


def test_a_change_needs_the_version_read():
    with pytest.raises(FieldErrors) as refused:
        validate_applicant_changes({"name": "新名"}, current(), today=TODAY)
    assert "version" in refused.value.fields


def test_delete_and_restore_take_an_optional_version_and_reason():
    assert validate_reason(None) == (None, None)
    assert validate_reason({"version": 2, "reason": " 录入重复 "}) == (2, "录入重复")
    with pytest.raises(FieldErrors) as refused:
        validate_reason({"version": "x", "reason": "长" * 201})
    assert set(refused.value.fields) == {"version", "reason"}


def test_duplicates_are_worded_by_where_the_number_is():
    assert "已登记为入党申请人" in duplicate_message("1", "applicant")
    assert "找回" in duplicate_message("1", "deleted")
    assert "已登记为党员" in duplicate_message("1", "member")


def test_the_facts_carry_the_branch_stage_dates_and_deletion():
    row = SimpleNamespace(**current(), org_path="/1/5/", stage="applicant", deleted_at=None, activist_on=None,
                          candidate_on=None, joined_on=None)
    facts = applicant_facts(row)
    assert facts["org_id"] == 5 and facts["stage"] == "applicant" and facts["deleted_on"] is None
    assert facts["applied_on"] == "2025-05-04" and facts["birth_date"] == "2000-03-04"
    assert facts["activist_on"] is None and facts["candidate_on"] is None and facts["joined_on"] is None
    row.stage, row.activist_on = "activist", date(2025, 6, 1)
    assert applicant_facts(row)["activist_on"] == "2025-06-01"
    row.deleted_at = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    assert applicant_facts(row)["deleted_on"] == "2026-11-30"


def test_the_import_check_uses_the_applicant_rules_and_words_duplicates_by_where():
    orgs = {"B1": {"id": 5, "path": "/1/5/", "in_scope": True, "name": "一支部"}}
    member_number, good = id_number(date(1995, 1, 1)), id_number(date(1995, 1, 1))
    rows = [{"row": 2, "name": "甲", "id_number": good, "ethnicity": "汉", "applied_on": "2024-01-01",
             "org_code": "B1"},
            {"row": 3, "name": "乙", "id_number": member_number, "ethnicity": "汉族", "applied_on": "2024-01-01",
             "org_code": "B1"},
            {"row": 4, "name": "丙", "id_number": id_number(date(2010, 1, 1)), "ethnicity": "汉族",
             "applied_on": "2024-01-01", "org_code": "B1"}]
    checked = check_rows(rows, orgs, {member_number: "member"}, today=TODAY, validate=validate_new_applicant,
                         registered_message=duplicate_message, who="入党申请人")
    assert [r["row"] for r in checked.valid] == [2]
    assert checked.valid[0]["applied_on"] == date(2024, 1, 1) and checked.valid[0]["org_path"] == "/1/5/"
    errors = {(e["row"], e["field"]): e["message"] for e in checked.errors}
    assert "已登记为党员" in errors[(3, "id_number")] and "须年满18周岁" in errors[(4, "applied_on")]
    assert checked.notes[0]["message"] == "民族：汉 → 汉族"
