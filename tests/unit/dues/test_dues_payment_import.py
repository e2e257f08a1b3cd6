"""The 党费交纳记录表 (数据迁移), pure: each row matched to a member of the organization or one under it
and judged by the ledger's rules (with the settings of the member's own branch) one at a time,
every refused row with its own Chinese reason; a month already recorded (the same file twice) is
refused, never kept twice."""
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain import Account, Base, Branch, Month, Payment
from services.dues.domain.bulk_bases import Identity
from services.dues.domain.payment_import import ALREADY_RECORDED, check_sheet, read_row, sheet_day

M = Month.parse
TODAY = date(2026, 6, 15)
BRANCH = Branch(registration_start=M("2024-01"))
A, B, C = "110101199003071234", "110101198506150021", "11010119700101002X"
ROSTER = {A: Identity(1, "张三", A, org_id=10), B: Identity(2, "李四", B, org_id=10),
          C: Identity(3, "王五", C, "该党员缺少入党日期，无法计算党费", org_id=10)}
ACCOUNTS = {1: Account(date(2020, 7, 1), (Base("employed", Decimal("3000"), M("2020-07")),)),
            2: Account(date(2020, 7, 1), (Base("employed", Decimal("3000"), M("2020-07")),),
                       (Payment(M("2025-01"), Decimal("15.00"), date(2025, 1, 5)),))}


def row(n, name="张三", number=A, month="2025-07", amount="15", paid_on="2025-07-10", **more):
    return {"row": n, "name": name, "id_number": number, "month": month, "amount": amount, "paid_on": paid_on,
            **more}


def check(*rows):
    return check_sheet(rows, ROSTER, ACCOUNTS, {10: BRANCH}, TODAY)


def reasons(result) -> dict[int, str]:
    return {error["row"]: error["message"] for error in result.errors}


def test_good_rows_are_kept_with_the_member_and_kind():
    result = check(row(2), row(3, month="2025-08", paid_on="2025/8/9", method="代交", collector="李四"),
                   row(4, month="2025-09", paid_on="2026-01-10"))
    assert result.errors == []
    assert [(item["row"], item["member_id"], item["month"], item["amount"], item["method"]) for item in result.valid] \
        == [(2, 1, "2025-07", "15.00", "self"), (3, 1, "2025-08", "15.00", "proxy"), (4, 1, "2025-09", "15.00", "self")]
    assert result.valid[1]["collector"] == "李四" and result.valid[2]["kind"] == "late"


def test_the_member_must_be_on_the_branchs_rolls_under_their_name():
    result = check(row(2, number="110101199912310000"), row(3, name="张四"), row(4, number=""),
                   row(5, name="王五", number=C), row(6, number=A.lower()))
    found = reasons(result)
    assert "没有这个公民身份号码" in found[2] and "名册中为“张三”" in found[3] and "请填写公民身份号码" in found[4]
    assert "缺少入党日期" in found[5]
    assert [item["row"] for item in result.valid] == [6]  # a lower-case x is the same number


@pytest.mark.parametrize("field,value,says", [
    ("month", "2025-13", "交纳月份"), ("month", "", "交纳月份"), ("amount", "-3", "交纳金额"),
    ("amount", "1.234", "交纳金额"), ("amount", "abc", "交纳金额"), ("paid_on", "2025-02-30", "交纳日期"),
    ("paid_on", "昨天", "交纳日期"), ("method", "微信", "交纳方式"), ("collector", "长" * 51, "收缴人")])
def test_a_malformed_field_is_refused_with_its_name(field, value, says):
    result = check(row(2, **{field: value}))
    assert result.valid == [] and says in reasons(result)[2]


def test_the_ledgers_rules_refuse_a_row_and_keep_the_others():
    result = check(row(2, month="2023-12", paid_on="2023-12-05"),  # before the branch's registration start
                   row(3, month="2025-07", paid_on="2027-01-01"),  # paid in the future
                   row(4, month="2025-10", amount="1500", paid_on="2025-10-08"),  # 大额: recorded apart
                   row(5, month="2025-11", paid_on="2025-11-08"))
    found = reasons(result)
    assert "登记开始月份" in found[2] and "晚于今天" in found[3] and "大额党费" in found[4]
    assert [item["row"] for item in result.valid] == [5]


def test_a_month_twice_in_the_sheet_or_already_recorded_is_refused():
    result = check(row(2), row(3, paid_on="2025-07-20"), row(4, name="李四", number=B, month="2025-01",
                                                             paid_on="2025-01-05"))
    found = reasons(result)
    assert "与第2行是同一党员同一月份" in found[3]
    assert ALREADY_RECORDED in found[4]
    assert [item["row"] for item in result.valid] == [2]


def test_rows_are_judged_in_month_order_whatever_the_sheets_order():
    result = check(row(2, month="2025-09", paid_on="2025-09-03"), row(3, month="2025-07", paid_on="2025-07-03"))
    assert result.errors == [] and [item["kind"] for item in result.valid] == ["monthly", "monthly"]


def test_a_sheet_problem_is_the_rows_reason():
    result = check({**row(2), "sheet_problems": {"id_number": "公民身份号码被存为数字"}})
    assert reasons(result) == {2: "公民身份号码被存为数字"}


def test_days_and_payments_read_as_sheets_write_them():
    assert sheet_day("2025年7月10日") == sheet_day("2025.7.10") == sheet_day("2025-07-10 00:00:00") == date(2025, 7, 10)
    payment, collector = read_row(row(2, amount="１５元", method="本人"))
    assert payment == Payment(M("2025-07"), Decimal("15.00"), date(2025, 7, 10), "self") and collector is None


def test_the_reasons_read_as_sentences():
    found = reasons(check(row(2, amount="abc"), row(3, month=""), row(4, amount=""), row(5, paid_on="")))
    assert found == {2: "交纳金额应为数字，如 1234.50", 3: "请填写交纳月份", 4: "请填写交纳金额", 5: "请填写交纳日期"}


def test_a_committees_sheet_judges_each_member_by_their_own_branchs_registration_start():
    """One sheet for a committee: 张三 in branch 10 (registration from 2024-01), 李四 in branch 20
    (from 2025-08): the same month is taken for one and refused for the other."""
    roster = {A: Identity(1, "张三", A, org_id=10), B: Identity(2, "李四", B, org_id=20)}
    branches = {10: BRANCH, 20: Branch(registration_start=M("2025-08"))}
    result = check_sheet([row(2), row(3, name="李四", number=B)], roster, ACCOUNTS, branches, TODAY)
    assert [(item["row"], item["member_id"], item["org_id"]) for item in result.valid] == [(2, 1, 10)]
    assert list(reasons(result)) == [3]
