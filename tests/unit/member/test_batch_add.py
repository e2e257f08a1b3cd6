"""批量添加 (domain/batch_add.py): the request checked whole, then each member decided alone."""
from datetime import date

import pytest

from services.member.domain.batch_add import MAX_MEMBERS, Candidate, decide, parse_request
from services.member.domain.info_sets import MemberDates
from services.shared.field_errors import FieldErrors

TODAY = date(2024, 6, 1)


def candidate(member_id, name, in_subtree=True, active=True, joined=date(2010, 7, 1), rows=()):
    return Candidate(member_id, name, in_subtree, active, MemberDates(date(1980, 1, 1), joined), tuple(rows))


def parse_errors(data) -> dict:
    with pytest.raises(FieldErrors) as caught:
        parse_request(data, TODAY)
    return caught.value.fields


def test_a_request_is_normalized_and_ids_deduplicated():
    spec, values, ids = parse_request({"info_set": "evaluations", "values": {"year": "2023", "grade": "优秀"},
                                       "member_ids": [3, 1, 3]}, TODAY)
    assert (spec.key, values, ids) == ("evaluations", {"year": 2023, "grade": "1", "note": None}, [3, 1])


def test_only_work_posts_and_evaluations_and_a_real_choice_of_members():
    assert parse_errors({"info_set": "rewards", "values": {}, "member_ids": []}) == {
        "info_set": "批量添加只适用于工作岗位（work_posts）、民主评议（evaluations）、培训情况（trainings）",
        "member_ids": "请选择要添加信息的党员"}
    assert parse_errors({"info_set": "evaluations", "values": {"year": 2023, "grade": "优秀"},
                         "member_ids": [1, "2", True]}) == {"member_ids": "党员编号应为正整数"}
    assert parse_errors({"info_set": "evaluations", "values": {"year": 2023, "grade": "优秀"},
                         "member_ids": list(range(1, MAX_MEMBERS + 2))}) == {"member_ids": "一次最多为500名党员添加"}


def test_bad_values_refuse_the_whole_batch():
    assert parse_errors({"info_set": "work_posts", "values": {"occupation": "宇航员"}, "member_ids": [1]}) == {
        "occupation": "未知的工作岗位：宇航员", "started_on": "必填"}


def test_each_member_is_accepted_or_refused_with_the_reason():
    spec, values, ids = parse_request({"info_set": "evaluations", "values": {"year": 2023, "grade": "合格"},
                                       "member_ids": [1, 2, 3, 4, 5, 6]}, TODAY)
    candidates = {1: candidate(1, "甲"), 2: candidate(2, "乙", rows=[{"id": 9, "year": 2023}]),
                  3: candidate(3, "丙", joined=date(2024, 1, 1)), 4: candidate(4, "丁", in_subtree=False),
                  5: candidate(5, "戊", active=False)}
    accepted, refused = decide(spec, values, ids, candidates, TODAY)
    assert accepted == [{"member_id": 1, "name": "甲"}]
    assert refused == [
        {"member_id": 2, "name": "乙", "reason": "2023年度已有民主评议结果，每年只能有一条"},
        {"member_id": 3, "name": "丙", "reason": "评议年度不能早于入党年度（2024）"},
        {"member_id": 4, "name": "", "reason": "不在本组织及下级党组织中"},  # not named: maybe out of scope
        {"member_id": 5, "name": "戊", "reason": "已不在党员名册中（历史党员）"},
        {"member_id": 6, "name": "", "reason": "党员不存在"}]


def test_a_work_post_before_the_members_birth_is_refused_for_that_member():
    spec, values, ids = parse_request({"info_set": "work_posts", "values": {"occupation": "工人",
                                                                            "started_on": "1979-01-01"},
                                       "member_ids": [1]}, TODAY)
    accepted, refused = decide(spec, values, ids, {1: candidate(1, "甲")}, TODAY)
    assert accepted == [] and refused[0]["reason"] == "开始日期不能早于出生日期"
