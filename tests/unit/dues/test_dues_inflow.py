"""党费 of 流入 members at the inflow organization (services/dues/domain/inflow.py): the inflow's
window (open, from its month, paid on or after the day) and the outside members' ledger."""
from datetime import date
from decimal import Decimal

import pytest

from services.dues.domain import DuesRefused, Month, Payment, check_external_payments, check_inflow_payments

CAME = date(2026, 5, 20)
TODAY = date(2026, 7, 10)


def paid(month: str, amount: str = "30.00", on: date = TODAY) -> Payment:
    return Payment(Month.parse(month), Decimal(amount), on, "self")


def test_the_window_of_an_open_inflow():
    check_inflow_payments(True, CAME, [paid("2026-05"), paid("2026-06", on=CAME), paid("2026-08")])
    with pytest.raises(DuesRefused) as refused:
        check_inflow_payments(True, CAME, [paid("2026-04"), paid("2026-06", on=date(2026, 5, 19))])
    assert refused.value.messages == ["2026年4月：早于流入月份（2026-05-20流入），应在党员所在党组织交纳",
                                      "2026年6月：交纳日期早于流入日期（2026-05-20）"]


def test_an_ended_inflow_records_nothing():
    with pytest.raises(DuesRefused, match="流入已结束"):
        check_inflow_payments(False, CAME, [paid("2026-06")])


def test_outside_members_ledger():
    check_external_payments(True, CAME, [paid("2026-06"), paid("2026-07", "999.99")], {Month(2026, 5)}, TODAY)
    cases = {"2026-05": "重复登记", "2027-08": "预交最多交到2027年7月"}
    for month, message in cases.items():
        with pytest.raises(DuesRefused, match=message):
            check_external_payments(True, CAME, [paid(month)], {Month(2026, 5)}, TODAY)
    with pytest.raises(DuesRefused, match="大额党费"):
        check_external_payments(True, CAME, [paid("2026-06", "1000.00")], set(), TODAY)
    with pytest.raises(DuesRefused, match="不能晚于今天"):
        check_external_payments(True, CAME, [paid("2026-07", on=date(2026, 7, 11))], set(), TODAY)
    with pytest.raises(DuesRefused, match="重复登记"):  # twice in one request
        check_external_payments(True, CAME, [paid("2026-06"), paid("2026-06")], set(), TODAY)
    with pytest.raises(DuesRefused, match="早于流入月份"):
        check_external_payments(True, CAME, [paid("2026-04")], set(), TODAY)
