"""The 流入党员采集表 (数据迁移), pure: each row read into 流入登记's form for a member from outside (the
same field rules, each problem under its column) with its 离开日期, and judged against the organization
and the inflows of that ID number there — no such code, out of scope, revoked, a member of the caller's
own scope, imported before, overlapping a recorded inflow or another row."""
from datetime import date

import pytest

from services.transfer.domain import inflow_import as rules
from services.transfer.domain.inflow_import import ALREADY, OURS, Stint, judge, read_row

TODAY = date(2026, 6, 15)
ORG = {"id": 42, "name": "某社区党支部", "in_scope": True, "status": "active"}


def raw(**given):
    row = {"row": 2, "org_code": "B01", "name": "李四", "id_number": "440106199205061234",
           "home_org_text": "广东省广州市天河区某社区党支部", "certificate_no": "4401060000123",
           "from_date": "2025-03-01", "ended_on": ""}
    return {**row, **given}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), TODAY)
    return caught.value.fields


def data(**given) -> dict:
    return read_row(raw(**given), TODAY)


def test_a_row_reads_as_the_form_of_inflow_registration_from_outside():
    read = data(from_date="2025/3/1")
    assert read["from_date"] == date(2025, 3, 1)
    assert read["outflow_id"] is None and read["ended_on"] is None
    assert read["external"] == {"name": "李四", "id_number": "440106199205061234",
                                "home_org_text": "广东省广州市天河区某社区党支部", "certificate_no": "4401060000123"}
    assert rules.of_plain(rules.plain(read)) == read
    ended = data(ended_on="2026年1月31日", certificate_no="")
    assert ended["ended_on"] == date(2026, 1, 31) and ended["external"]["certificate_no"] is None
    assert rules.of_plain(rules.plain(ended)) == ended


def test_each_bad_column_is_named():
    found = problems(name="", id_number="440106199205061235", home_org_text="", from_date="明年")
    assert set(found) == {"name", "id_number", "home_org_text", "from_date"}
    assert "校验码" in found["id_number"] and "YYYY-MM-DD" in found["from_date"]
    assert set(problems(from_date="2026-06-16")) == {"from_date"}  # not after today
    assert set(problems(certificate_no="号" * 41)) == {"certificate_no"}
    assert set(problems(home_org_text="组" * 101)) == {"home_org_text"}


def test_the_day_of_leaving_is_after_the_inflow_and_not_in_the_future():
    assert problems(ended_on="2025-02-28")["ended_on"] == "不能早于流入日期2025-03-01"
    assert set(problems(ended_on="2026-06-16")) == {"ended_on"}
    assert set(problems(ended_on="2月")) == {"ended_on"}
    assert data(ended_on="2025-03-01")["ended_on"] == date(2025, 3, 1)  # left the day it came


def test_the_organization_must_exist_be_in_scope_and_active():
    row = data()
    assert judge("B01", ORG, row, (), False) is None
    assert judge("X9", None, row, (), False) == ("org_code", "没有代码为“X9”的党组织")
    assert judge("", None, row, (), False) == ("org_code", "请填写流入党组织代码")
    assert "不在本账号管理范围内" in judge("B01", {**ORG, "in_scope": False}, row, (), False)[1]
    assert "已撤销" in judge("B01", {**ORG, "status": "revoked"}, row, (), False)[1]


def test_a_member_of_the_callers_own_scope_is_not_from_outside():
    assert judge("B01", ORG, data(), (), True) == ("id_number", OURS)


def test_imported_before_open_elsewhere_in_time_and_overlapping_rows():
    row = data()  # from 2025-03-01, still there
    assert judge("B01", ORG, row, (Stint(date(2025, 3, 1), date(2025, 9, 1)),), False) == ("from_date", ALREADY)
    field, message = judge("B01", ORG, row, (Stint(date(2024, 1, 1)),), False)
    assert field == "id_number" and "已在本党组织登记流入（流入日期2024-01-01）" in message
    field, message = judge("B01", ORG, row, (Stint(date(2024, 1, 1), date(2025, 5, 1)),), False)
    assert field == "from_date" and "2024-01-01至2025-05-01" in message
    assert judge("B01", ORG, row, (Stint(date(2024, 1, 1), date(2025, 2, 28)),), False) is None  # before it
    earlier = data(from_date="2023-01-01", ended_on="2023-12-31")
    assert judge("B01", ORG, earlier, (Stint(date(2024, 1, 1)),), False) is None  # a stint before the open one
    field, message = judge("B01", ORG, row, (Stint(date(2025, 6, 1), None, 5),), False)
    assert field == "id_number" and "与第 5 行" in message
