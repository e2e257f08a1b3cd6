"""换届选举's pure rules at every boundary: term length by type and unit, 届满, early and late
elections, postponement, election figures (quorum, 差额, majority, ties, full members only),
committee composition, dates, and the input's per-field messages."""
from datetime import date

import pytest

from services.org.domain import terms as t
from services.shared.field_errors import FieldErrors, RuleViolation

TODAY = date(2026, 6, 1)
R = t.rules_for(TODAY)


def election(entitled=10, present=9, seats=3, votes=(9, 8, 7, 2), posts=None):
    posts = posts or ["06"] * len(votes)
    return {"entitled": entitled, "present": present, "seats": seats,
            "candidates": [{"member_id": n + 1, "votes": v, "post": p} for n, (v, p) in enumerate(zip(votes, posts))]}


ALL = set(range(1, 20))


# --- term length -------------------------------------------------------------------------------

@pytest.mark.parametrize("org_type,units,years", [
    ("11", [], 5), ("10", [], 5), ("21", [], 3), ("31", [], 3), ("32", [], 3),
    ("31", ["51"], 5), ("31", ["52"], 5), ("21", ["10", "52"], 5), ("31", ["10"], 3),
    ("33", [], None), ("12", [], None), ("41", [], None), ("33", ["51"], None)])
def test_default_years_by_type_and_village(org_type, units, years):
    assert t.default_years(R, org_type, units) == years


def test_term_length_default_allowed_and_refused():
    assert t.term_length(R, "31", [], "1", None) == 3
    assert t.term_length(R, "31", [], "1", 5) == 5
    with pytest.raises(RuleViolation, match="任期应为3或5年"):
        t.term_length(R, "31", [], "1", 4)
    with pytest.raises(RuleViolation, match="指派，不进行换届选举"):
        t.term_length(R, "33", [], "1", None)
    with pytest.raises(RuleViolation, match="没有任期届满"):
        t.term_length(R, "33", [], "3", 3)
    assert t.term_length(R, "33", [], "3", None) is None
    assert t.term_length(R, "31", [], "3", None) == 3  # an appointed branch committee still has a term


def test_expiry_adds_years_and_handles_leap_day():
    assert t.add_years(date(2023, 3, 15), 3) == date(2026, 3, 15)
    assert t.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert t.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_rules_are_versioned_by_the_election_day():
    assert t.rules_for(date(2000, 1, 1)).version == "2018"  # before the first: the first
    assert R.surplus_percent == 20 and R.quorum_fifths == 4


# --- early, late, postponed -------------------------------------------------------------------------

def test_shift_against_the_previous_expiry():
    expires = date(2026, 6, 1)
    assert t.check_shift(R, None, None, date(2020, 1, 1)) == []
    assert t.check_shift(R, expires, None, expires) == []
    assert "提前换届" in t.check_shift(R, expires, None, date(2026, 5, 31))[0]
    assert t.check_shift(R, expires, None, date(2025, 5, 31))  # 366 days early: allowed, warned
    with pytest.raises(RuleViolation, match="提前换届不得超过1年"):
        t.check_shift(R, expires, None, date(2025, 5, 30))
    assert "推迟换届须经" in t.check_shift(R, expires, None, date(2026, 6, 2))[0]
    assert "超过1年" in t.check_shift(R, expires, None, date(2027, 6, 3))[0]
    assert t.check_shift(R, expires, date(2027, 1, 1), date(2026, 12, 31)) == []  # within the approved postponement


def test_postponement_at_most_a_year():
    expires = date(2026, 6, 1)
    t.check_postponement(R, expires, date(2026, 6, 2))
    t.check_postponement(R, expires, date(2027, 6, 1))
    with pytest.raises(RuleViolation, match="不得超过1年"):
        t.check_postponement(R, expires, date(2027, 6, 2))
    with pytest.raises(RuleViolation, match="应晚于届满日期"):
        t.check_postponement(R, expires, expires)


def test_due_state_boundaries():
    assert t.due_state(None, TODAY, 180) is None
    assert t.due_state(date(2026, 5, 31), TODAY, 180) == "overdue"
    assert t.due_state(TODAY, TODAY, 180) == "due"
    assert t.due_state(date(2026, 11, 28), TODAY, 180) == "due"
    assert t.due_state(date(2026, 11, 29), TODAY, 180) is None
    assert t.due_state(date(2026, 7, 1), TODAY, 30) == "due"
    assert t.due_state(date(2026, 7, 2), TODAY, 30) is None


# --- elections ---------------------------------------------------------------------------------------

def test_a_valid_election_elects_the_most_voted_with_a_majority():
    outcome = t.count_election(R, election(), ALL)
    assert [w[0] for w in outcome.winners] == [1, 2, 3] and outcome.vacant == 0 and not outcome.warnings


def test_quorum_must_be_more_than_four_fifths():
    t.count_election(R, election(entitled=10, present=9), ALL)
    with pytest.raises(RuleViolation, match="五分之四"):
        t.count_election(R, election(entitled=10, present=8, votes=(8, 8, 8, 1)), ALL)
    t.count_election(R, election(entitled=5, present=5, votes=(5, 5, 5, 1)), ALL)
    with pytest.raises(RuleViolation, match="五分之四"):
        t.count_election(R, election(entitled=5, present=4, votes=(4, 4, 4, 1)), ALL)
    with pytest.raises(RuleViolation, match="不能多于应到"):
        t.count_election(R, election(entitled=5, present=6), ALL)


def test_candidates_at_least_twenty_percent_more_than_seats():
    with pytest.raises(RuleViolation, match="差额选举"):
        t.count_election(R, election(seats=3, votes=(9, 8, 7)), ALL)  # 3 < 3.6
    t.count_election(R, election(seats=5, votes=(9, 9, 8, 8, 7, 1)), ALL)  # 6 = 5 × 1.2
    with pytest.raises(RuleViolation, match="至少6人"):
        t.count_election(R, election(seats=5, votes=(9, 9, 8, 8, 7)), ALL)
    t.count_election(R, election(seats=1, votes=(9, 1)), ALL)  # 2 ≥ 1.2
    with pytest.raises(RuleViolation, match="少于应选名额"):
        t.count_election(R, election(seats=5, votes=(9, 9)), ALL)


def test_a_winner_needs_more_than_half_of_those_present():
    outcome = t.count_election(R, election(present=10, votes=(6, 5, 5, 1)), ALL)  # 5 of 10 is not more than half
    assert [w[0] for w in outcome.winners] == [1] and outcome.vacant == 2 and "尚缺2名" in outcome.warnings[0]
    with pytest.raises(RuleViolation, match="没有候选人得票超过"):
        t.count_election(R, election(present=10, votes=(5, 5, 5, 5)), ALL)


def test_a_tie_across_the_last_seat_is_refused():
    with pytest.raises(RuleViolation, match="再次投票"):
        t.count_election(R, election(present=9, votes=(9, 8, 7, 7)), ALL)
    outcome = t.count_election(R, election(present=9, votes=(9, 7, 7, 6)), ALL)  # the tie is inside the seats
    assert {w[0] for w in outcome.winners} == {1, 2, 3}


def test_only_full_members_stand_and_votes_fit_those_present():
    with pytest.raises(RuleViolation, match="正式党员.*4"):
        t.count_election(R, election(), {1, 2, 3})
    with pytest.raises(RuleViolation, match="多于实到人数"):
        t.count_election(R, election(present=9, votes=(10, 8, 7, 2)), ALL)


def test_a_failed_election_gives_every_reason_and_a_valid_one_none():
    assert t.election_failures(R, election(), ALL) == []
    reasons = t.election_failures(R, election(entitled=10, present=8, seats=3, votes=(4, 4, 3)), ALL)
    assert len(reasons) == 3
    assert "五分之四" in reasons[0] and "差额选举" in reasons[1] and "没有候选人得票超过" in reasons[2]
    assert t.election_failures(R, election(present=9, votes=(9, 8, 7, 7)), ALL) == [
        "得票过半的候选人多于应选名额且末位得票相同（7票），须对票数相同的候选人再次投票"]
    assert "正式党员" in t.election_failures(R, election(), {1, 2, 3})[0]


def test_record_failed_needs_the_figures_and_reads_true_false_or_a_checked_box():
    base = {"elected_on": "2026-05-01", "method": "党员大会选举", "election": election()}
    assert t.validate_new_term({**base, "record_failed": True}, TODAY)["record_failed"] is True
    assert t.validate_new_term({**base, "record_failed": "1"}, TODAY)["record_failed"] is True
    assert t.validate_new_term(base, TODAY)["record_failed"] is False
    with pytest.raises(FieldErrors) as caught:
        t.validate_new_term({**base, "record_failed": "maybe"}, TODAY)
    assert "record_failed" in caught.value.fields
    with pytest.raises(FieldErrors) as caught:
        t.validate_new_term({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1, "post": "书记"}],
                             "record_failed": True}, TODAY)
    assert "记录未成功的选举须填写选举情况" in caught.value.fields["election"]


# --- committee composition ----------------------------------------------------------------------------

def test_a_small_branch_has_only_a_secretary_and_a_deputy():
    assert t.check_committee(R, "31", 6, ["01", "02"]) == []
    assert t.check_committee(R, "31", 6, ["01"]) == []
    with pytest.raises(RuleViolation, match="不足7人"):
        t.check_committee(R, "31", 6, ["01", "03"])
    with pytest.raises(RuleViolation, match="不足7人"):
        t.check_committee(R, "32", 3, ["01", "02", "02"])


def test_a_branch_of_seven_has_a_committee_of_three_to_five():
    assert t.check_committee(R, "31", 7, ["01", "03", "04"]) == []
    assert t.check_committee(R, "31", 7, ["01", "02", "03", "04", "05"]) == []
    assert "一般为3至5人" in t.check_committee(R, "31", 30, ["01", "03", "04", "05", "06", "06"])[0]
    assert t.check_committee(R, "31", 30, ["01", "03", "04", "05", "06", "06", "06"])
    with pytest.raises(RuleViolation, match="不能超过7人"):
        t.check_committee(R, "31", 30, ["01"] + ["06"] * 7)
    assert "应设支部委员会" in t.check_committee(R, "31", 7, ["01", "02"])[0]


def test_one_secretary_at_a_time_and_higher_committees_warn():
    with pytest.raises(RuleViolation, match="只能有一名书记"):
        t.check_committee(R, "11", 200, ["01", "01", "06"])
    assert t.check_committee(R, "11", 200, ["01", "02", "02", "06", "06"]) == []
    warned = t.check_committee(R, "11", 200, ["01", "02", "02", "02"])
    assert any("5至9人" in w for w in warned) and any("副书记不超过2名" in w for w in warned)
    assert t.check_committee(R, "21", 60, ["01", "06", "06", "06", "06"]) == []
    assert any("最多9人" in w for w in t.check_committee(R, "21", 60, ["01"] + ["06"] * 9))
    assert "尚无书记" in t.check_committee(R, "11", 200, ["02", "06", "06", "06", "06"])[0]


# --- dates -------------------------------------------------------------------------------------------------

def test_member_dates():
    start = date(2025, 1, 10)
    t.check_member_dates(start, t.ELECTED, start, TODAY)
    with pytest.raises(RuleViolation, match="不能早于本届开始日期"):
        t.check_member_dates(start, t.ELECTED, date(2025, 1, 9), TODAY)
    with pytest.raises(RuleViolation, match="不能早于本届开始日期"):
        t.check_member_dates(start, t.BY_ELECTION, date(2025, 1, 9), TODAY)
    t.check_member_dates(start, t.ASSIGNED, date(2025, 1, 9), TODAY)  # appointed before the term: allowed
    with pytest.raises(RuleViolation, match="晚于今天"):
        t.check_member_dates(start, t.ASSIGNED, date(2026, 6, 2), TODAY)
    t.check_leave_date(start, start, TODAY)
    with pytest.raises(RuleViolation, match="不能早于任职日期"):
        t.check_leave_date(start, date(2025, 1, 9), TODAY)
    with pytest.raises(RuleViolation, match="晚于今天"):
        t.check_leave_date(start, date(2026, 6, 2), TODAY)


# --- input -----------------------------------------------------------------------------------------------

def test_a_new_term_input_is_read_by_name_or_code():
    data = t.validate_new_term({"elected_on": "2026-05-01", "method": "党员大会选举",
                                "approval_no": " 组字〔2026〕1号 ", "election": {
                                    "entitled": "10", "present": 9, "seats": 3, "candidates": [
                                        {"member_id": 1, "votes": 9, "post": "书记"}, {"member_id": "2", "votes": 8}]}},
                               TODAY)
    assert data["method"] == "1" and data["approval_no"] == "组字〔2026〕1号" and data["term_years"] is None
    assert data["election"]["entitled"] == 10
    assert data["election"]["candidates"] == [{"member_id": 1, "votes": 9, "post": "01"},
                                              {"member_id": 2, "votes": 8, "post": "06"}]


@pytest.mark.parametrize("raw,field", [
    ({"elected_on": "2026-06-02", "method": "1", "members": [{"member_id": 1}]}, "elected_on"),
    ({"elected_on": "2026-13-01", "method": "1", "members": [{"member_id": 1}]}, "elected_on"),
    ({"elected_on": "2026-05-01", "method": "抽签", "members": [{"member_id": 1}]}, "method"),
    ({"elected_on": "2026-05-01", "method": "1"}, "election"),
    ({"elected_on": "2026-05-01", "method": "3"}, "members"),
    ({"elected_on": "2026-05-01", "method": "3", "members": [{"member_id": 1}],
      "election": {"entitled": 1, "present": 1, "seats": 1, "candidates": [{"member_id": 1, "votes": 1}]}}, "election"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1}, {"member_id": 1}]}, "members"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1, "post": "主任"}]}, "members"),
    ({"elected_on": "2026-05-01", "method": "1", "members": "1,2"}, "members"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1}] * 61}, "members"),
    ({"elected_on": "2026-05-01", "method": "1", "election": {"entitled": 0, "present": 1, "seats": 1,
                                                             "candidates": [{"member_id": 1, "votes": 1}]}},
     "election.entitled"),
    ({"elected_on": "2026-05-01", "method": "1", "election": {"entitled": 1, "present": 1, "seats": 1,
                                                             "candidates": []}}, "election.candidates"),
    ({"elected_on": "2026-05-01", "method": "1", "election": {"entitled": 1, "present": 1, "seats": 1,
                                                             "candidates": [{"member_id": 1, "votes": -1}]}},
     "election.candidates"),
    ({"elected_on": "2026-05-01", "method": "1", "election": {"entitled": 1, "present": True, "seats": 1,
                                                             "candidates": [{"member_id": 1, "votes": 1}]}},
     "election.present"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1}], "term_years": "x"}, "term_years"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1}], "approved_on": "2026-04-30"},
     "approved_on"),
    ({"elected_on": "2026-05-01", "method": "1", "members": [{"member_id": 1}], "approval_no": "号" * 61},
     "approval_no"),
])
def test_a_new_term_input_names_each_bad_field(raw, field):
    with pytest.raises(FieldErrors) as caught:
        t.validate_new_term(raw, TODAY)
    assert field in caught.value.fields


def test_midterm_leave_and_approval_inputs():
    assert t.validate_addition({"member_id": 3, "post": "组织委员", "since": "2026-05-01", "how": "补选"}, TODAY) == {
        "member_id": 3, "post": "03", "since": date(2026, 5, 1), "how": "2"}
    with pytest.raises(FieldErrors) as caught:
        t.validate_addition({"member_id": 0, "post": "x", "since": "", "how": "选举"}, TODAY)
    assert set(caught.value.fields) == {"member_id", "post", "since", "how"}
    assert t.validate_leave({"date": "2026-05-01", "reason": "调离"}, TODAY)["reason"] == "调离"
    with pytest.raises(FieldErrors) as caught:
        t.validate_leave({"date": "2026-06-02", "reason": ""}, TODAY)
    assert set(caught.value.fields) == {"date", "reason"}
    with pytest.raises(FieldErrors):
        t.validate_approval({"approved_on": "2026-05-01"}, TODAY)
    assert t.validate_approval({"approved_on": "2026-05-01", "approval_no": "1号", "postponed_to": "2027-01-01"},
                               TODAY)["postponed_to"] == date(2027, 1, 1)
    for bad in (None, [], "x"):
        with pytest.raises(FieldErrors):
            t.validate_new_term(bad, TODAY)


def test_full_member_on_the_day():
    day = date(2026, 5, 1)
    assert t.full_on_day("01", None, day) and t.full_on_day("01", day, day)
    assert not t.full_on_day("01", date(2026, 5, 2), day) and not t.full_on_day("02", None, day)


# --- correcting a term ---------------------------------------------------------------------------------

def test_a_correction_names_what_changes_and_needs_a_reason():
    assert t.validate_correction({"elected_on": "2026-05-01", "reason": "录入错误"}, TODAY) == {
        "elected_on": date(2026, 5, 1), "term_years": None, "approved_on": None, "approval_no": None,
        "reason": "录入错误"}
    for raw, field in (({"reason": "录入错误"}, "data"), ({"term_years": 5}, "reason"),
                       ({"elected_on": "2026-07-01", "reason": "x"}, "elected_on"),
                       ({"term_years": "五", "reason": "x"}, "term_years")):
        with pytest.raises(FieldErrors) as caught:
            t.validate_correction(raw, TODAY)
        assert field in caught.value.fields


def test_a_corrected_election_day_fits_between_the_terms_and_the_members():
    old = date(2025, 3, 1)
    around = t.Neighbours(date(2022, 3, 1), date(2024, 5, 1), date(2026, 4, 1),
                          (("1", old, None), ("2", date(2025, 6, 1), None), ("3", date(2024, 1, 1), date(2025, 2, 1))))
    t.check_corrected_dates(date(2025, 2, 1), old, None, around)  # the elected ones move with the term
    t.check_corrected_dates(date(2024, 5, 1), old, date(2024, 6, 1), around)
    for day, approved, words in ((date(2022, 3, 1), None, "应晚于上一届"), (date(2024, 4, 30), None, "任职或离任"),
                                 (date(2026, 4, 1), None, "应早于下一届"), (date(2025, 7, 1), None, "选举产生的成员"),
                                 (date(2025, 2, 1), date(2025, 1, 31), "批复日期")):
        with pytest.raises(RuleViolation, match=words):
            t.check_corrected_dates(day, old, approved, around)
    # a member who left before the new first day
    left = t.Neighbours(None, None, None, (("1", old, date(2025, 4, 1)),))
    with pytest.raises(RuleViolation, match="离任"):
        t.check_corrected_dates(date(2025, 5, 1), old, None, left)
