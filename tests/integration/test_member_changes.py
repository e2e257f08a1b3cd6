"""Changing a member through the member service's real RPC entrypoints: basic information with
optimistic locking, leaving the active rolls (死亡, 出党, 停止党籍), 找回 and 回退 — each scope-checked
by the service, each refused change writing nothing, each accepted one writing its
member_updated event with the counted facts before and after."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import psycopg
import pytest

from services.shared.context import Caller
from tests.support.helpers import plain_dsn, remote_error, wait_for

from ..support.factories import code, id_number, member_data


def query(system, sql: str, *params) -> list:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute(sql, params).fetchall()


def snapshot(system, member_id: int) -> tuple:
    """The member's row, its status changes and its events: what a refused change must not touch."""
    return (query(system, "SELECT * FROM member.members WHERE id = %s", member_id),
            query(system, "SELECT id, undone_at FROM member.status_changes WHERE member_id = %s ORDER BY id",
                  member_id),
            query(system, "SELECT count(*) FROM member.outbox WHERE envelope->>'aggregate_id' = %s", str(member_id)))


def events(system, member_id: int) -> list[dict]:
    return [row[0] for row in query(system, "SELECT envelope FROM member.outbox WHERE envelope->>'aggregate_id' = %s "
                                            "ORDER BY id", str(member_id))]


def create_org(rpc, parent_id, type_="31", name="测试支部") -> dict:
    return rpc.call("org", "create_org", data={"name": name, "code": code(), "type": type_, "parent_id": parent_id})


def create_member(rpc, org_id, **overrides) -> dict:
    member_id = rpc.call("member", "create_member", data=member_data(org_id, **overrides))["id"]
    return rpc.call("member", "get_member", member_id=member_id)


def leave(rpc, member_id, caller=None, **data):
    return rpc.call("member", "leave_member", caller=caller, member_id=member_id, data=data)


DEATH = {"kind": "死亡", "date": "2024-03-01"}


@pytest.fixture(scope="module")
def orgs(rpc, root_id) -> dict:
    """root ─ committee ─┬─ branch a
                         └─ branch b"""
    committee = create_org(rpc, root_id, type_="11", name="党籍测试党委")
    return {"committee": committee, "a": create_org(rpc, committee["id"], name="党籍测试甲支部"),
            "b": create_org(rpc, committee["id"], name="党籍测试乙支部")}


@pytest.fixture
def member(rpc, orgs) -> dict:
    return create_member(rpc, orgs["a"]["id"], name="王五", category="预备党员", joined_on="2015-07-01")


# --- basic information ------------------------------------------------------------------------

def test_update_changes_fields_bumps_the_version_and_records_the_facts_before_and_after(system, rpc, member):
    new_number = id_number(birth=date(1970, 2, 3), female=False)
    updated = rpc.call("member", "update_member", caller=Caller("clerk-3", "/", "req-9", "张干事"),
                       member_id=member["id"], data={"version": member["version"], "name": "王五一",
                                                     "id_number": new_number, "ethnicity": "满族",
                                                     "category": "正式党员", "joined_on": "2016-07-01"})

    assert (updated["name"], updated["id_number"], updated["sex"], updated["birth_date"]) == \
        ("王五一", new_number, "1", "1970-02-03")
    assert (updated["ethnicity"], updated["category"], updated["joined_on"]) == ("11", "01", "2016-07-01")
    assert updated["version"] == member["version"] + 1
    assert rpc.call("member", "get_member", member_id=member["id"]) == updated

    event = events(system, member["id"])[-1]
    assert (event["type"], event["aggregate_version"], event["actor"], event["request_id"]) == \
        ("member_updated", updated["version"], "clerk-3", "req-9")
    unchanged = {"org_path": member["org_path"], "education": None, "occupation": None, "full_on": None,
                 "evaluations": {}, "absences": []}
    assert event["payload"]["before"] == {
        "org_id": member["org_id"], "status": "active", "sex": member["sex"], "category": "02", "ethnicity": "01",
        "birth_date": member["birth_date"], "joined_on": "2015-07-01", "leave_kind": None, "left_on": None,
        "name": "王五", **unchanged}
    assert event["payload"]["after"] == {
        "org_id": member["org_id"], "status": "active", "sex": "1", "category": "01", "ethnicity": "11",
        "birth_date": "1970-02-03", "joined_on": "2016-07-01", "leave_kind": None, "left_on": None,
        "name": "王五一", **unchanged}


def test_a_stale_version_is_a_conflict_and_changes_nothing(system, rpc, member):
    rpc.call("member", "update_member", member_id=member["id"], data={"version": member["version"], "name": "先改"})
    before = snapshot(system, member["id"])

    error = remote_error(lambda: rpc.call("member", "update_member", member_id=member["id"],
                                          data={"version": member["version"], "name": "后改"}))

    assert error.exc_type == "Conflict"
    assert "已被他人修改" in error.exc_args[0] and error.exc_args[1] == {"version": "版本已过期"}
    assert snapshot(system, member["id"]) == before
    assert rpc.call("member", "get_member", member_id=member["id"])["name"] == "先改"


def test_an_unchanged_save_writes_nothing(system, rpc, member):
    before = snapshot(system, member["id"])
    same = rpc.call("member", "update_member", member_id=member["id"],
                    data={"version": member["version"], "name": member["name"], "ethnicity": "汉族"})
    assert same["version"] == member["version"]
    assert snapshot(system, member["id"]) == before


def test_another_members_id_number_is_a_conflict(system, rpc, orgs, member):
    other = create_member(rpc, orgs["b"]["id"])
    before = snapshot(system, member["id"])
    error = remote_error(lambda: rpc.call("member", "update_member", member_id=member["id"],
                                          data={"version": member["version"], "id_number": other["id_number"]}))
    assert error.exc_type == "Conflict" and error.exc_args[1] == {"id_number": "该公民身份号码已存在"}
    assert snapshot(system, member["id"]) == before


def test_bad_values_are_refused_per_field_and_change_nothing(system, rpc, member):
    before = snapshot(system, member["id"])
    error = remote_error(lambda: rpc.call("member", "update_member", member_id=member["id"], data={
        "version": member["version"], "name": " ", "ethnicity": "火星族", "org_id": 1}))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"name": "必填", "ethnicity": "未知的民族：火星族",
                                 "org_id": "调整所在党组织须办理组织关系转接"}
    assert snapshot(system, member["id"]) == before


def test_unknown_member_is_not_found(rpc):
    for method, data in (("update_member", {"version": 1, "name": "无"}), ("leave_member", DEATH),
                         ("restore_member", {}), ("undo_status_change", {})):
        assert remote_error(lambda: rpc.call("member", method, member_id=10**12, data=data)).exc_type == "NotFound"


# --- scope ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, data", [
    ("update_member", {"name": "越权修改"}), ("leave_member", DEATH), ("restore_member", {}),
    ("undo_status_change", {})])
def test_a_caller_outside_the_members_branch_is_forbidden_and_changes_nothing(system, rpc, orgs, member, method,
                                                                              data):
    if method in ("restore_member", "undo_status_change"):
        leave(rpc, member["id"], **DEATH)  # something to restore or undo
    current = rpc.call("member", "get_member", member_id=member["id"])
    outsider = Caller("scoped", orgs["b"]["path"])
    before = snapshot(system, member["id"])

    error = remote_error(lambda: rpc.call("member", method, caller=outsider, member_id=member["id"],
                                          data={"version": current["version"], **data}))

    assert error.exc_type == "Forbidden" and "不在本账号的管理范围内" in error.exc_args[0]
    assert snapshot(system, member["id"]) == before
    # The branch's own account may.
    own = Caller("own", orgs["a"]["path"])
    assert rpc.call("member", method, caller=own, member_id=member["id"], data={"version": current["version"], **data})


# --- leaving ----------------------------------------------------------------------------------

def test_leave_moves_the_member_to_history_with_kind_date_and_reason(system, rpc, orgs, member):
    left = leave(rpc, member["id"], Caller("clerk-5", "/", "req-5", "李干事"), kind="开除党籍", date="2024-03-01",
                 reason="严重违纪，经党委批准开除党籍", version=member["version"])

    assert (left["status"], left["status_name"], left["leave_kind"], left["leave_kind_name"], left["leave_group"],
            left["left_on"], left["leave_reason"]) == \
        ("left", "历史", "21", "开除党籍", "出党", "2024-03-01", "严重违纪，经党委批准开除党籍")
    assert left["version"] == member["version"] + 1
    assert left["actions"] == {"leave": False, "restore": False, "restore_refused": left["actions"]["restore_refused"],
                               "undo": True, "undo_label": "撤销“开除党籍”，恢复为在册党员"}
    change = left["status_changes"][0]
    assert (change["action"], change["action_name"], change["from_status"], change["to_status"], change["kind"],
            change["date"], change["actor"], change["actor_name"], change["undone"]) == \
        ("leave", "出党", "active", "left", "21", "2024-03-01", "clerk-5", "李干事", False)

    event = events(system, member["id"])[-1]
    assert event["aggregate_version"] == left["version"]
    assert (event["payload"]["before"]["status"], event["payload"]["before"]["leave_kind"]) == ("active", None)
    assert {k: event["payload"]["after"][k] for k in ("status", "leave_kind", "left_on")} == \
        {"status": "left", "leave_kind": "21", "left_on": "2024-03-01"}

    listed = rpc.call("member", "list_members", org_id=orgs["a"]["id"], size=200)
    assert member["id"] not in [m["id"] for m in listed["items"]]
    history = rpc.call("member", "list_members", org_id=orgs["a"]["id"], size=200, history=True)
    assert history["history"] is True
    found = next(m for m in history["items"] if m["id"] == member["id"])
    assert (found["leave_kind_name"], found["left_on"]) == ("开除党籍", "2024-03-01")


def test_a_member_in_history_cannot_leave_again(system, rpc, member):
    leave(rpc, member["id"], **DEATH)
    before = snapshot(system, member["id"])
    error = remote_error(lambda: leave(rpc, member["id"], kind="停止党籍", date="2024-04-01"))
    assert error.exc_type == "Conflict" and "不能再办理减少" in error.exc_args[0]
    assert snapshot(system, member["id"]) == before


@pytest.mark.parametrize("data, fields", [
    ({"kind": "退党", "date": "2024-03-01"}, {"reason": "出党须填写原因（如处分决定）"}),
    ({"kind": "调离", "date": "2024-03-01"}, {"kind": "未知的减少类型：调离"}),
    ({"kind": "死亡", "date": (date.today() + timedelta(days=1)).isoformat()}, {"date": "日期不能晚于今天"}),
    ({"kind": "死亡", "date": "2015-06-30"}, {"date": "日期不能早于入党日期（2015-07-01）"}),
    ({}, {"kind": "必填", "date": "必填"}),
])
def test_bad_leave_is_refused_per_field_and_changes_nothing(system, rpc, member, data, fields):
    before = snapshot(system, member["id"])
    error = remote_error(lambda: leave(rpc, member["id"], **data))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == fields
    assert error.exc_args[0].startswith("党员减少信息有误")
    assert snapshot(system, member["id"]) == before


def test_cancelling_probation_only_for_a_probationary_member(rpc, orgs, member):
    full = create_member(rpc, orgs["a"]["id"], category="正式党员")
    error = remote_error(lambda: leave(rpc, full["id"], kind="取消预备党员资格", date="2024-03-01", reason="不合格"))
    assert error.exc_args[1] == {"kind": "取消预备党员资格只适用于预备党员"}
    left = leave(rpc, member["id"], kind="取消预备党员资格", date="2024-03-01", reason="预备期间不履行党员义务")
    assert left["leave_kind"] == "25" and left["actions"]["restore"] is True


def test_a_stale_version_on_leave_is_a_conflict(system, rpc, member):
    rpc.call("member", "update_member", member_id=member["id"], data={"version": member["version"], "name": "新名"})
    before = snapshot(system, member["id"])
    error = remote_error(lambda: leave(rpc, member["id"], version=member["version"], **DEATH))
    assert error.exc_type == "Conflict" and error.exc_args[1] == {"version": "版本已过期"}
    assert snapshot(system, member["id"]) == before


# --- 找回 and 回退 ------------------------------------------------------------------------------

def test_restore_brings_a_member_back_and_records_it(system, rpc, orgs, member):
    leave(rpc, member["id"], kind="停止党籍", date="2024-03-01", reason="长期失联")
    restored = rpc.call("member", "restore_member", member_id=member["id"], data={"reason": "恢复党籍"})

    assert (restored["status"], restored["leave_kind"], restored["left_on"], restored["leave_reason"]) == \
        ("active", None, None, None)
    change = restored["status_changes"][0]
    assert (change["action"], change["kind"], change["date"], change["reason"]) == \
        ("restore", "30", date.today().isoformat(), "恢复党籍")
    after = events(system, member["id"])[-1]["payload"]
    assert (after["before"]["status"], after["before"]["leave_kind"], after["after"]["status"]) == \
        ("left", "30", "active")
    assert member["id"] in [m["id"] for m in rpc.call("member", "list_members", org_id=orgs["a"]["id"],
                                                      size=200)["items"]]


@pytest.mark.parametrize("kind", ["开除党籍", "除名", "自行脱党", "退党"])
def test_expelled_and_除名_members_cannot_be_restored(system, rpc, member, kind):
    leave(rpc, member["id"], kind=kind, date="2024-03-01", reason="支部大会决定")
    before = snapshot(system, member["id"])
    error = remote_error(lambda: rpc.call("member", "restore_member", member_id=member["id"], data={}))
    assert error.exc_type == "Conflict" and "一般不能恢复党籍" in error.exc_args[0]
    assert snapshot(system, member["id"]) == before


def test_an_active_member_cannot_be_restored_and_has_nothing_to_undo(system, rpc, member):
    before = snapshot(system, member["id"])
    error = remote_error(lambda: rpc.call("member", "restore_member", member_id=member["id"], data={}))
    assert error.exc_type == "Conflict" and error.exc_args[0] == "该党员在党员名册中，无需找回"
    error = remote_error(lambda: rpc.call("member", "undo_status_change", member_id=member["id"], data={}))
    assert error.exc_type == "Conflict" and error.exc_args[0] == "该党员没有可回退的党籍变动"
    assert snapshot(system, member["id"]) == before


def test_undo_takes_back_status_changes_one_by_one(system, rpc, member):
    """leave → 找回 → 回退 (back in history with the same kind, date and reason) → 回退 (on the rolls)."""
    leave(rpc, member["id"], kind="死亡", date="2024-03-01", reason="病故")
    rpc.call("member", "restore_member", member_id=member["id"], data={})

    undone = rpc.call("member", "undo_status_change", member_id=member["id"], data={})
    assert (undone["status"], undone["leave_kind"], undone["left_on"], undone["leave_reason"]) == \
        ("left", "10", "2024-03-01", "病故")
    assert [c["undone"] for c in undone["status_changes"]] == [True, False]
    assert undone["actions"]["undo_label"] == "撤销“死亡”，恢复为在册党员"

    back = rpc.call("member", "undo_status_change", member_id=member["id"], data={})
    assert (back["status"], back["leave_kind"], back["left_on"]) == ("active", None, None)
    assert [c["undone"] for c in back["status_changes"]] == [True, True]
    assert back["version"] == member["version"] + 4
    error = remote_error(lambda: rpc.call("member", "undo_status_change", member_id=member["id"], data={}))
    assert error.exc_args[0] == "该党员没有可回退的党籍变动"

    versions = [e["aggregate_version"] for e in events(system, member["id"])]
    assert versions == list(range(1, back["version"] + 1))


def test_undo_of_an_expulsion_entered_by_mistake(rpc, member):
    """找回 refuses 开除党籍; 回退 is how a mistaken entry is taken back."""
    leave(rpc, member["id"], kind="开除党籍", date="2024-03-01", reason="录入错误")
    assert rpc.call("member", "undo_status_change", member_id=member["id"], data={})["status"] == "active"


def test_history_flag_must_be_a_boolean(rpc, orgs):
    error = remote_error(lambda: rpc.call("member", "list_members", org_id=orgs["a"]["id"], history="yes"))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == {"history": "应为布尔值"}


# --- the counters follow ----------------------------------------------------------------------

def test_subtree_counts_follow_leave_restore_and_undo(system, rpc, orgs):
    committee = create_org(rpc, orgs["committee"]["id"], type_="21", name="计数测试总支")
    branch = create_org(rpc, committee["id"], name="计数测试支部")
    stayer = create_member(rpc, branch["id"], category="正式党员")
    mover = create_member(rpc, branch["id"], category="预备党员", id_number=id_number(female=True))

    def counts(org_id):
        members = rpc.call("stats", "subtree_stats", org_id=org_id)["members"]
        return members["total"], {k: v for k, v in members["by_category"].items() if v}

    def expect(total, by_category):
        for org_id in (branch["id"], committee["id"]):
            wait_for(lambda: counts(org_id), lambda c: c == (total, by_category), what=f"counts of {org_id}")

    expect(2, {"01": 1, "02": 1})
    leave(rpc, mover["id"], kind="死亡", date="2024-03-01")
    expect(1, {"01": 1})
    rpc.call("member", "restore_member", member_id=mover["id"], data={})
    expect(2, {"01": 1, "02": 1})
    rpc.call("member", "undo_status_change", member_id=mover["id"], data={})
    expect(1, {"01": 1})
    rpc.call("member", "undo_status_change", member_id=mover["id"], data={})  # the leave itself
    expect(2, {"01": 1, "02": 1})
    rpc.call("member", "update_member", member_id=stayer["id"],
             data={"version": stayer["version"], "category": "预备党员"})
    expect(2, {"02": 2})
    assert system.wait_consistent() == []


def test_concurrent_saves_of_one_card_one_wins_the_other_is_a_conflict(system, rpc, member):
    """Two clerks save the same version at once: the row lock makes them take turns, so the later
    one finds the version moved on instead of silently overwriting the earlier one."""
    def save(name):
        try:
            return rpc.call("member", "update_member", member_id=member["id"],
                            data={"version": member["version"], "name": name})
        except Exception as error:  # noqa: BLE001 — the loser's error is the result
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(save, ["甲改", "乙改"]))

    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].exc_type == "Conflict"
    final = rpc.call("member", "get_member", member_id=member["id"])
    assert (final["name"], final["version"]) == (won[0]["name"], member["version"] + 1)
    assert len(events(system, member["id"])) == 2  # created + the one save
