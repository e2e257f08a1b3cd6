"""流动党员's pure rules: the outflow form, the state machine (one open outflow, 失联 → 取得联系 →
返回), lost ≥ 6 months, and the 活动证's number, validity, 查验 years and issuing organizations."""
from datetime import date, timedelta

import pytest

from services.shared.field_errors import FieldErrors
from services.transfer.domain import mobility as m

TODAY = date(2026, 12, 2)
GOOD = {"from_date": "2026-11-01", "reason": "01", "destination": {"code": "110105", "text": "北京市朝阳区"},
        "expected_return": "2027-06-30", "phone": "13900000000", "certificate": True}


def errors_of(call, *args) -> dict:
    with pytest.raises(FieldErrors) as caught:
        call(*args)
    return caught.value.fields


def test_a_complete_outflow():
    data = m.validate_outflow(GOOD, TODAY)
    assert data["from_date"] == date(2026, 11, 1) and data["reason"] == "01" and data["certificate"] is True
    assert data["destination"] == {"code": "110105", "text": "北京市朝阳区", "abroad": False}
    assert m.destination_kind(None, data["destination"]) == m.DOMESTIC
    assert m.destination_kind(7, data["destination"]) == m.IN_SYSTEM
    assert m.validate_outflow({**GOOD, "reason": "外出务工经商"}, TODAY)["reason"] == "01"


def test_every_bad_field_at_once():
    fields = errors_of(m.validate_outflow, {"from_date": "2027-01-01", "reason": "88",
                                            "destination": {"code": "12345", "text": ""},
                                            "expected_return": "2026-01-01", "phone": "abc",
                                            "certificate": "yes"}, TODAY)
    assert set(fields) == {"from_date", "reason", "destination.code", "destination.text", "phone", "certificate",
                           "expected_return"}
    assert fields["from_date"] == "不能晚于今天"


def test_abroad_needs_no_division_code_and_home_needs_one():
    assert m.validate_outflow({**GOOD, "destination": {"text": "新加坡", "abroad": True}}, TODAY)[
        "destination"]["abroad"] is True
    assert "destination.code" in errors_of(m.validate_outflow, {**GOOD, "destination": {"text": "某地"}}, TODAY)


def test_an_org_of_the_deployment_or_typed_text_not_both():
    fields = errors_of(m.validate_outflow, {**GOOD, "to_org_id": 5, "to_org_text": "某党委"}, TODAY)
    assert "to_org_text" in fields
    assert "expected_return" in errors_of(m.validate_outflow, {**GOOD, "expected_return": "2026-10-01"}, TODAY)


def test_one_open_outflow_per_member():
    m.refuse_open(None)
    m.refuse_open(m.RETURNED)
    for state in (m.OUT, m.LOST):
        with pytest.raises(m.Refused, match="已登记为流动党员"):
            m.refuse_open(state)


def test_the_state_machine():
    assert m.lose(m.OUT) == m.LOST
    assert m.find(m.LOST) == m.OUT
    assert m.return_(m.OUT) == m.RETURNED
    with pytest.raises(m.Refused, match="请先登记取得联系"):
        m.return_(m.LOST)
    for step, state in ((m.lose, m.LOST), (m.lose, m.RETURNED), (m.find, m.OUT), (m.return_, m.RETURNED),
                        (m.return_, m.CLOSED)):
        with pytest.raises(m.Refused):
            step(state)
    assert m.close(m.OUT) == m.CLOSED and m.close(m.LOST) == m.CLOSED and m.close(m.RETURNED) is None


def test_lost_needs_a_note_for_other():
    assert "note" in errors_of(m.validate_lost, {"since": "2026-05-01", "reason": "7"}, date(2026, 1, 1), TODAY)
    lost = m.validate_lost({"since": "2026-05-01", "reason": "出国(境)"}, date(2026, 1, 1), TODAY)
    assert lost["reason"] == "5"


def test_found_and_return_not_before_their_start():
    early = {"date": "2026-04-01"}
    assert errors_of(m.validate_found, early, date(2026, 5, 1), TODAY)["date"] == "不能早于失联日期2026-05-01"
    # 登记离开 of an inflow says what it is measured from
    since = date(2026, 5, 1)
    assert errors_of(m.validate_found, early, since, TODAY, "流入日期")["date"] == "不能早于流入日期2026-05-01"
    assert "date" in errors_of(m.validate_return, {"date": "2026-04-01", "report": "x"}, date(2026, 5, 1), TODAY)
    assert "report" in errors_of(m.validate_return, {"date": "2026-06-01"}, date(2026, 5, 1), TODAY)


@pytest.mark.parametrize("since, today, expected", [
    (date(2026, 1, 2), date(2026, 7, 2), True), (date(2026, 1, 2), date(2026, 7, 1), False),
    (date(2025, 12, 31), date(2026, 6, 30), False), (date(2025, 12, 31), date(2026, 7, 1), True), (None, TODAY, False)])
def test_lost_six_months(since, today, expected):
    assert m.lost_long(since, today) is expected


def test_inflow_outflow_or_external():
    assert m.validate_inflow({"outflow_id": 3, "from_date": "2026-11-02"}, TODAY)["outflow_id"] == 3
    ext = m.validate_inflow({"external": {"name": "李四", "id_number": "11010519491231002x",
                                          "home_org_text": "外省某党委"}, "from_date": "2026-11-02"}, TODAY)
    assert ext["external"]["id_number"] == "11010519491231002X"
    assert "external.id_number" in errors_of(m.validate_inflow, {"external": {
        "name": "李四", "id_number": "110105194912310021", "home_org_text": "x"}, "from_date": "2026-11-02"}, TODAY)
    assert "outflow_id" in errors_of(m.validate_inflow, {"from_date": "2026-11-02"}, TODAY)


def test_certificate_number_per_county():
    assert m.certificate_no("330106", 42) == "330106000042"
    with pytest.raises(ValueError):
        m.certificate_no("330106", 1_000_000)


def test_certificate_validity_and_check_years():
    assert m.certificate_valid_until(date(2026, 12, 2)) == date(2029, 12, 1)
    assert m.certificate_valid_until(date(2028, 2, 29)) == date(2031, 2, 27)
    assert m.check_years(date(2026, 12, 2), date(2029, 12, 1)) == [2027, 2028, 2029]


def test_the_county_and_the_issuer():
    chain = [{"id": 1, "type": "10"}, {"id": 2, "type": "10"}, {"id": 3, "type": "11"}, {"id": 4, "type": "31"}]
    assert m.county_of(chain)["id"] == 2 and m.issuer_of(chain)["id"] == 3
    flat = [{"id": 1, "type": "11"}, {"id": 4, "type": "31"}]
    assert m.county_of(flat)["id"] == 1 and m.issuer_of(flat)["id"] == 1


def test_the_cutoff_agrees_with_lost_six_months():
    start = date(2023, 1, 1)
    for offset in range(0, 1200, 7):
        today = start + timedelta(days=offset)
        cutoff = m.lost_cutoff(today)
        assert m.lost_long(cutoff, today) and not m.lost_long(cutoff + timedelta(days=1), today), today


def test_lost_periods_from_the_history_for_the_statistics():
    history = [{"action": "registered", "effective_on": "2024-01-05"}, {"action": "certificate_issued"},
               {"action": "lost", "effective_on": "2024-03-01"}, {"action": "found", "effective_on": "2024-09-01"},
               {"action": "lost", "effective_on": "2025-02-01"}]
    assert m.lost_periods(history) == [["2024-03-01", "2024-09-01"], ["2025-02-01", None]]
    assert m.lost_periods([]) == []


def test_a_check_needs_a_valid_card_of_an_outflow_away():
    m.can_check("out", True, None)
    refusals = (("out", False, None, "未发放活动证"), ("out", True, date(2026, 1, 5), "已作废"),
                ("lost", True, None, "流出中"), ("returned", True, None, "流出中"))
    for state, issued, voided, message in refusals:
        with pytest.raises(m.Refused, match=message):
            m.can_check(state, issued, voided)


def test_the_check_year_and_date():
    issued, until, today = date(2025, 6, 1), date(2028, 5, 31), date(2026, 7, 1)
    ok = m.validate_check({"year": "2026", "checked_on": "2026-06-30", "note": "良好"}, issued, until, today)
    assert ok == {"year": 2026, "checked_on": date(2026, 6, 30), "org_text": None, "note": "良好"}
    assert set(errors_of(m.validate_check, {}, issued, until, today)) == {"year", "checked_on"}
    assert "2026年至2028年" in errors_of(m.validate_check, {"year": 2025, "checked_on": "2026-01-01"}, issued, until,
                                       today)["year"]
    assert errors_of(m.validate_check, {"year": 2027, "checked_on": "2026-01-01"}, issued, until, today)["year"] \
        == "不能查验以后的年度"
    assert "2026年内" in errors_of(m.validate_check, {"year": 2026, "checked_on": "2025-12-31"}, issued, until,
                                  today)["checked_on"]
    assert errors_of(m.validate_check, {"year": 2026, "checked_on": "2026-08-01"}, issued, until,
                     today)["checked_on"] == "不能晚于今天"
    assert "year" in errors_of(m.validate_check, {"year": True, "checked_on": "2026-06-30"}, issued, until, today)


def test_activity_record():
    """活动记录: a day of the inflow (not before it, not after today) and what, one line."""
    from services.transfer.domain.mobility import Refused, can_record_activity, validate_activity

    came, today = date(2026, 5, 20), date(2026, 7, 10)
    assert validate_activity({"date": "2026-05-20", "what": " 主题党日 "}, came, today) == {
        "date": came, "what": "主题党日"}
    cases = (({"date": "2026-05-19", "what": "党课"}, "date"), ({"date": "2026-07-11", "what": "党课"}, "date"),
             ({"date": "2026-06-01", "what": "x" * 201}, "what"), ({"date": "2026-06-01"}, "what"),
             ({"date": "6/1", "what": "党课"}, "date"))
    for data, field in cases:
        with pytest.raises(FieldErrors) as errors:
            validate_activity(data, came, today)
        assert field in errors.value.fields
    can_record_activity("in", 999)
    with pytest.raises(Refused, match="已离开"):
        can_record_activity("ended", 0)
    with pytest.raises(Refused, match="最多"):
        can_record_activity("in", 1000)


# --- the 回退 of a leave ------------------------------------------------------------------------

CLOSED_LINE = {"action": "closed", "actor": "system", "effective_on": "2026-05-01"}


def test_an_outflow_closed_by_the_leave_taken_back_is_told_by_its_last_line_and_day():
    day, began = date(2026, 5, 1), date(2026, 3, 1)
    history = [{"action": "registered", "actor": "u1"}, CLOSED_LINE]
    assert m.closed_by_leave(m.CLOSED, history, day, began, day)
    assert m.closed_by_leave(m.CLOSED, history, day, began, None)  # a leave with no date: any closing
    assert not m.closed_by_leave(m.CLOSED, history, day, began, date(2026, 5, 2))  # another leave's
    assert m.closed_by_leave(m.CLOSED, history, began, began, date(2026, 2, 1))  # left before it began
    assert not m.closed_by_leave(m.RETURNED, [*history[:1], {"action": "returned", "actor": "u1"}], None, began, day)
    assert not m.closed_by_leave(m.CLOSED, [*history[:1], {**CLOSED_LINE, "actor": "u1"}], day, began, day)
    assert not m.closed_by_leave(m.CLOSED, [*history, {"action": "reopened", "actor": "system"}], day, began, day)
    assert not m.closed_by_leave(m.OUT, history[:1], None, began, day) and not m.closed_by_leave(m.CLOSED, [], day,
                                                                                                  began, day)


def test_the_state_before_the_closing_is_lost_while_a_lost_period_was_open():
    registered = {"action": "registered", "actor": "u1"}
    lost = {"action": "lost", "effective_on": "2026-04-01"}
    found = {"action": "found", "effective_on": "2026-04-20"}
    assert m.state_before_close([registered, CLOSED_LINE]) == m.OUT
    assert m.state_before_close([registered, lost, CLOSED_LINE]) == m.LOST
    assert m.state_before_close([registered, lost, found, CLOSED_LINE]) == m.OUT
    assert m.state_before_close([registered, lost, found, {**lost, "effective_on": "2026-04-25"},
                                 CLOSED_LINE]) == m.LOST


def test_the_inflow_ended_by_the_closing():
    closed_on, began = date(2026, 5, 1), date(2026, 3, 10)
    ended = [{"action": "inflow_confirmed", "actor": "u2"}, {"action": "inflow_ended", "actor": "system"}]
    by_hand = [ended[0], {**ended[1], "actor": "u2"}]  # 离开 keyed in by the receiving clerk
    # The closing line names the inflow it ended (null: none).
    named = {**CLOSED_LINE, "inflow_id": 7}
    assert m.inflow_ended_by_close(named, 7, m.ENDED, ended, closed_on, began, closed_on)
    assert not m.inflow_ended_by_close(named, 8, m.ENDED, ended, closed_on, began, closed_on)
    assert not m.inflow_ended_by_close({**CLOSED_LINE, "inflow_id": None}, 7, m.ENDED, by_hand, closed_on, began,
                                       closed_on)
    assert not m.inflow_ended_by_close(named, 7, m.ENDED, [*ended, {"action": "inflow_reopened"}], closed_on, began,
                                       closed_on)
    assert not m.inflow_ended_by_close(named, 7, m.IN, ended[:1], None, began, closed_on)
    # A closing line written before lines named it: the system's 离开流入地 on the closing day.
    assert m.inflow_ended_by_close(CLOSED_LINE, 7, m.ENDED, ended, closed_on, began, closed_on)
    assert m.inflow_ended_by_close(CLOSED_LINE, 7, m.ENDED, ended, date(2026, 6, 1), date(2026, 6, 1), closed_on)
    assert not m.inflow_ended_by_close(CLOSED_LINE, 7, m.ENDED, ended, date(2026, 4, 1), began, closed_on)
    assert not m.inflow_ended_by_close(CLOSED_LINE, 7, m.ENDED, by_hand, closed_on, began, closed_on)
    assert not m.inflow_ended_by_close(CLOSED_LINE, 7, m.IN, ended[:1], None, began, closed_on)
