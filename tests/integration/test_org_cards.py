"""The organization card through the org service's real RPC entrypoints: card edits with
optimistic locking, units and rewards, 更名, 撤销/恢复, delete, sort, history, 校核, batch
modify and its undo — each change with its event in the outbox, a refusal changing nothing."""
import psycopg
import pytest

from services.shared.context import Caller
from tests.support.factories import code, member_data
from tests.support.helpers import plain_dsn, remote_error, wait_for


def coded(changes: list[dict]) -> list[dict]:
    """History changes as stored (codes), without the names added for reading."""
    return [{k: v for k, v in change.items() if k not in ("old_name", "new_name")} for change in changes]


def query(system, sql: str, *params) -> list:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute(sql, params).fetchall()


def events(system, org_id: int) -> list[dict]:
    return [row[0] for row in query(system, "SELECT envelope FROM org.outbox WHERE envelope->>'aggregate_id' = %s "
                                            "ORDER BY id", str(org_id))]


def snapshot(system, org_id: int) -> tuple:
    return (query(system, "SELECT * FROM org.orgs WHERE id = %s", org_id),
            query(system, "SELECT * FROM org.units WHERE org_id = %s ORDER BY id", org_id),
            query(system, "SELECT * FROM org.sanctions WHERE org_id = %s ORDER BY id", org_id),
            len(events(system, org_id)),
            query(system, "SELECT count(*) FROM org.history WHERE org_id = %s", org_id))


def create(rpc, parent_id, type_="31", name="测试支部", **extra) -> dict:
    data = {"name": name, "code": code(), "type": type_, "parent_id": parent_id, **extra}
    return rpc.call("org", "create_org", data=data)


@pytest.fixture
def committee(rpc, root_id) -> dict:
    return create(rpc, root_id, "11", "卡片测试党委")


@pytest.fixture
def branch(rpc, committee) -> dict:
    return create(rpc, committee["id"], "31", "卡片测试支部")


def card(rpc, org_id) -> dict:
    return rpc.call("org", "get_org", org_id=org_id)


# --- create and edit the card --------------------------------------------------------------

def test_create_takes_card_items_and_records_created_in_history(system, rpc, committee):
    org = create(rpc, committee["id"], affiliation="县", established_on="2015-07-01", contact_person="王五",
                 contact_phone="010-12345678", postcode="100000")
    view = card(rpc, org["id"])
    assert (view["affiliation"], view["affiliation_name"]) == ("4", "县（市、区、旗）")
    assert view["established_on"] == "2015-07-01" and view["status"] == "active"
    created = events(system, org["id"])[0]
    assert created["type"] == "org_created"
    assert created["payload"]["status"] == "active" and created["payload"]["established_on"] == "2015-07-01"
    assert created["payload"]["revoked_on"] is None
    history = rpc.call("org", "org_history", org_id=org["id"])
    assert history["items"][0]["action"] == "created"
    changes = coded(history["items"][0]["changes"])
    assert {"field": "contact_person", "label": "联系人", "old": None, "new": "王五"} in changes


def test_create_with_bad_card_items_is_refused_per_field(system, rpc, committee):
    before = query(system, "SELECT count(*) FROM org.orgs")
    error = remote_error(lambda: create(rpc, committee["id"], name="", affiliation="火星", postcode="12",
                                        established_on="2999-01-01"))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"name": "必填", "affiliation": "未知的隶属关系：火星",
                                 "postcode": "邮政编码应为6位数字", "established_on": "成立日期不能晚于今天"}
    assert query(system, "SELECT count(*) FROM org.orgs") == before


def test_update_changes_items_bumps_version_emits_org_updated_and_logs_old_and_new(system, rpc, branch):
    result = rpc.call("org", "update_org", org_id=branch["id"], data={
        "version": 1, "type": "联合党支部", "contact_person": "李四", "established_on": "2019-03-01"})
    assert result["version"] == 2
    view = card(rpc, branch["id"])
    assert (view["type"], view["contact_person"], view["established_on"]) == ("32", "李四", "2019-03-01")
    event = events(system, branch["id"])[-1]
    assert event["type"] == "org_updated" and event["aggregate_version"] == 2
    assert event["payload"]["type"] == "32" and event["payload"]["established_on"] == "2019-03-01"
    line = rpc.call("org", "org_history", org_id=branch["id"])["items"][0]
    assert line["action"] == "updated" and line["version"] == 2
    assert {"field": "type", "label": "党组织类别", "old": "31", "new": "32"} in coded(line["changes"])
    # …and as a person reads it: names, not codes
    assert {"field": "type", "old_name": "党支部", "new_name": "联合党支部"}.items() <= next(
        c for c in line["changes"] if c["field"] == "type").items()


def test_stale_version_is_a_conflict_and_changes_nothing(system, rpc, branch):
    rpc.call("org", "update_org", org_id=branch["id"], data={"version": 1, "contact_person": "甲"})
    before = snapshot(system, branch["id"])
    error = remote_error(lambda: rpc.call("org", "update_org", org_id=branch["id"],
                                          data={"version": 1, "contact_person": "乙"}))
    assert error.exc_type == "Conflict" and "第1版" in error.exc_args[0] and "第2版" in error.exc_args[0]
    assert snapshot(system, branch["id"]) == before


@pytest.mark.parametrize("data, fields", [
    ({"version": 1, "name": "新名"}, {"name": "党组织名称请通过“更名”修改（旧名称保留在历史中）"}),
    ({"version": 1, "type": ""}, {"type": "必填"}),
    ({"version": 1, "code": "坏 代码"}, {"code": "只能包含英文字母、数字和连字符"}),
    ({"contact_person": "甲"}, {"version": "必填"}),
    ({"version": 1}, {"data": "没有要修改的信息"}),
])
def test_bad_edits_are_refused_per_field_and_change_nothing(system, rpc, branch, data, fields):
    before = snapshot(system, branch["id"])
    error = remote_error(lambda: rpc.call("org", "update_org", org_id=branch["id"], data=data))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == fields
    assert snapshot(system, branch["id"]) == before


def test_type_of_an_org_with_children_cannot_become_a_branch(system, rpc, committee, branch):
    error = remote_error(lambda: rpc.call("org", "update_org", org_id=committee["id"],
                                          data={"version": 1, "type": "党支部"}))
    assert error.exc_type == "ValidationFailed" and "type" in error.exc_args[1]


def test_code_already_used_is_a_conflict(rpc, committee, branch):
    other = create(rpc, committee["id"])
    other_code = card(rpc, other["id"])["code"]
    error = remote_error(lambda: rpc.call("org", "update_org", org_id=branch["id"],
                                          data={"version": 1, "code": other_code}))
    assert error.exc_type == "Conflict" and error.exc_args[1] == {"code": "代码已存在"}


def test_a_caller_outside_the_subtree_cannot_edit(system, rpc, root_id, branch):
    elsewhere = create(rpc, root_id, "11", "别处党委")
    caller = Caller(user_id="x", scope_path=card(rpc, elsewhere["id"])["path"])
    before = snapshot(system, branch["id"])
    error = remote_error(lambda: rpc.call("org", "update_org", caller=caller, org_id=branch["id"],
                                          data={"version": 1, "contact_person": "甲"}))
    assert error.exc_type == "Forbidden"
    assert snapshot(system, branch["id"]) == before


# --- units and rewards ---------------------------------------------------------------------

def test_units_and_rewards_are_added_changed_removed_as_changes_of_the_org(system, rpc, branch):
    unit = rpc.call("org", "save_entry", org_id=branch["id"], kind="unit", data={
        "name": "示例公司", "category": "非公有制企业", "party_setup": "单独建立", "industry": "C"})
    reward = rpc.call("org", "save_entry", org_id=branch["id"], kind="sanction", data={
        "kind": "奖励", "name": "先进基层党组织", "approved_on": "2021-06-30", "approver": "中共示例市委",
        "reason": "成绩突出"})
    view = card(rpc, branch["id"])
    assert view["units"] == [{"id": unit["id"], "name": "示例公司", "category": "33", "category_name": "非公有制企业",
                              "party_setup": "1", "party_setup_name": "单独建立党组织", "industry": "C",
                              "industry_name": "制造业", "credit_code": None}]
    assert view["sanctions"][0]["name"] == "先进基层党组织" and view["sanctions"][0]["kind_name"] == "奖励"
    assert view["version"] == 3
    rpc.call("org", "save_entry", org_id=branch["id"], kind="unit", entry_id=unit["id"], data={
        "name": "示例股份公司", "category": "33", "party_setup": "1", "version": 3})
    rpc.call("org", "remove_entry", org_id=branch["id"], kind="sanction", entry_id=reward["id"])
    view = card(rpc, branch["id"])
    assert view["units"][0]["name"] == "示例股份公司" and view["units"][0]["industry"] is None
    assert view["sanctions"] == [] and view["version"] == 5
    assert [e["type"] for e in events(system, branch["id"])] == ["org_created"] + ["org_updated"] * 4
    actions = [line["action"] for line in rpc.call("org", "org_history", org_id=branch["id"])["items"]]
    assert actions == ["sanction_removed", "unit_updated", "sanction_added", "unit_added", "created"]


def test_a_unit_without_its_system_required_items_is_refused(system, rpc, branch):
    before = snapshot(system, branch["id"])
    error = remote_error(lambda: rpc.call("org", "save_entry", org_id=branch["id"], kind="unit",
                                          data={"name": "", "category": "外星企业"}))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"name": "必填", "category": "未知的单位性质类别：外星企业", "party_setup": "必填"}
    assert snapshot(system, branch["id"]) == before


# --- 更名, 撤销, 恢复, delete ----------------------------------------------------------------

def test_rename_keeps_the_old_name_in_history(system, rpc, branch):
    rpc.call("org", "rename_org", org_id=branch["id"], name="更名后支部", version=1)
    line = rpc.call("org", "org_history", org_id=branch["id"])["items"][0]
    assert line["action"] == "renamed"
    expected = [{"field": "name", "label": "党组织名称", "old": "卡片测试支部", "new": "更名后支部"}]
    assert coded(line["changes"]) == expected
    assert events(system, branch["id"])[-1]["type"] == "org_renamed"
    error = remote_error(lambda: rpc.call("org", "rename_org", org_id=branch["id"], name="再改", version=1))
    assert error.exc_type == "Conflict"


def test_revoke_moves_the_org_to_history_and_it_stays_findable(system, rpc, committee, branch):
    result = rpc.call("org", "revoke_org", org_id=branch["id"], data={"date": "2024-12-31", "reason": "单位撤并"})
    assert result["status"] == "revoked" and result["version"] == 2
    event = events(system, branch["id"])[-1]
    assert event["type"] == "org_revoked" and event["aggregate_version"] == 2
    assert event["payload"]["status"] == "revoked" and event["payload"]["revoked_on"] == "2024-12-31"
    assert branch["id"] not in [c["id"] for c in rpc.call("org", "children", org_id=committee["id"])]
    assert branch["id"] in [c["id"] for c in rpc.call("org", "children", org_id=committee["id"], history=True)]
    view = card(rpc, branch["id"])
    assert view["status_name"] == "已撤销" and view["revoke_reason"] == "单位撤并"
    found = rpc.call("org", "search_orgs", q="卡片测试支部", history=True, under=committee["id"])
    assert [o["id"] for o in found["items"]] == [branch["id"]]
    assert rpc.call("org", "search_orgs", q="卡片测试支部", under=committee["id"])["items"] == []


def test_a_revoked_org_takes_no_new_children_members_edits_or_second_revoke(system, rpc, committee):
    general = create(rpc, committee["id"], "21", "撤销测试总支")
    rpc.call("org", "revoke_org", org_id=general["id"], data={"date": "2024-01-01", "reason": "撤并"})
    before = snapshot(system, general["id"])
    error = remote_error(lambda: create(rpc, general["id"]))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == {"parent_id": "上级党组织已撤销"}
    error = remote_error(lambda: rpc.call("member", "create_member", data=member_data(general["id"])))
    assert error.exc_type == "ValidationFailed" and error.exc_args[1] == {"org_id": "党组织已撤销"}
    error = remote_error(lambda: rpc.call("org", "update_org", org_id=general["id"],
                                          data={"version": 2, "contact_person": "甲"}))
    assert error.exc_type == "Conflict" and "已撤销" in error.exc_args[0]
    error = remote_error(lambda: rpc.call("org", "revoke_org", org_id=general["id"],
                                          data={"date": "2024-01-02", "reason": "再撤"}))
    assert error.exc_type == "Conflict" and "不能重复撤销" in error.exc_args[0]
    assert snapshot(system, general["id"]) == before


def test_revoke_is_refused_with_active_children_or_members(system, rpc, committee, branch):
    before = snapshot(system, committee["id"])
    error = remote_error(lambda: rpc.call("org", "revoke_org", org_id=committee["id"],
                                          data={"date": "2024-01-01", "reason": "撤并"}))
    assert error.exc_type == "Conflict" and "下级党组织" in error.exc_args[0]
    rpc.call("member", "create_member", data=member_data(branch["id"]))
    error = remote_error(lambda: rpc.call("org", "revoke_org", org_id=branch["id"],
                                          data={"date": "2024-01-01", "reason": "撤并"}))
    assert error.exc_type == "Conflict" and "1名在册党员" in error.exc_args[0]
    assert snapshot(system, committee["id"]) == before


def test_bad_revoke_input_is_refused_per_field(rpc, branch):
    error = remote_error(lambda: rpc.call("org", "revoke_org", org_id=branch["id"], data={"date": "2999-01-01"}))
    assert error.exc_args[1] == {"date": "撤销日期不能晚于今天", "reason": "必填"}


def test_restore_puts_a_revoked_org_back(system, rpc, committee, branch):
    rpc.call("org", "revoke_org", org_id=branch["id"], data={"date": "2024-01-01", "reason": "误操作"})
    rpc.call("org", "restore_org", org_id=branch["id"], data={"version": 2})
    view = card(rpc, branch["id"])
    assert view["status"] == "active" and view["revoked_on"] is None and view["version"] == 3
    event = events(system, branch["id"])[-1]
    assert event["type"] == "org_restored" and event["payload"]["status"] == "active"
    assert branch["id"] in [c["id"] for c in rpc.call("org", "children", org_id=committee["id"])]


def test_delete_removes_the_org_emits_org_deleted_and_keeps_its_history(system, rpc, committee):
    doomed = create(rpc, committee["id"])
    rpc.call("org", "save_entry", org_id=doomed["id"], kind="unit",
             data={"name": "甲单位", "category": "10", "party_setup": "1"})
    assert rpc.call("org", "delete_org", org_id=doomed["id"], data={"version": 2}) == {"id": doomed["id"],
                                                                                       "deleted": True}
    assert query(system, "SELECT count(*) FROM org.orgs WHERE id = %s", doomed["id"]) == [(0,)]
    assert query(system, "SELECT count(*) FROM org.units WHERE org_id = %s", doomed["id"]) == [(0,)]
    event = events(system, doomed["id"])[-1]
    assert event["type"] == "org_deleted" and event["aggregate_version"] == 3
    assert event["payload"]["status"] == "deleted"
    assert query(system, "SELECT action FROM org.history WHERE org_id = %s ORDER BY id DESC LIMIT 1",
                 doomed["id"]) == [("deleted",)]
    assert remote_error(lambda: card(rpc, doomed["id"])).exc_type == "NotFound"


def test_delete_is_refused_with_children_members_or_history_members(system, rpc, committee, branch):
    before = snapshot(system, committee["id"])
    assert "下级党组织" in remote_error(lambda: rpc.call("org", "delete_org", org_id=committee["id"])).exc_args[0]
    assert snapshot(system, committee["id"]) == before
    member = rpc.call("member", "create_member", data=member_data(branch["id"]))
    assert "在册党员" in remote_error(lambda: rpc.call("org", "delete_org", org_id=branch["id"])).exc_args[0]
    rpc.call("member", "leave_member", member_id=member["id"], data={"kind": "死亡", "date": "2024-01-01"})
    error = remote_error(lambda: rpc.call("org", "delete_org", org_id=branch["id"]))
    assert error.exc_type == "Conflict" and "历史党员" in error.exc_args[0]
    # With only history members it can still be revoked.
    assert rpc.call("org", "revoke_org", org_id=branch["id"],
                    data={"date": "2024-02-01", "reason": "撤并"})["status"] == "revoked"


# --- sort ----------------------------------------------------------------------------------

def test_sort_moves_among_siblings_and_the_tree_follows(rpc, committee):
    ids = [create(rpc, committee["id"], name=f"排序{i}")["id"] for i in range(3)]
    assert [c["id"] for c in rpc.call("org", "children", org_id=committee["id"])] == ids
    rpc.call("org", "sort_org", org_id=ids[2], data={"move": "up"})
    assert [c["id"] for c in rpc.call("org", "children", org_id=committee["id"])] == [ids[0], ids[2], ids[1]]
    rpc.call("org", "sort_org", org_id=ids[1], data={"position": 1})
    assert [c["id"] for c in rpc.call("org", "children", org_id=committee["id"])] == [ids[1], ids[0], ids[2]]
    newcomer = create(rpc, committee["id"], name="排序新")["id"]
    assert rpc.call("org", "children", org_id=committee["id"])[-1]["id"] == newcomer
    line = rpc.call("org", "org_history", org_id=ids[1])["items"][0]
    assert line["action"] == "sorted" and line["changes"][0]["new"] == 1
    error = remote_error(lambda: rpc.call("org", "sort_org", org_id=ids[0], data={"position": 9}))
    assert error.exc_type == "ValidationFailed" and "position" in error.exc_args[1]


# --- 校核 ------------------------------------------------------------------------------------

def test_check_lists_missing_items_and_type_against_members(rpc, committee):
    small = create(rpc, committee["id"], name="两人支部")
    empty = create(rpc, committee["id"], name="空支部", affiliation="4", established_on="2020-01-01",
                   contact_person="甲", contact_phone="12345")
    for _ in range(2):
        rpc.call("member", "create_member", data=member_data(small["id"]))
    result = rpc.call("org", "check_orgs", org_id=committee["id"], subtree=True)
    assert not result["passed"] and result["checked"] == 3
    by_org = {}
    for problem in result["problems"]:
        by_org.setdefault(problem["org_id"], []).append(problem["message"])
    assert "正式党员2人，不足3人，应设为联合党支部" in by_org[small["id"]]
    assert "隶属关系未填写（必填项）" in by_org[small["id"]]
    assert by_org[empty["id"]] == ["党支部没有党员"]
    assert any("基层党委一般应有100人以上" in m for m in by_org[committee["id"]])
    alone = rpc.call("org", "check_orgs", org_id=committee["id"])  # its own card, its subtree's members
    assert alone["checked"] == 1 and "党员2人，基层党委一般应有100人以上（不足须经上级批准）" in [
        p["message"] for p in alone["problems"]]
    single = rpc.call("org", "check_orgs", org_id=empty["id"])
    assert single["checked"] == 1 and [p["message"] for p in single["problems"]] == ["党支部没有党员"]


# --- batch modify --------------------------------------------------------------------------

def test_batch_preview_save_and_undo(system, rpc, committee):
    a = create(rpc, committee["id"], name="批量甲")
    b = create(rpc, committee["id"], name="批量乙", affiliation="3")
    c = create(rpc, committee["id"], "32", name="批量丙")
    spec = {"conditions": [{"field": "type", "op": "eq", "value": "党支部"}], "field": "affiliation", "value": "县"}
    preview = rpc.call("org", "preview_batch_change", org_id=committee["id"], data=spec)
    assert preview["matched"] == 2
    assert [(x["id"], x["old_name"], x["new_name"]) for x in preview["changes"]] == [
        (a["id"], None, "县（市、区、旗）"), (b["id"], "市（地、州、盟）", "县（市、区、旗）")]
    assert card(rpc, a["id"])["affiliation"] is None  # a preview writes nothing
    saved = rpc.call("org", "save_batch_change", org_id=committee["id"],
                     data={**spec, "org_ids": [x["id"] for x in preview["changes"]]})
    assert saved["changed"] == 2
    assert card(rpc, a["id"])["affiliation"] == "4" and card(rpc, c["id"])["affiliation"] is None
    assert events(system, a["id"])[-1]["type"] == "org_updated"
    assert rpc.call("org", "org_history", org_id=a["id"])["items"][0]["batch_id"] == saved["id"]
    undone = rpc.call("org", "undo_batch_change", batch_id=saved["id"])
    assert undone["status"] == "undone"
    assert card(rpc, a["id"])["affiliation"] is None and card(rpc, b["id"])["affiliation"] == "3"
    assert card(rpc, b["id"])["version"] == 3
    error = remote_error(lambda: rpc.call("org", "undo_batch_change", batch_id=saved["id"]))
    assert error.exc_type == "Conflict" and "已撤销" in error.exc_args[0]


def test_batch_undo_is_refused_when_an_org_changed_since(system, rpc, committee):
    a = create(rpc, committee["id"], name="批量丁")
    spec = {"conditions": [{"field": "name", "op": "contains", "value": "批量丁"}], "field": "contact_person",
            "value": "新联系人"}
    saved = rpc.call("org", "save_batch_change", org_id=committee["id"], data=spec)
    rpc.call("org", "update_org", org_id=a["id"], data={"version": 2, "postcode": "100000"})
    before = snapshot(system, a["id"])
    error = remote_error(lambda: rpc.call("org", "undo_batch_change", batch_id=saved["id"]))
    assert error.exc_type == "Conflict" and "批量丁" in error.exc_args[0]
    assert snapshot(system, a["id"]) == before
    assert rpc.call("org", "get_batch_change", batch_id=saved["id"])["status"] == "saved"


def test_batch_with_bad_input_or_stale_preview_changes_nothing(system, rpc, committee, branch):
    error = remote_error(lambda: rpc.call("org", "preview_batch_change", org_id=committee["id"], data={
        "conditions": [{"field": "nope", "op": "eq", "value": 1}], "field": "name", "value": "x"}))
    assert error.exc_args[1] == {"conditions.0.field": "不能按该信息项查询：nope", "field": "该信息项不能批量修改"}
    before = snapshot(system, branch["id"])
    error = remote_error(lambda: rpc.call("org", "save_batch_change", org_id=committee["id"], data={
        "conditions": [{"field": "type", "op": "eq", "value": "31"}], "field": "postcode", "value": "200000",
        "org_ids": [1]}))
    assert error.exc_type == "Conflict"
    assert snapshot(system, branch["id"]) == before
    error = remote_error(lambda: rpc.call("org", "save_batch_change", org_id=committee["id"], data={
        "conditions": [{"field": "type", "op": "eq", "value": "11"}], "field": "type", "value": "31"}))
    assert error.exc_type == "ValidationFailed" and "不能修改" in error.exc_args[0]


def test_stats_projection_follows_the_new_org_events(system, rpc, committee):
    """The stats consumer takes org_updated (type change) like org_created."""
    org = create(rpc, committee["id"], name="统计跟随")
    rpc.call("org", "update_org", org_id=org["id"], data={"version": 1, "type": "32"})
    wait_for(lambda: query(system, "SELECT type, version FROM stats.orgs WHERE id = %s", org["id"]),
             lambda rows: rows == [("32", 2)], what="stats projection of org_updated")


def test_the_rolls_count_is_scope_checked(rpc, root_id, branch):
    org = card(rpc, branch["id"])
    rpc.call("member", "create_member", data=member_data(branch["id"]))
    counts = rpc.call("member", "hold_org_rolls", org_id=branch["id"], path=org["path"], doing="revoke",
                      org_version=org["version"])
    assert counts == {"active": 1, "history": 0, "applicants": 0, "deleted_applicants": 0, "held": False}
    elsewhere = Caller(user_id="x", scope_path=card(rpc, create(rpc, root_id, "11", "计数别处")["id"])["path"])
    for path in (org["path"], elsewhere.scope_path):  # a path of its own does not open another
        error = remote_error(lambda: rpc.call("member", "hold_org_rolls", caller=elsewhere, org_id=branch["id"],
                                              path=path, doing="revoke", org_version=org["version"]))
        assert error.exc_type == "Forbidden"
    error = remote_error(lambda: rpc.call("member", "hold_org_rolls", org_id=branch["id"], path=org["path"],
                                          doing="rename", org_version=org["version"]))
    assert error.exc_type == "ValidationFailed"


def test_held_rolls_refuse_newcomers_until_the_organization_shows_in_use(rpc, committee):
    """What a revoke whose event is still on its way looks like to the member service: the hold
    refuses a new member, and a newer org event with the organization in use (no revoke came)
    ends it."""
    empty = create(rpc, committee["id"], name="待撤销空支部")
    org = card(rpc, empty["id"])
    held = rpc.call("member", "hold_org_rolls", org_id=empty["id"], path=org["path"], doing="revoke",
                    org_version=org["version"])
    assert held["held"] is True
    error = remote_error(lambda: rpc.call("member", "create_member", data=member_data(empty["id"])))
    assert error.exc_type == "ValidationFailed" and "正在撤销" in error.exc_args[0]
    rpc.call("org", "update_org", org_id=empty["id"], data={"version": org["version"], "contact_person": "张三"})
    created = wait_for(lambda: _try_create(rpc, empty["id"]), lambda result: result is not None,
                       what="the hold to end on the newer org event")
    assert created["id"]


def _try_create(rpc, org_id):
    try:
        return rpc.call("member", "create_member", data=member_data(org_id))
    except Exception as refused:  # still held while the org event is on its way
        assert "正在撤销" in str(refused)
        return None
