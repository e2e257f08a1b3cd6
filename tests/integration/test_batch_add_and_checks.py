"""批量添加 and 校核 through the member service's RPC entrypoints: a preview that writes nothing,
a commit adding the row to each accepted member with its own member_updated event, refusals
with their reasons, an undo of the whole batch (refused whole when a member changed since),
and the check of a member or a subtree."""
import pytest

from services.shared.context import Caller
from tests.support.helpers import remote_error

from .test_member_cards import snapshot
from .test_member_changes import create_member, create_org, events, query


@pytest.fixture
def tree(rpc, root_id) -> dict:
    committee = create_org(rpc, root_id, type_="11", name="批量测试党委")
    branch = create_org(rpc, committee["id"], name="批量测试支部")
    other = create_org(rpc, root_id, name="批量无关支部")
    return {"committee": committee, "branch": branch, "other": other,
            "a": create_member(rpc, branch["id"], name="批量甲", joined_on="2010-07-01"),
            "b": create_member(rpc, branch["id"], name="批量乙", joined_on="2010-07-01"),
            "young": create_member(rpc, committee["id"], name="批量新", joined_on="2024-01-05", category="预备党员"),
            "outside": create_member(rpc, other["id"], name="外部党员")}


def request(tree, *keys, info_set="evaluations", **values):
    return {"info_set": info_set, "values": values or {"year": 2023, "grade": "合格"},
            "member_ids": [tree[k]["id"] for k in keys]}


def test_preview_decides_each_member_and_writes_nothing(system, rpc, tree):
    rpc.call("member", "add_info_row", member_id=tree["b"]["id"], info_set="evaluations",
             data={"version": tree["b"]["version"], "year": 2023, "grade": "优秀"})
    before = [snapshot(system, tree[k]["id"]) for k in ("a", "b", "young")]
    preview = rpc.call("member", "preview_batch_add", org_id=tree["committee"]["id"],
                       data=request(tree, "a", "b", "young", "outside"))
    assert preview["accepted"] == [{"member_id": tree["a"]["id"], "name": "批量甲"}]
    assert {r["member_id"]: r["reason"] for r in preview["refused"]} == {
        tree["b"]["id"]: "2023年度已有民主评议结果，每年只能有一条",
        tree["young"]["id"]: "评议年度不能早于入党年度（2024）",
        tree["outside"]["id"]: "不在本组织及下级党组织中"}
    assert next(r for r in preview["refused"] if r["member_id"] == tree["outside"]["id"])["name"] == ""
    assert [snapshot(system, tree[k]["id"]) for k in ("a", "b", "young")] == before


def test_a_bad_value_refuses_the_whole_batch(rpc, tree):
    error = remote_error(lambda: rpc.call("member", "preview_batch_add", org_id=tree["committee"]["id"], data={
        "info_set": "rewards", "values": {}, "member_ids": []}))
    assert error.exc_type == "ValidationFailed" and set(error.exc_args[1]) == {"info_set", "member_ids"}
    error = remote_error(lambda: rpc.call("member", "commit_batch_add", org_id=tree["committee"]["id"],
                                          data=request(tree, "a", info_set="work_posts", occupation="宇航员")))
    assert error.exc_args[1] == {"occupation": "未知的工作岗位：宇航员", "started_on": "必填"}


def test_commit_adds_to_each_accepted_member_with_its_event_and_undo_takes_the_batch_back(system, rpc, tree):
    caller = Caller("batcher", tree["committee"]["path"], "req-b", "批量员")
    done = rpc.call("member", "commit_batch_add", caller=caller, org_id=tree["committee"]["id"],
                    data=request(tree, "a", "b", info_set="work_posts", occupation="管理人员", unit="某公司",
                                 started_on="2020-01-01"))
    assert done["id"] and [e["member_id"] for e in done["accepted"]] == [tree["a"]["id"], tree["b"]["id"]]
    for key in ("a", "b"):
        card = rpc.call("member", "get_member", member_id=tree[key]["id"])
        assert card["occupation"] == "4" and card["version"] == tree[key]["version"] + 1
        event = events(system, tree[key]["id"])[-1]
        assert (event["aggregate_version"], event["request_id"]) == (card["version"], "req-b")
        assert (event["payload"]["before"]["occupation"], event["payload"]["after"]["occupation"]) == (None, "4")

    undone = rpc.call("member", "undo_batch_add", caller=caller, batch_id=done["id"])
    assert undone["undone"] == 2
    for key in ("a", "b"):
        card = rpc.call("member", "get_member", member_id=tree[key]["id"])
        assert card["info_sets"]["work_posts"] == [] and card["version"] == tree[key]["version"] + 2
        payload = events(system, tree[key]["id"])[-1]["payload"]
        assert payload["before"]["occupation"] == "4"  # the basic value stays once the rows are gone
    assert remote_error(lambda: rpc.call("member", "undo_batch_add", batch_id=done["id"])).exc_type == "Conflict"


def test_undo_is_refused_whole_when_a_member_changed_since(system, rpc, tree):
    done = rpc.call("member", "commit_batch_add", org_id=tree["committee"]["id"], data=request(tree, "a", "b"))
    card = rpc.call("member", "get_member", member_id=tree["b"]["id"])
    rpc.call("member", "update_member", member_id=tree["b"]["id"], data={"version": card["version"],
                                                                          "phone": "13700000000"})
    before = [snapshot(system, tree[k]["id"]) for k in ("a", "b")]
    error = remote_error(lambda: rpc.call("member", "undo_batch_add", batch_id=done["id"]))
    assert error.exc_type == "Conflict" and "批量乙" in error.exc_args[0] and "批量甲" not in error.exc_args[0]
    assert [snapshot(system, tree[k]["id"]) for k in ("a", "b")] == before
    assert query(system, "SELECT undone_at FROM member.batches WHERE id = %s", done["id"]) == [(None,)]


def test_a_batch_outside_the_callers_scope_is_forbidden(rpc, tree):
    outsider = Caller("x", tree["other"]["path"])
    error = remote_error(lambda: rpc.call("member", "preview_batch_add", caller=outsider,
                                          org_id=tree["committee"]["id"], data=request(tree, "a")))
    assert error.exc_type == "Forbidden"
    done = rpc.call("member", "commit_batch_add", org_id=tree["committee"]["id"], data=request(tree, "a"))
    assert remote_error(lambda: rpc.call("member", "undo_batch_add", caller=outsider,
                                         batch_id=done["id"])).exc_type == "Forbidden"


def test_check_lists_each_members_problems_with_a_link(rpc, tree):
    one = rpc.call("member", "check_member", member_id=tree["a"]["id"])
    assert one["url"] == f"/members/{tree['a']['id']}"
    assert {p["field"] for p in one["problems"]} >= {"native_place", "phone", "full_on", "evaluations"}

    first = rpc.call("member", "check_subtree", org_id=tree["committee"]["id"], limit=2)
    assert first["checked"] == 2 and first["next_after_id"] is not None
    rest = rpc.call("member", "check_subtree", org_id=tree["committee"]["id"], after_id=first["next_after_id"])
    checked = {item["member_id"] for item in first["items"] + rest["items"]}
    assert checked == {tree[k]["id"] for k in ("a", "b", "young")}  # the outside branch is not in the subtree
    assert rest["next_after_id"] is None
