"""线下转入 in the member service's pure rules: the form checked as 新增党员, who is on file, the
record it gives."""
from datetime import date

import pytest

from services.member.domain.inbound import (
    arrival_changes,
    checked_form,
    new_values,
    on_file,
    returning_values,
    snapshot,
)
from services.shared.field_errors import FieldErrors
from tests.support.factories import id_number

TARGET = {"id": 8, "path": "/1/8/", "name": "接收支部"}
DAY = date(2026, 5, 20)


def form(**overrides) -> dict:
    return {"org_id": 8, "name": "张三", "id_number": id_number(), "ethnicity": "汉族", "category": "正式党员",
            "joined_on": "2012-07-01", "branch_joined_on": "2013-01-01", **overrides}


def test_the_form_is_checked_by_the_new_member_rules_and_the_branch_date_is_the_receive_date():
    with pytest.raises(FieldErrors) as bad:
        checked_form(form(id_number="110101199001011235", ethnicity="火星族"))
    assert {"id_number", "ethnicity"} <= set(bad.value.fields)
    data = checked_form(form())
    assert "branch_joined_on" not in data
    values = new_values({k: v for k, v in data.items() if k != "org_id"}, TARGET, DAY)
    assert (values["org_id"], values["org_path"], values["branch_joined_on"], values["arrived_on"]) == (
        8, "/1/8/", DAY, DAY)
    kept = snapshot(data, None)
    assert kept["joined_on"] == "2012-07-01" and kept["ethnicity_name"] == "汉族" and kept["sex_name"] in ("男", "女")


def test_who_is_on_file_decides():
    number = id_number()
    assert on_file(None) == (None, None)
    active = {"id": 5, "id_number": number, "status": "active", "leave_kind": None, "left_on": None}
    assert "在册党员" in on_file(active)[0]
    died = {**active, "status": "left", "leave_kind": "10", "left_on": "2024-01-01"}
    why, back = on_file(died)
    assert back is None and "找回" in why
    assert on_file({**died, "leave_kind": "40"}) == (None, 5)


def test_a_record_taken_back_is_on_the_rolls_again_with_the_letters_fields():
    data = checked_form(form(name="李四", native_place=None))
    data.pop("org_id")
    values = returning_values(data, TARGET, DAY)
    assert (values["status"], values["leave_kind"], values["left_on"], values["name"]) == ("active", None, None, "李四")
    assert "native_place" not in values and "arrived_on" not in values  # kept as it was; the absence counts
    assert [c["field"] for c in arrival_changes("外省", "接收支部", DAY.isoformat(), {"id": 5})] == [
        "org_id", "branch_joined_on", "status"]
