"""综合查询, 固定查询, 批量修改 and the 工作督查 lists through the member service's real RPC
entrypoints: query results equal a Python filter over the members created; saved queries are
per account; a batch emits each member's member_updated and is undone whole or not at all;
legacy ID numbers and missing information written straight into the table are found."""
from datetime import date, timedelta

import pytest

from services.member.domain.id_number import age_on
from services.shared.context import Caller
from tests.support.helpers import remote_error, sql

from ..support.factories import code, id_number, member_data


def create_org(rpc, parent_id, type_="31", name="查询测试支部") -> dict:
    return rpc.call("org", "create_org", data={"name": name, "code": code(), "type": type_, "parent_id": parent_id})


PEOPLE = [  # name, birth, female, ethnicity, category, joined_on, branch
    ("赵一", date(1950, 3, 1), False, "汉族", "正式党员", "1975-07-01", "a"),
    ("钱二", date(1962, 5, 2), True, "回族", "正式党员", "1990-07-01", "a"),
    ("孙三", date(1985, 7, 3), True, "汉族", "预备党员", "2025-12-01", "a"),
    ("李四", date(1990, 9, 4), False, "满族", "正式党员", "2015-07-01", "b"),
    ("周五", date(1958, 11, 5), True, "汉族", "正式党员", "1980-07-01", "b"),
    ("吴六", date(1999, 1, 6), False, "壮族", "预备党员", "2026-01-10", "b"),
    ("张_七", date(1970, 2, 7), True, "汉族", "正式党员", "2000-07-01", "b"),
]


@pytest.fixture(scope="module")
def world(rpc, root_id):
    """root ─ committee ─┬─ a
                         └─ b        (and `outside`, a sibling of the committee)"""
    committee = create_org(rpc, root_id, "11", "查询测试党委")
    orgs = {"committee": committee, "a": create_org(rpc, committee["id"], name="查询甲支部"),
            "b": create_org(rpc, committee["id"], name="查询乙支部"),
            "outside": create_org(rpc, root_id, "31", "查询范围外支部")}
    people = {}
    for name, birth, female, ethnicity, category, joined, branch in PEOPLE:
        data = member_data(orgs[branch]["id"], name=name, id_number=id_number(birth, female=female),
                           ethnicity=ethnicity, category=category, joined_on=joined)
        member_id = rpc.call("member", "create_member", data=data)["id"]
        people[name] = member_id
    rpc.call("member", "create_member", data=member_data(orgs["outside"]["id"], name="赵一外"))
    # 周五 died: in history.
    rpc.call("member", "leave_member", member_id=people["周五"], data={"kind": "死亡", "date": "2024-03-01"})
    cards = {name: rpc.call("member", "get_member", member_id=i) for name, i in people.items()}
    return {"orgs": orgs, "ids": people, "cards": cards}


def run(rpc, world, where, history=False, caller=None, **extra):
    result = rpc.call("member", "combined_query", caller=caller, query={
        "org_id": world["orgs"]["committee"]["id"], "history": history, "where": where, **extra}, page=1, size=200)
    return result


def names(result) -> set:
    return {m["name"] for m in result["items"]}


def expected(world, predicate, history=False) -> set:
    return {name for name, m in world["cards"].items() if (history or m["status"] == "active") and predicate(m)}


def c(field, operator, value=None):
    return {"field": field, "operator": operator, "value": value}


def age(m) -> int:
    return age_on(date.fromisoformat(m["birth_date"]), date.today())


CASES = [
    ({"conditions": []}, lambda m: True),
    ({"join": "and", "conditions": [c("sex", "eq", "女"), c("ethnicity", "eq", "汉族")]},
     lambda m: m["sex"] == "2" and m["ethnicity"] == "01"),
    ({"join": "or", "conditions": [c("category", "eq", "预备党员"), c("age", "gt", 60)]},
     lambda m: m["category"] == "02" or age(m) > 60),
    ({"join": "or", "conditions": [
        {"join": "and", "conditions": [c("sex", "eq", "1"), c("joined_on", "lt", "2000-01-01")]},
        c("ethnicity", "ne", "01")]},
     lambda m: (m["sex"] == "1" and m["joined_on"] < "2000-01-01") or m["ethnicity"] != "01"),
    ({"conditions": [c("name", "contains", "_")]}, lambda m: "_" in m["name"]),
    ({"conditions": [c("birth_date", "between", ["1955-01-01", "1970-12-31"]), c("name", "starts", "周")]},
     lambda m: "1955-01-01" <= m["birth_date"] <= "1970-12-31" and m["name"].startswith("周")),
    ({"conditions": [c("left_on", "not_empty")]}, lambda m: m["left_on"] is not None),
]


@pytest.mark.parametrize("history", [False, True])
@pytest.mark.parametrize("where, predicate", CASES)
def test_results_match_a_python_filter(rpc, world, where, predicate, history):
    result = run(rpc, world, where, history=history)
    assert names(result) == expected(world, predicate, history)
    assert result["total"] == len(result["items"])


def test_child_info_set_conditions_hold_for_one_record(rpc, world):
    died_2024 = {"conditions": [c("status_change_kind", "eq", "死亡"),
                                c("status_change_on", "between", ["2024-01-01", "2024-12-31"])]}
    assert names(run(rpc, world, died_2024, history=True)) == {"周五"}
    died_2023 = {"conditions": [c("status_change_kind", "eq", "死亡"), c("status_change_on", "lt", "2024-01-01")]}
    assert names(run(rpc, world, died_2023, history=True)) == set()
    never = {"conditions": [c("status_change_kind", "empty")]}
    assert "周五" not in names(run(rpc, world, never, history=True))


def test_sorting_and_paging(rpc, world):
    query = {"org_id": world["orgs"]["committee"]["id"], "sort": "-birth_date"}
    first = rpc.call("member", "combined_query", query=query, page=1, size=2)
    second = rpc.call("member", "combined_query", query=query, page=2, size=2)
    births = [m["birth_date"] for m in first["items"] + second["items"]]
    assert births == sorted(births, reverse=True) and first["total"] == 6
    page = rpc.call("member", "combined_query_page", query=query, after_id=0, limit=4)
    rest = rpc.call("member", "combined_query_page", query=query, after_id=page["next_after_id"], limit=4)
    assert len(page["items"]) == 4 and len(rest["items"]) == 2 and rest["next_after_id"] is None


def every_page(rpc, method, limit, **kwargs) -> list[str]:
    """The names of every keyset page, `limit` at a time, as an export reads them."""
    names, after = [], 0
    while after is not None:
        page = rpc.call("member", method, after_id=after, limit=limit, **kwargs)
        names += [m["name"] for m in page["items"]]
        after = page["next_after_id"]
    return names


@pytest.mark.parametrize("sort", ["name", "-name", "birth_date", "-birth_date", "joined_on", "-left_on"])
def test_export_pages_keep_the_on_screen_order(rpc, world, sort):
    """Page boundaries fall inside runs of equal values and among empty ones (left_on): the
    keyset pages, joined, are the query's own order, each member once."""
    query = {"org_id": world["orgs"]["committee"]["id"], "sort": sort, "history": sort == "-left_on"}
    shown = [m["name"] for m in rpc.call("member", "combined_query", query=query, page=1, size=50)["items"]]
    for limit in (1, 2, 3):
        assert every_page(rpc, "combined_query_page", limit, query=query) == shown


def test_the_roster_pages_are_in_pinyin_order(rpc, world):
    roster = every_page(rpc, "roster_page", 2, org_id=world["orgs"]["committee"]["id"])
    listed = [m["name"] for m in rpc.call("member", "combined_query", query={
        "org_id": world["orgs"]["committee"]["id"]}, page=1, size=50)["items"]]
    # 李 li3, 钱 qian2, 孙 sun1, 吴 wu2, 张 zhang1, 赵 zhao4 (周五 has left)
    assert roster == listed == ["李四", "钱二", "孙三", "吴六", "张_七", "赵一"]


def test_bad_queries_and_scope(rpc, world):
    error = remote_error(lambda: run(rpc, world, {"conditions": [c("sex", "gt", "1"), c("nope", "eq", 1)]}))
    assert error.exc_type == "ValidationFailed" and set(error.exc_args[1]) == {"1", "2"}
    branch_a = Caller("qa", world["orgs"]["a"]["path"])
    error = remote_error(lambda: run(rpc, world, {}, caller=branch_a))
    assert error.exc_type == "Forbidden"
    own = rpc.call("member", "combined_query", caller=branch_a,
                   query={"org_id": world["orgs"]["a"]["id"]}, page=1, size=50)
    assert names(own) == {"赵一", "钱二", "孙三"}


def test_saved_queries_per_account(rpc, world):
    committee = world["orgs"]["committee"]
    alice, bob = Caller("alice-q", committee["path"]), Caller("bob-q", committee["path"])
    query = {"org_id": committee["id"], "where": {"conditions": [c("sex", "eq", "女")]}}
    saved = rpc.call("member", "save_query", caller=alice, name=" 女党员 ", query=query)
    assert saved["name"] == "女党员" and saved["description"] == "性别 等于 女"
    assert remote_error(lambda: rpc.call("member", "save_query", caller=alice, name="女党员",
                                         query=query)).exc_type == "Conflict"
    rpc.call("member", "save_query", caller=bob, name="女党员", query=query)  # same name, other account
    assert [s["name"] for s in rpc.call("member", "list_saved_queries", caller=alice)] == ["女党员"]
    assert remote_error(lambda: rpc.call("member", "get_saved_query", caller=bob,
                                         saved_id=saved["id"])).exc_type == "NotFound"
    again = rpc.call("member", "get_saved_query", caller=alice, saved_id=saved["id"])
    result = rpc.call("member", "combined_query", caller=alice, query=again["query"], page=1, size=50)
    assert names(result) == expected(world, lambda m: m["sex"] == "2")
    renamed = rpc.call("member", "rename_saved_query", caller=alice, saved_id=saved["id"], name="女同志")
    assert renamed["name"] == "女同志"
    assert remote_error(lambda: rpc.call("member", "rename_saved_query", caller=alice, saved_id=saved["id"],
                                         name="")).exc_type == "ValidationFailed"
    assert remote_error(lambda: rpc.call("member", "delete_saved_query", caller=bob,
                                         saved_id=saved["id"])).exc_type == "NotFound"
    rpc.call("member", "delete_saved_query", caller=alice, saved_id=saved["id"])
    assert rpc.call("member", "list_saved_queries", caller=alice) == []
    outside = {"org_id": world["orgs"]["outside"]["id"]}
    assert remote_error(lambda: rpc.call("member", "save_query", caller=alice, name="外",
                                         query=outside)).exc_type == "Forbidden"


def member_events(system, member_id: int) -> list[dict]:
    return [row[0] for row in sql(system, "SELECT envelope FROM member.outbox WHERE envelope->>'aggregate_id' = %s "
                                          "AND event_type = 'member_updated' ORDER BY id", str(member_id))]


def test_batch_modify_preview_save_and_undo(system, rpc, world):
    branch = world["orgs"]["b"]
    batcher = Caller("batcher", world["orgs"]["committee"]["path"], username="批量员")
    request = {"query": {"org_id": branch["id"], "where": {"conditions": [c("sex", "eq", "男")]}},
               "field": "ethnicity", "value": "蒙古族"}
    preview = rpc.call("member", "preview_batch_change", caller=batcher, data=request)
    assert {(p["name"], p["before_name"], p["after_name"]) for p in preview["items"]} == {
        ("李四", "满族", "蒙古族"), ("吴六", "壮族", "蒙古族")}
    assert preview["changes"] == 2
    before_events = {name: len(member_events(system, world["ids"][name])) for name in ("李四", "吴六")}

    stale = remote_error(lambda: rpc.call("member", "save_batch_change", caller=batcher,
                                          data={**request, "expected": 5}))
    assert stale.exc_type == "Conflict"
    batch = rpc.call("member", "save_batch_change", caller=batcher, data={**request, "expected": 2})
    assert batch["changed"] == 2 and [i["name"] for i in batch["items"]] == ["李四", "吴六"]
    for name in ("李四", "吴六"):
        member = rpc.call("member", "get_member", member_id=world["ids"][name])
        assert member["ethnicity"] == "02"
        event = member_events(system, world["ids"][name])[-1]
        assert len(member_events(system, world["ids"][name])) == before_events[name] + 1
        assert event["payload"]["after"]["ethnicity"] == "02"
        assert event["payload"]["before"]["ethnicity"] == world["cards"][name]["ethnicity"]
    assert rpc.call("member", "list_batch_changes", caller=batcher)[0]["id"] == batch["id"]
    assert remote_error(lambda: rpc.call("member", "undo_batch_change", caller=Caller("other", "/"),
                                         batch_id=batch["id"])).exc_type == "NotFound"

    undone = rpc.call("member", "undo_batch_change", caller=batcher, batch_id=batch["id"])
    assert undone["undone"]
    for name in ("李四", "吴六"):
        assert rpc.call("member", "get_member", member_id=world["ids"][name])["ethnicity"] == \
            world["cards"][name]["ethnicity"]
        assert member_events(system, world["ids"][name])[-1]["payload"]["after"]["ethnicity"] == \
            world["cards"][name]["ethnicity"]
    assert remote_error(lambda: rpc.call("member", "undo_batch_change", caller=batcher,
                                         batch_id=batch["id"])).exc_type == "Conflict"

    # A member changed after the batch: the undo is refused and changes nothing.
    batch = rpc.call("member", "save_batch_change", caller=batcher, data=request)
    li = rpc.call("member", "get_member", member_id=world["ids"]["李四"])
    rpc.call("member", "update_member", member_id=li["id"], data={"version": li["version"], "name": "李四改"})
    wu = rpc.call("member", "get_member", member_id=world["ids"]["吴六"])
    refused = remote_error(lambda: rpc.call("member", "undo_batch_change", caller=batcher, batch_id=batch["id"]))
    assert refused.exc_type == "Conflict" and "李四改" in refused.exc_args[0]
    assert rpc.call("member", "get_member", member_id=wu["id"]) == wu
    assert not rpc.call("member", "get_batch_change", caller=batcher, batch_id=batch["id"])["undone"]


def test_batch_refusals(rpc, world):
    query = {"org_id": world["orgs"]["a"]["id"]}
    for data, field in (({"query": query, "field": "name", "value": "x"}, "field"),
                        ({"query": query, "field": "ethnicity", "value": "火星族"}, "value"),
                        ({"query": {"org_id": world["orgs"]["a"]["id"], "where": {"conditions": [
                            c("name", "eq", "无此人")]}}, "field": "ethnicity", "value": "01"}, "query")):
        error = remote_error(lambda: rpc.call("member", "save_batch_change", data=data))
        assert error.exc_type == "ValidationFailed" and field in error.exc_args[1]


# What 校核 requires beyond the system-required fields (domain/member_check.py): a probationary
# member who joined this half-year needs no 转正日期 and no 民主评议 yet.
COMPLETE = {"native_place": "山东济南", "education": "本科", "occupation": "工人", "branch_joined_on": "2010-07-01",
            "phone": "0531-1234567", "category": "预备党员",
            "joined_on": (date.today() - timedelta(days=150)).isoformat()}


@pytest.fixture(scope="module")
def legacy(system, rpc, root_id):
    """A branch whose records were loaded without today's checks (written straight into the table):
    a 15-digit number naming the same person as an 18-digit one, a wrong check character, and a
    member without a name."""
    branch = create_org(rpc, root_id, name="遗留数据支部")
    ids = {}
    for name in ("原号", "旧号", "错号", "无名", "正常", "缺学历"):
        ids[name] = rpc.call("member", "create_member", data=member_data(
            branch["id"], name=name, id_number=id_number(date(1960, 4, 1 + len(ids))),
            **{**COMPLETE, **({"education": None} if name == "缺学历" else {})}))["id"]
    original = rpc.call("member", "get_member", member_id=ids["原号"])["id_number"]
    fifteen = original[:6] + original[8:17]
    wrong = rpc.call("member", "get_member", member_id=ids["错号"])["id_number"]
    wrong = wrong[:17] + ("0" if wrong[17] != "0" else "1")
    sql(system, "UPDATE member.members SET id_number = %s WHERE id = %s", fifteen, ids["旧号"])
    sql(system, "UPDATE member.members SET id_number = %s WHERE id = %s", wrong, ids["错号"])
    sql(system, "UPDATE member.members SET name = '' WHERE id = %s", ids["无名"])
    return {"branch": branch, "ids": ids, "fifteen": fifteen, "original": original}


def test_duplicate_id_numbers(system, rpc, legacy, root_id):
    result = rpc.call("member", "duplicate_ids", org_id=legacy["branch"]["id"], page=1, size=50)
    assert [m["name"] for m in result["items"]] == ["原号", "旧号"] and result["total"] == 2
    assert {m["person_key"] for m in result["items"]} == {legacy["original"][:17]}
    assert all(m["others_outside"] == 0 for m in result["items"])
    # The same person recorded again in another organization: counted there, not shown here.
    elsewhere = create_org(rpc, root_id, name="重复登记另一支部")
    twin = rpc.call("member", "create_member", data=member_data(elsewhere["id"], name="他处", id_number=id_number()))
    sql(system, "UPDATE member.members SET id_number = lower(%s) || 'x' WHERE id = %s", legacy["original"][:17],
        twin["id"])
    seen = rpc.call("member", "duplicate_ids", caller=Caller("dup", legacy["branch"]["path"]),
                    org_id=legacy["branch"]["id"])
    assert seen["total"] == 2 and [m["others_outside"] for m in seen["items"]] == [1, 1]
    there = rpc.call("member", "duplicate_ids", org_id=elsewhere["id"])
    assert [(m["name"], m["others_outside"]) for m in there["items"]] == [("他处", 2)]
    sql(system, "UPDATE member.members SET id_number = %s WHERE id = %s", id_number(), twin["id"])


def test_invalid_id_numbers(rpc, legacy):
    result = rpc.call("member", "invalid_ids", org_id=legacy["branch"]["id"], page=1, size=50)
    problems = {m["name"]: m["problem"] for m in result["items"]}
    assert problems == {"旧号": f"15位旧号码，应升级为18位：{legacy['original']}", "错号": "公民身份号码校验码错误"}


def test_incomplete_members_and_orgs(rpc, legacy, root_id):
    result = rpc.call("member", "incomplete_members", org_id=legacy["branch"]["id"], page=1, size=50)
    # by organization, then pinyin (无名's key is still that of the name it was created with: wu2ming2)
    assert [(m["id"], m["missing"]) for m in result["items"]] == [(legacy["ids"]["缺学历"], ["学历"]),
                                                                   (legacy["ids"]["无名"], ["姓名"])]
    # The branch was created with only the system-required items: the card's norm-required ones
    # (the same its 校核 lists) are missing.
    orgs = rpc.call("org", "incomplete_orgs", org_id=legacy["branch"]["id"], page=1, size=50)
    assert [(o["id"], o["missing"]) for o in orgs["items"]] == [
        (legacy["branch"]["id"], ["隶属关系", "成立日期", "联系人", "联系电话"])]
    error = remote_error(lambda: rpc.call("member", "invalid_ids", caller=Caller("x", legacy["branch"]["path"]),
                                          org_id=root_id))
    assert error.exc_type == "Forbidden"


def test_a_batch_skips_members_whose_record_fails_the_rules(rpc, legacy):
    data = {"query": {"org_id": legacy["branch"]["id"]}, "field": "ethnicity", "value": "回族"}
    preview = rpc.call("member", "preview_batch_change", data=data)
    problems = {p["id"]: p["problem"] for p in preview["items"] if p["problem"]}
    assert set(problems) == {legacy["ids"][name] for name in ("错号", "无名", "旧号")} and preview["changes"] == 3
    assert problems[legacy["ids"]["无名"]] == "须先在党员信息中更正：姓名：必填"
    assert problems[legacy["ids"]["旧号"]] == "须先在党员信息中更正：公民身份号码不是规范的形式"
    batch = rpc.call("member", "save_batch_change", data=data)
    assert batch["changed"] == 3 and {s["member_id"] for s in batch["skipped"]} == set(problems)
    rpc.call("member", "undo_batch_change", batch_id=batch["id"])
