"""发起 and the other commands' input: every bad field at once, in Chinese."""
from datetime import date

import pytest

from services.shared.field_errors import FieldErrors
from services.transfer.domain.validation import (
    valid_until,
    validate_apply,
    validate_reapply,
    validate_reason,
    validate_receipt,
    validate_receive,
)

WITHIN = {"member_id": 5, "kind": "within", "to_org_id": 9, "reason": "01", "dues_paid_to": "2026-03"}


def errors(data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_apply(data)
    return caught.value.fields


def test_a_within_transfer_with_defaults():
    out = validate_apply({**WITHIN, "reason": "调动工作", "phone": "0571-1234567", "postcode": "310000"})
    assert out["reason"] == "01" and out["valid_days"] == 30 and out["to_outside"] is None
    assert out["phone"] == "0571-1234567" and out["postcode"] == "310000"


def test_defaults_per_kind_and_the_ninety_day_limit():
    cross = {**WITHIN, "kind": "cross_province", "to_outside": {"province": "浙江省", "party_committee": "某党委"}}
    assert validate_apply(cross)["valid_days"] == 90
    assert validate_apply({**WITHIN, "kind": "between_branches"})["valid_days"] is None
    assert "90" in errors({**WITHIN, "valid_days": 91})["valid_days"]
    assert errors({**WITHIN, "valid_days": 0})["valid_days"]
    assert errors({**WITHIN, "valid_days": "十"})["valid_days"]


def test_every_bad_field_at_once():
    found = errors({"kind": "teleport", "reason": "88", "dues_paid_to": "2026/3", "postcode": "12"})
    assert set(found) == {"member_id", "kind", "reason"}
    found = errors({"member_id": 1, "kind": "within", "reason": "01", "dues_paid_to": "2026-13", "postcode": "12"})
    assert set(found) == {"to_org_id", "dues_paid_to", "postcode"}


def test_the_outside_receiver_is_typed_by_hand():
    found = errors({**WITHIN, "kind": "cross_province", "to_outside": {"party_committee": ""}})
    assert set(found) == {"to_outside.province", "to_outside.party_committee"}
    assert errors({**WITHIN, "kind": "outside"})["to_outside"]
    out = validate_apply({**WITHIN, "kind": "outside", "to_outside": {"party_committee": "某公司党委"}})
    assert out["to_outside"]["party_committee"] == "某公司党委" and out["to_org_id"] is None


def test_dues_month_is_required_on_a_letter_only():
    assert errors({**WITHIN, "dues_paid_to": None})["dues_paid_to"] == "必填"
    assert validate_apply({**WITHIN, "kind": "between_branches", "dues_paid_to": None})["dues_paid_to"] is None


def test_reapply_keeps_what_is_not_given():
    current = {"dues_paid_to": "2026-01", "phone": None, "address": None, "postcode": None, "valid_days": 30,
               "reason": "01"}
    assert validate_reapply({"dues_paid_to": "2026-04"}, "within", current)["dues_paid_to"] == "2026-04"
    assert validate_reapply(None, "within", current)["valid_days"] == 30
    with pytest.raises(FieldErrors):
        validate_reapply({"valid_days": 100}, "within", current)


def test_reasons_dates_and_receipts():
    with pytest.raises(FieldErrors, match="请填写退回原因"):
        validate_reason({"reason": " "}, "退回")
    applied, today = date(2026, 3, 1), date(2026, 3, 10)
    assert validate_receive({}, applied, today) == today
    assert validate_receive({"date": "2026-03-05"}, applied, today) == date(2026, 3, 5)
    for bad in ("2026-03-11", "2026-02-28", "5 March"):
        with pytest.raises(FieldErrors):
            validate_receive({"date": bad}, applied, today)
    with pytest.raises(FieldErrors) as caught:
        validate_receipt({"date": "2026-03-05"}, applied, today)
    assert set(caught.value.fields) == {"handler"}


def test_validity_counts_the_day_of_issue():
    assert valid_until(date(2026, 3, 1), 30) == date(2026, 3, 30)
    assert valid_until(date(2026, 3, 1), None) is None
