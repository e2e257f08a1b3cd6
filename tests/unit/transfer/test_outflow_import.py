"""The 流出党员采集表 (数据迁移), pure: each row read into 流出登记's form (the same field rules, each
problem under its column) and judged against the member — not in scope, another name, not on the
rolls, in transit, already away, before joining, the same outflow imported before."""
from datetime import date

import pytest

from services.transfer.domain import outflow_import as rules
from services.transfer.domain.mobility import serial_of
from services.transfer.domain.outflow_import import ALREADY, NOT_FOUND, Standing, judge, read_row

TODAY = date(2026, 6, 15)
ORGS = {"B01": 42}
MEMBER = {"id": 7, "name": "张三", "status": "active", "in_transit": None, "joined_on": "2012-07-01", "org_id": 5}


def raw(**given):
    row = {"row": 2, "id_number": "110101199003071234", "name": "张三", "from_date": "2024-03-01",
           "reason": "外出务工经商", "destination": "广东省广州市天河区", "division": "440106", "abroad": "",
           "to_org_code": "", "to_org_text": "广州某公司党支部", "phone": "13900000000", "expected_return": ""}
    return {**row, **given}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), TODAY, ORGS)
    return caught.value.fields


def test_a_row_reads_as_the_form_of_outflow_registration():
    data = read_row(raw(from_date="2024/3/1"), TODAY, ORGS)
    assert data["from_date"] == date(2024, 3, 1)
    assert data["reason"] == "01"
    assert data["destination"] == {"code": "440106", "text": "广东省广州市天河区", "abroad": False}
    assert (data["to_org_id"], data["to_org_text"]) == (None, "广州某公司党支部")
    assert data["certificate"] is False
    assert rules.of_plain(rules.plain(data)) == data


def test_in_system_abroad_and_expected_return():
    data = read_row(raw(to_org_code="B01", to_org_text=""), TODAY, ORGS)
    assert data["to_org_id"] == 42 and data["to_org_text"] is None
    abroad = read_row(raw(abroad="是", division="", destination="新加坡", expected_return="2027-01-01"), TODAY, ORGS)
    assert abroad["destination"]["abroad"] is True and abroad["expected_return"] == date(2027, 1, 1)


def test_each_problem_under_its_column():
    assert set(problems(from_date="", reason="出差", destination="", phone="")) == {
        "from_date", "reason", "destination", "phone"}
    assert "不能晚于今天" in problems(from_date="2026-07-01")["from_date"]
    assert "行政区划" in problems(division="")["division"]
    assert "行政区划代码" in problems(division="12345")["division"]
    assert problems(abroad="也许")["abroad"] == "是否出国（境）应填“是”或“否”"
    assert problems(to_org_code="XX9")["to_org_code"] == "没有代码为“XX9”的党组织"
    assert "不要再填写" in problems(to_org_code="B01")["to_org_text"]
    assert problems(expected_return="2024-01-01")["expected_return"] == "应晚于流出日期"


def data(**given):
    return read_row(raw(**given), TODAY, ORGS)


def test_judged_against_the_member():
    assert judge(MEMBER, "张三", data(), Standing()) is None
    assert judge(None, "张三", data(), Standing()) == ("id_number", NOT_FOUND)
    assert judge(MEMBER, "李四", data(), Standing())[1] == "姓名与公民身份号码不符（名册中为“张三”）"
    assert judge({**MEMBER, "status": "left"}, "张三", data(), Standing())[1] == "该党员不在党员名册中，不能登记流出"
    assert "转接" in judge({**MEMBER, "in_transit": {"transfer_id": 1}}, "张三", data(), Standing())[1]
    assert "转接" in judge(MEMBER, "张三", data(), Standing(transfer_open=True))[1]
    assert judge(MEMBER, "张三", data(from_date="2010-01-01"), Standing()) == (
        "from_date", "流出日期不能早于入党日期（2012-07-01）")
    assert judge(MEMBER, "张三", data(to_org_code="B01", to_org_text=""), Standing(), home_id=42)[0] == "to_org_code"


def test_away_already_and_imported_before():
    assert judge(MEMBER, "张三", data(), Standing((("2024-03-01", "out"),))) == ("from_date", ALREADY)
    assert judge(MEMBER, "张三", data(), Standing((("2024-03-01", "returned"),))) == ("from_date", ALREADY)
    assert "请先在系统中办理返回" in judge(MEMBER, "张三", data(), Standing((("2023-01-01", "lost"),)))[1]
    assert judge(MEMBER, "张三", data(), Standing((("2023-01-01", "returned"),))) is None


def test_a_card_issued_before_pmis():
    data = read_row(raw(certificate_no="110101000123", certificate_issued_on="2024/3/5"), TODAY, ORGS)
    assert (data["certificate_no"], data["certificate_issued_on"]) == ("110101000123", date(2024, 3, 5))
    assert data["certificate"] is False  # PMIS issues none: the card is kept as it is
    assert rules.of_plain(rules.plain(data)) == data
    plain = read_row(raw(), TODAY, ORGS)
    assert (plain["certificate_no"], plain["certificate_issued_on"]) == (None, None)
    assert problems(certificate_no="110101000123")["certificate_issued_on"].startswith("发证日期")
    late = problems(certificate_no="1", certificate_issued_on="2026-06-16")
    assert late["certificate_issued_on"] == "发证日期不能晚于今天"
    assert "活动证编号" in problems(certificate_issued_on="2024-03-05")["certificate_no"]
    assert "40" in problems(certificate_no="号" * 41, certificate_issued_on="2024-03-05")["certificate_no"]


def test_the_serial_a_card_number_takes():
    assert serial_of("110101000123", "110101") == 123
    assert serial_of("110101900000", "110101") == 900000
    assert serial_of("110101000000", "110101") is None  # no serial 0
    assert serial_of("11010112345", "110101") is None and serial_of("ABC000123", "110101") is None
    assert serial_of("1101010001234", "110101") is None
