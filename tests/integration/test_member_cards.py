"""The member card through the member service's real RPC entrypoints: the rest of the basic set,
the repeating info sets (add, edit, delete a row), the facts they decide (highest education,
current occupation, 民主评议 grades) carried before and after in member_updated with the version
bumped, each change's readable history line, and every refused change writing nothing (no
history line either)."""
from datetime import date

import psycopg
import pytest

from services.shared.context import Caller
from tests.support.helpers import plain_dsn, remote_error

from .test_member_changes import create_member, create_org, events


def snapshot(system, member_id: int) -> tuple:
    """The member's row, every info-set row and its events: what a refused change must not touch."""
    tables = ("educations", "work_posts", "positions", "titles", "evaluations", "rewards", "other_parties",
              "hardships")
    with psycopg.connect(plain_dsn(system)) as conn:
        return (conn.execute("SELECT * FROM member.members WHERE id = %s", (member_id,)).fetchall(),
                [conn.execute(f"SELECT * FROM member.{t} WHERE member_id = %s ORDER BY id", (member_id,)).fetchall()
                 for t in tables],
                conn.execute("SELECT count(*) FROM member.outbox WHERE envelope->>'aggregate_id' = %s",
                             (str(member_id),)).fetchall(),
                conn.execute("SELECT * FROM member.history WHERE member_id = %s ORDER BY id", (member_id,)).fetchall())


@pytest.fixture(scope="module")
def branch(rpc, root_id) -> dict:
    return create_org(rpc, root_id, name="信息卡测试支部")


@pytest.fixture
def member(rpc, branch) -> dict:
    return create_member(rpc, branch["id"], name="卡片测试", joined_on="2010-07-01")


def add(rpc, member, key, caller=None, **data):
    return rpc.call("member", "add_info_row", caller=caller, member_id=member["id"], info_set=key,
                    data={"version": member["version"], **data})


def test_basic_fields_are_saved_and_counted_ones_travel_in_the_event(system, rpc, member):
    card = rpc.call("member", "update_member", member_id=member["id"], data={
        "version": member["version"], "former_name": "卡片", "native_place": "山东济南", "education": "本科",
        "occupation": "工人", "full_on": "2011-07-01", "branch_joined_on": "2012-03-01", "phone": "0531-1234567",
        "address": "济南市历下区"})
    assert (card["former_name"], card["native_place"], card["education"], card["education_name"], card["occupation"],
            card["full_on"], card["branch_joined_on"], card["phone"], card["address"]) == \
        ("卡片", "山东济南", "20", "大学本科", "1", "2011-07-01", "2012-03-01", "0531-1234567", "济南市历下区")
    payload = events(system, member["id"])[-1]["payload"]
    assert {k: payload["before"][k] for k in ("education", "occupation", "full_on")} == \
        {"education": None, "occupation": None, "full_on": None}
    assert {k: payload["after"][k] for k in ("education", "occupation", "full_on", "org_path")} == \
        {"education": "20", "occupation": "1", "full_on": "2011-07-01", "org_path": member["org_path"]}


def test_every_change_of_the_card_has_its_history_line_with_the_version_it_made(system, rpc, root_id, member):
    card = rpc.call("member", "update_member", member_id=member["id"], data={
        "version": member["version"], "ethnicity": "回族", "phone": "0531-1234567"})
    card = rpc.call("member", "add_info_row", member_id=member["id"], info_set="work_posts",
                    data={"version": card["version"], "occupation": "工人", "started_on": "2015-03-01"})
    row_id = card["info_sets"]["work_posts"][0]["id"]
    card = rpc.call("member", "update_info_row", member_id=member["id"], info_set="work_posts", row_id=row_id,
                    data={"version": card["version"], "unit": "某厂"})
    card = rpc.call("member", "delete_info_row", member_id=member["id"], info_set="work_posts", row_id=row_id,
                    data={"version": card["version"]})
    unchanged = rpc.call("member", "update_member", member_id=member["id"],
                         data={"version": card["version"], "phone": "0531-1234567"})
    assert unchanged["version"] == card["version"]  # nothing changed: no line
    history = rpc.call("member", "member_history", member_id=member["id"])
    assert history["total"] == 4
    lines = list(reversed(history["items"]))
    assert [(line["action"], line["info_set"], line["action_name"]) for line in lines] == [
        ("updated", None, "修改基本信息"), ("row_added", "work_posts", "新增工作岗位"),
        ("row_updated", "work_posts", "修改工作岗位"), ("row_removed", "work_posts", "删除工作岗位")]
    assert [line["version"] for line in lines] == list(range(member["version"] + 1, card["version"] + 1))
    assert [(c["field"], c["old"], c["new"], c["new_name"]) for c in lines[0]["changes"]] == [
        ("ethnicity", "01", "03", "回族"), ("phone", None, "0531-1234567", "0531-1234567")]
    assert [(c["field"], c["old"], c["new"]) for c in lines[2]["changes"]] == [("unit", None, "某厂")]
    assert {c["field"]: c["old"] for c in lines[3]["changes"]} == {"occupation": "1", "unit": "某厂",
                                                                   "started_on": "2015-03-01"}
    outsider = create_org(rpc, root_id, name="历史无关支部")
    error = remote_error(lambda: rpc.call("member", "member_history", caller=Caller("x", outsider["path"]),
                                          member_id=member["id"]))
    assert error.exc_type == "Forbidden"


def test_a_probationary_member_has_no_full_on_and_full_on_follows_joining(system, rpc, branch):
    probationary = create_member(rpc, branch["id"], category="预备党员", joined_on="2024-01-10")
    before = snapshot(system, probationary["id"])
    error = remote_error(lambda: rpc.call("member", "update_member", member_id=probationary["id"], data={
        "version": probationary["version"], "full_on": "2025-01-10"}))
    assert error.exc_type == "ValidationFailed" and "预备党员没有转正日期" in error.exc_args[1]["full_on"]
    error = remote_error(lambda: rpc.call("member", "update_member", member_id=probationary["id"], data={
        "version": probationary["version"], "category": "正式党员", "full_on": "2023-01-10"}))
    assert error.exc_args[1] == {"full_on": "转正日期不能早于入党日期"}
    assert snapshot(system, probationary["id"]) == before
    # 转正: category and date together.
    full = rpc.call("member", "update_member", member_id=probationary["id"], data={
        "version": probationary["version"], "category": "正式党员", "full_on": "2025-01-10"})
    assert (full["category"], full["full_on"]) == ("01", "2025-01-10")


def test_an_evaluation_is_added_once_per_year_and_travels_in_the_facts(system, rpc, member):
    card = add(rpc, member, "evaluations", Caller("clerk", "/", "req-e", "评议员"), year=2023, grade="优秀")
    assert card["version"] == member["version"] + 1
    row = card["info_sets"]["evaluations"][0]
    assert (row["year"], row["grade"], row["grade_name"]) == (2023, "1", "优秀")
    event = events(system, member["id"])[-1]
    assert (event["type"], event["aggregate_version"], event["request_id"]) == ("member_updated", card["version"],
                                                                              "req-e")
    assert event["payload"]["before"]["evaluations"] == {}
    assert event["payload"]["after"]["evaluations"] == {"2023": "1"}

    before = snapshot(system, member["id"])
    error = remote_error(lambda: add(rpc, card, "evaluations", year=2023, grade="合格"))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"year": "2023年度已有民主评议结果，每年只能有一条"}
    assert snapshot(system, member["id"]) == before

    edited = rpc.call("member", "update_info_row", member_id=member["id"], info_set="evaluations", row_id=row["id"],
                      data={"version": card["version"], "grade": "基本合格"})
    assert edited["info_sets"]["evaluations"][0]["grade"] == "3"
    payload = events(system, member["id"])[-1]["payload"]
    assert (payload["before"]["evaluations"], payload["after"]["evaluations"]) == ({"2023": "1"}, {"2023": "3"})

    deleted = rpc.call("member", "delete_info_row", member_id=member["id"], info_set="evaluations",
                       row_id=row["id"], data={"version": edited["version"]})
    assert deleted["info_sets"]["evaluations"] == [] and deleted["version"] == edited["version"] + 1
    payload = events(system, member["id"])[-1]["payload"]
    assert (payload["before"]["evaluations"], payload["after"]["evaluations"]) == ({"2023": "3"}, {})


def test_work_posts_decide_the_current_occupation(system, rpc, member):
    basic = rpc.call("member", "update_member", member_id=member["id"],
                     data={"version": member["version"], "occupation": "学生"})
    first = add(rpc, basic, "work_posts", occupation="工人", unit="济南机床厂", started_on="2012-01-01",
                ended_on="2018-12-31")
    assert first["occupation"] == "1" and first["from_info_sets"] == ["occupation"]
    assert events(system, member["id"])[-1]["payload"]["before"]["occupation"] == "6"
    current = add(rpc, first, "work_posts", occupation="管理人员", started_on="2019-01-01")
    assert current["occupation"] == "4"
    assert [r["occupation"] for r in current["info_sets"]["work_posts"]] == ["4", "1"]  # newest first
    payload = events(system, member["id"])[-1]["payload"]
    assert (payload["before"]["occupation"], payload["after"]["occupation"]) == ("1", "4")

    # The basic value cannot be set while the set decides it.
    error = remote_error(lambda: rpc.call("member", "update_member", member_id=member["id"],
                                          data={"version": current["version"], "occupation": "学生"}))
    assert "工作岗位信息集确定" in error.exc_args[1]["occupation"]

    # Deleting the current post makes the earlier one current.
    after = rpc.call("member", "delete_info_row", member_id=member["id"], info_set="work_posts",
                     row_id=current["info_sets"]["work_posts"][0]["id"], data={"version": current["version"]})
    assert after["occupation"] == "1"


def test_educations_decide_the_highest_education(system, rpc, member):
    card = add(rpc, member, "educations", education="大学专科", school="山东职业学院", graduated_on="2008-07-01")
    card = add(rpc, card, "educations", education="研究生", degree="硕士", school="山东大学",
               started_on="2012-09-01", graduated_on="2015-07-01")
    assert card["education"] == "10" and card["education_name"] == "研究生"
    payload = events(system, member["id"])[-1]["payload"]
    assert (payload["before"]["education"], payload["after"]["education"]) == ("30", "10")


def test_every_other_set_takes_a_row(rpc, member):
    card = member
    for key, data in (("positions", {"title": "车间主任", "started_on": "2015-01-01"}),
                      ("titles", {"title": "工程师", "level": "中级", "obtained_on": "2016-01-01"}),
                      ("rewards", {"kind": "奖励", "name": "优秀共产党员", "decided_on": "2021-07-01",
                                   "authority": "中共济南市委"}),
                      ("other_parties", {"party": "共青团", "joined_on": "2002-05-04", "left_on": "2013-05-04"}),
                      ("hardships", {"kind": "患病", "recorded_on": "2022-01-01", "description": "长期患病"})):
        card = add(rpc, card, key, **data)
        assert len(card["info_sets"][key]) == 1, key
    assert card["version"] == member["version"] + 5
    assert card["info_sets"]["other_parties"][0]["party_name"] == "中国共产主义青年团"


def test_bad_rows_are_refused_per_field_and_change_nothing(system, rpc, member):
    before = snapshot(system, member["id"])
    future = date.today().replace(year=date.today().year + 1).isoformat()
    error = remote_error(lambda: add(rpc, member, "work_posts", occupation="宇航员", started_on=future,
                                     ended_on="2001-01-01", colour="红"))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"occupation": "未知的工作岗位：宇航员", "started_on": "开始日期不能晚于今天",
                                 "colour": "工作岗位信息集没有此项"}
    error = remote_error(lambda: add(rpc, member, "positions", started_on="2019-01-01", ended_on="2018-01-01"))
    assert error.exc_args[1] == {"title": "必填", "ended_on": "免职日期不能早于任职日期"}
    assert remote_error(lambda: add(rpc, member, "pets", name="x")).exc_type == "NotFound"
    assert remote_error(lambda: rpc.call("member", "delete_info_row", member_id=member["id"], info_set="rewards",
                                         row_id=10**9, data={"version": member["version"]})).exc_type == "NotFound"
    assert snapshot(system, member["id"]) == before


def test_a_stale_version_is_a_conflict_for_every_row_change(system, rpc, member):
    card = add(rpc, member, "rewards", kind="奖励", name="先进个人", decided_on="2020-01-01")
    row_id = card["info_sets"]["rewards"][0]["id"]
    before = snapshot(system, member["id"])
    stale = member["version"]
    for call in (lambda: add(rpc, member, "rewards", kind="奖励", name="再次", decided_on="2020-01-01"),
                 lambda: rpc.call("member", "update_info_row", member_id=member["id"], info_set="rewards",
                                  row_id=row_id, data={"version": stale, "name": "改名"}),
                 lambda: rpc.call("member", "delete_info_row", member_id=member["id"], info_set="rewards",
                                  row_id=row_id, data={"version": stale}),
                 lambda: rpc.call("member", "update_member", member_id=member["id"],
                                  data={"version": stale, "phone": "123456"})):
        error = remote_error(call)
        assert error.exc_type == "Conflict" and error.exc_args[1] == {"version": "版本已过期"}
    assert snapshot(system, member["id"]) == before


def test_a_caller_outside_the_branch_cannot_touch_the_card(system, rpc, root_id, member):
    other = create_org(rpc, root_id, name="信息卡无关支部")
    before = snapshot(system, member["id"])
    error = remote_error(lambda: add(rpc, member, "evaluations", Caller("x", other["path"]), year=2022, grade="合格"))
    assert error.exc_type == "Forbidden"
    assert snapshot(system, member["id"]) == before
