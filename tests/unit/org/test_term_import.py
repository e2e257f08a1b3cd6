"""The 换届采集表 (数据迁移), pure: each row read (organization code, dates, 产生方式, 任期, 批复, member,
职务) with every problem under its column; rows grouped into terms by organization and 选举日期, a
term's head the same on every row, a member once and one 书记 a term; a term imported before, or
older than the term in office, refused; a term's 选举情况 (应到/实到/应选名额, each candidate's 得票, 是否当选)
read and counted by 换届's rules."""
from datetime import date

import pytest

from services.org.domain import term_import as rules
from services.org.domain.term_import import (
    ALREADY,
    Recorded,
    group,
    judge_election,
    judge_term,
    read_row,
    term_form,
)

TODAY = date(2026, 6, 15)


def raw(**given):
    row = {"row": 2, "org_code": "B01", "elected_on": "2023-06-30", "method": "党员大会选举", "term_years": "3",
           "approved_on": "2023/7/10", "approval_no": "组字〔2023〕12号", "id_number": "110101199003071234",
           "name": "张三", "post": "书记"}
    return {**row, **given}


def problems(**given) -> dict:
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(**given), TODAY)
    return caught.value.fields


def test_a_row_reads_with_names_and_codes():
    row = read_row(raw(), TODAY)
    assert (row.org_code, row.elected_on, row.method, row.term_years) == ("B01", date(2023, 6, 30), "1", 3)
    assert (row.approved_on, row.approval_no, row.post) == (date(2023, 7, 10), "组字〔2023〕12号", "01")
    assert read_row(raw(method="上级指派", term_years="", approved_on="", approval_no="", post="委员"),
                    TODAY).term_years is None
    assert read_row(raw(term_years="5年", post="党支部书记"), TODAY).term_years == 5


def test_each_problem_under_its_column():
    found = problems(org_code="", elected_on="", method="选举", post="主任", id_number="", name="")
    assert set(found) == {"org_code", "elected_on", "method", "post", "id_number", "name"}
    assert found["method"].startswith("产生方式应为：党员大会选举")
    assert problems(elected_on="2027-01-01")["elected_on"] == "不能晚于今天"
    assert problems(term_years="三")["term_years"] == "任期应为1到10的整数（年）"
    assert problems(approved_on="2023-06-01")["approved_on"] == "批复日期不能早于选举（指派）日期"
    assert "approval_no" in problems(approval_no="号" * 61)


def rows(*given):
    return [(n, read_row(raw(**g), TODAY)) for n, g in enumerate(given, start=2)]


def test_rows_grouped_into_terms_with_their_refusals():
    terms, refused = group(rows(
        {}, {"id_number": "110101199003071235", "post": "组织委员"},
        {"id_number": "110101199003071236", "post": "书记"},  # a second 书记
        {"id_number": "110101199003071234", "post": "委员"},  # the same member again
        {"id_number": "110101199003071237", "term_years": "5"},  # another head
        {"elected_on": "2020-06-30", "post": "书记"},  # another term: the same member may be in it
        {"org_code": "B02"}))
    assert {key: [n for n, _ in items] for key, items in terms.items()} == {
        ("B01", date(2023, 6, 30)): [2, 3, 4, 5, 6], ("B01", date(2020, 6, 30)): [7], ("B02", date(2023, 6, 30)): [8]}
    assert [(n, field) for n, field, _ in refused] == [(4, "post"), (5, "id_number"), (6, "term_years")]
    assert "第 2 行已是书记" in refused[0][2] and "已在第 2 行" in refused[1][2] and "与第 2 行不同" in refused[2][2]


def test_terms_judged_against_those_recorded():
    assert judge_term(Recorded(), date(2023, 6, 30)) is None
    assert judge_term(Recorded(frozenset({date(2023, 6, 30)}), (2, date(2023, 6, 30))), date(2023, 6, 30)) == ALREADY
    assert judge_term(Recorded(frozenset({date(2020, 6, 30)}), None), date(2020, 6, 30)) == ALREADY
    older = judge_term(Recorded(frozenset({date(2023, 6, 30)}), (2, date(2023, 6, 30))), date(2020, 6, 30))
    assert "现任一届（第2届）的选举日期2023-06-30" in older
    assert judge_term(Recorded(frozenset({date(2020, 6, 30)}), (1, date(2020, 6, 30))), date(2023, 6, 30)) is None


def test_the_form_of_the_term():
    head = read_row(raw(), TODAY)
    assert term_form(head, [(7, "01", None), (8, "03", None)]) == {
        "elected_on": "2023-06-30", "method": "1", "term_years": 3, "approved_on": "2023-07-10",
        "approval_no": "组字〔2023〕12号", "members": [{"member_id": 7, "post": "01"}, {"member_id": 8, "post": "03"}]}


def test_the_term_a_refused_row_spoils():
    assert rules.term_key(raw(elected_on="2023/6/30", post="主任")) == ("B01", date(2023, 6, 30))
    assert rules.term_key(raw(elected_on="不详")) == ("B01", None)


FIGURES = {"entitled": "25", "present": "24", "seats": "3"}


def candidates(*given):
    """(row number, member id, row) of a term's candidates: (votes, 是否当选, 职务) each."""
    marks = {True: "是", False: "否", None: ""}
    return [(n, 100 + n, read_row(raw(id_number=f"11010119900307{n:04d}", post=post, votes=votes,
                                      elected=marks[elected], **FIGURES), TODAY))
            for n, (votes, elected, post) in enumerate(given, start=2)]


def test_the_figures_of_an_election_read_with_the_row():
    row = read_row(raw(post="", entitled="25人", present="24", seats="3名", votes="23票", elected="是"), TODAY)
    assert (row.entitled, row.present, row.seats, row.votes, row.elected, row.post) == (25, 24, 3, 23, True, None)
    assert row.has_figures and row.head()[-3:] == (25, 24, 3)
    assert read_row(raw(**FIGURES, votes="0", elected="未当选", post=""), TODAY).elected is False
    assert not read_row(raw(), TODAY).has_figures
    assert set(problems(entitled="25", votes="3")) == {"present", "seats", "votes"}  # all three or none
    assert "得票数" in problems(**FIGURES)["votes"]  # votes required with the figures
    assert "应到人数、实到人数和应选名额" in problems(votes="12")["votes"]
    assert "应到人数、实到人数和应选名额" in problems(elected="是")["elected"]
    assert "是否当选" in problems(**FIGURES, votes="3", elected="也许")["elected"]
    assert "整数" in problems(**FIGURES, votes="-1")["votes"]
    assert "整数" in problems(**{**FIGURES, "seats": "0"}, votes="1")["seats"]
    assert "上级指派" in problems(**FIGURES, votes="3", method="上级指派")["method"]
    assert "post" in problems(post="")  # without figures the post is required


def test_two_secretary_candidates_are_for_the_count_to_decide():
    _, refused = group([(n, row) for n, _, row in candidates((20, None, "书记"), (5, None, "书记"), (19, None, ""))])
    assert refused == []


def test_an_election_counted_by_the_rules_of_the_term():
    # 3 seats, 24 present: 13 votes is a majority; the 差额 candidate with 9 is not elected.
    fine = candidates((23, True, "书记"), (20, True, "组织委员"), (18, True, ""), (9, False, ""))
    assert judge_election(fine[0][2], fine) is None
    unmarked = candidates((23, None, "书记"), (20, None, ""), (18, None, ""), (9, None, ""))
    assert judge_election(unmarked[0][2], unmarked) is None
    wrong = candidates((23, True, "书记"), (20, True, ""), (9, True, ""), (18, False, ""))
    assert "第 4、5 行的“是否当选”与按得票计算的结果不一致" in judge_election(wrong[0][2], wrong)
    tie = candidates((23, None, ""), (20, None, ""), (18, None, ""), (18, None, ""))
    assert "再次投票" in judge_election(tie[0][2], tie)
    none = candidates((12, None, ""), (10, None, ""), (3, None, ""), (1, None, ""))
    assert "半数" in judge_election(none[0][2], none)
    over = candidates((25, None, ""), (20, None, ""), (18, None, ""), (9, None, ""))
    assert "第 2 行的得票多于实到人数" in judge_election(over[0][2], over)
    two = candidates((23, None, "书记"), (20, None, "书记"), (18, None, ""), (9, None, ""))
    assert "两名书记" in judge_election(two[0][2], two)
    few = [(n, m, read_row(raw(id_number=f"11010119900307{n:04d}", entitled="25", present="20", seats="3",
                                 votes="15"), TODAY)) for n, m in ((2, 1), (3, 2), (4, 3), (5, 4))]
    assert "五分之四" in judge_election(few[0][2], few)


def test_the_form_of_an_elected_term_is_an_election():
    head = candidates((23, None, "书记"))[0][2]
    form = term_form(head, [(7, "01", 23), (8, None, 9)])
    assert "members" not in form and form["election"] == {
        "entitled": 25, "present": 24, "seats": 3,
        "candidates": [{"member_id": 7, "votes": 23, "post": "01"}, {"member_id": 8, "votes": 9, "post": "06"}]}
