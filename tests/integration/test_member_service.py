"""The member service through its real RPC entrypoints: validation, uniqueness, scope, paging,
and the event it writes to its outbox."""
import uuid
from datetime import date, datetime

import psycopg
import pytest

from services.shared.context import Caller
from tests.support.helpers import plain_dsn, remote_error, wait_for

from ..support.factories import code, id_number, member_data


def query(system, sql: str, *params) -> list:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute(sql, params).fetchall()


def counts(system) -> tuple[int, int]:
    """(member rows, member outbox rows)."""
    return (query(system, "SELECT count(*) FROM member.members")[0][0],
            query(system, "SELECT count(*) FROM member.outbox")[0][0])


def create_org(rpc, parent_id, type_="31", name="测试支部") -> dict:
    return rpc.call("org", "create_org", data={"name": name, "code": code(), "type": type_, "parent_id": parent_id})


def create_member(rpc, org_id, caller=None, **overrides) -> int:
    return rpc.call("member", "create_member", caller=caller, data=member_data(org_id, **overrides))["id"]


@pytest.fixture(scope="module")
def orgs(rpc, root_id) -> dict:
    """root ─ committee ─┬─ branch_a
                         └─ branch_b"""
    committee = create_org(rpc, root_id, type_="11", name="测试党委")
    return {"committee": committee,
            "a": create_org(rpc, committee["id"], name="测试甲支部"),
            "b": create_org(rpc, committee["id"], name="测试乙支部")}


# --- create ---------------------------------------------------------------------------------

def test_create_derives_sex_and_birth_date_from_id_number(rpc, orgs):
    """Sex and birth date are not typed in: they come from the ID number."""
    female = id_number(birth=date(1990, 3, 4), female=True)
    male = id_number(birth=date(1978, 12, 31), female=False)

    her = rpc.call("member", "get_member", member_id=create_member(rpc, orgs["a"]["id"], id_number=female))
    him = rpc.call("member", "get_member", member_id=create_member(rpc, orgs["a"]["id"], id_number=male))

    assert (her["sex"], her["sex_name"], her["birth_date"]) == ("2", "女", "1990-03-04")
    assert (him["sex"], him["sex_name"], him["birth_date"]) == ("1", "男", "1978-12-31")
    assert her["id_number"] == female
    assert her["org_id"] == orgs["a"]["id"] and her["org_path"] == orgs["a"]["path"]
    assert (her["status"], her["version"]) == ("active", 1)


def test_lowercase_check_character_is_stored_uppercase(rpc, orgs):
    """An ID number ending in x is the same number as one ending in X."""
    number = next(n for n in iter(id_number, None) if n.endswith("X"))
    member_id = create_member(rpc, orgs["a"]["id"], id_number=number.lower())
    assert rpc.call("member", "get_member", member_id=member_id)["id_number"] == number


@pytest.mark.parametrize("ethnicity, category, expected", [
    ("汉族", "正式党员", ("01", "汉族", "01", "正式党员")),
    ("回族", "预备党员", ("03", "回族", "02", "预备党员")),
    ("03", "02", ("03", "回族", "02", "预备党员")),
    ("56", "01", ("56", "基诺族", "01", "正式党员")),
    ("蒙古", "预备", ("02", "蒙古族", "02", "预备党员")),
])
def test_codes_accepted_as_names_or_codes_and_stored_as_codes(rpc, orgs, ethnicity, category, expected):
    member_id = create_member(rpc, orgs["a"]["id"], ethnicity=ethnicity, category=category)
    member = rpc.call("member", "get_member", member_id=member_id)
    assert (member["ethnicity"], member["ethnicity_name"], member["category"], member["category_name"]) == expected


def test_bad_check_digit_is_refused_on_id_number(system, rpc, orgs):
    valid = id_number()
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    before = counts(system)
    error = remote_error(lambda: create_member(rpc, orgs["a"]["id"], id_number=wrong))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"id_number": "公民身份号码校验码错误"}
    assert counts(system) == before


def test_every_bad_field_is_reported_at_once(system, rpc, orgs):
    """A form shows all its mistakes after one submit, not one at a time."""
    before = counts(system)
    error = remote_error(lambda: create_member(rpc, orgs["a"]["id"], name="  ", id_number="12345",
                                               ethnicity="火星族", category="群众", joined_on="2010/07/01"))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {
        "name": "必填",
        "id_number": "公民身份号码应为18位",
        "ethnicity": "未知的民族：火星族",
        "category": "未知的党员类别：群众",
        "joined_on": "日期格式应为YYYY-MM-DD",
    }
    assert error.exc_args[0].startswith("党员信息有误")
    assert counts(system) == before


def test_joining_before_18_is_refused(rpc, orgs):
    """党章: members join at 18 or older; checked against the birth date in the ID number."""
    error = remote_error(lambda: create_member(rpc, orgs["a"]["id"], id_number=id_number(birth=date(2000, 5, 1)),
                                               joined_on="2018-04-30"))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"joined_on": "入党时未满18周岁"}


@pytest.mark.parametrize("org_id, field_message", [(None, "必填"), ("abc", "应为党组织编号")])
def test_missing_or_malformed_org_is_a_validation_error(rpc, org_id, field_message):
    error = remote_error(lambda: rpc.call("member", "create_member", data=member_data(org_id)))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"org_id": field_message}


def test_unknown_org_is_a_validation_error_on_org_id(system, rpc):
    """Like an unknown parent in create_org: the body names something that does not exist."""
    before = counts(system)
    error = remote_error(lambda: create_member(rpc, 10**12))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"org_id": "党组织不存在"}
    assert counts(system) == before


def test_duplicate_id_number_in_another_org_is_a_conflict(system, rpc, orgs):
    """An ID number is registered once in the whole province; a second try writes nothing."""
    number = id_number()
    first = create_member(rpc, orgs["a"]["id"], id_number=number, name="张三")
    before = counts(system)

    error = remote_error(lambda: create_member(rpc, orgs["b"]["id"], id_number=number, name="张三"))

    assert error.exc_type == "Conflict"
    assert error.exc_args[1] == {"id_number": "该公民身份号码已存在"}
    assert number in error.exc_args[0] and "不能重复录入" in error.exc_args[0]
    assert counts(system) == before
    assert query(system, "SELECT id, org_id FROM member.members WHERE id_number = %s", number) == \
        [(first, orgs["a"]["id"])]
    assert rpc.call("member", "list_members", org_id=orgs["b"]["id"])["total"] == 0


# --- scope ----------------------------------------------------------------------------------

def test_create_in_org_outside_scope_is_forbidden_and_writes_nothing(system, rpc, orgs):
    """A caller bound to branch A cannot add members to branch B (the service checks, not the gateway)."""
    caller = Caller(user_id="scoped", scope_path=orgs["a"]["path"])
    number = id_number()
    before = counts(system)

    error = remote_error(lambda: create_member(rpc, orgs["b"]["id"], caller=caller, id_number=number))

    assert error.exc_type == "Forbidden"
    assert counts(system) == before
    assert query(system, "SELECT id FROM member.members WHERE id_number = %s", number) == []
    # The same caller may add members to its own branch.
    assert create_member(rpc, orgs["a"]["id"], caller=caller, id_number=number)


def test_get_member_outside_scope_is_forbidden(rpc, orgs):
    member_id = create_member(rpc, orgs["b"]["id"])
    outsider = Caller(user_id="scoped", scope_path=orgs["a"]["path"])
    error = remote_error(lambda: rpc.call("member", "get_member", caller=outsider, member_id=member_id))
    assert error.exc_type == "Forbidden"
    # Callers above the branch see it.
    above = Caller(user_id="scoped", scope_path=orgs["committee"]["path"])
    assert rpc.call("member", "get_member", caller=above, member_id=member_id)["id"] == member_id


def test_list_members_outside_scope_is_forbidden(rpc, orgs):
    outsider = Caller(user_id="scoped", scope_path=orgs["a"]["path"])
    error = remote_error(lambda: rpc.call("member", "list_members", caller=outsider, org_id=orgs["b"]["id"]))
    assert error.exc_type == "Forbidden"


def test_get_unknown_member_is_not_found(rpc):
    assert remote_error(lambda: rpc.call("member", "get_member", member_id=10**12)).exc_type == "NotFound"


# --- lists ------------------------------------------------------------------------------------

def test_list_members_pages(rpc, orgs):
    """Pages are ordered by name, carry the total, and never overlap."""
    branch = create_org(rpc, orgs["committee"]["id"])
    ids = [create_member(rpc, branch["id"], name=name) for name in ("测试党员3", "测试党员1", "测试党员2")]
    create_member(rpc, orgs["a"]["id"], name="测试党员1")  # another branch: not listed

    page1 = rpc.call("member", "list_members", org_id=branch["id"], page=1, size=2)
    page2 = rpc.call("member", "list_members", org_id=branch["id"], page=2, size=2)
    page3 = rpc.call("member", "list_members", org_id=branch["id"], page=3, size=2)

    assert (page1["total"], page1["page"], page1["size"]) == (3, 1, 2)
    assert (page2["total"], page2["page"], page2["size"]) == (3, 2, 2)
    assert [m["id"] for m in page1["items"] + page2["items"]] == [ids[1], ids[2], ids[0]]
    assert len(page1["items"]) == 2 and len(page2["items"]) == 1
    assert page3["items"] == [] and page3["total"] == 3
    assert rpc.call("member", "list_members", org_id=branch["id"])["size"] == 50


@pytest.mark.parametrize("page, size", [(0, 10), (-1, 10), (1, 0), (1, 201), ("x", 10)])
def test_list_members_bad_page_is_a_validation_error(rpc, orgs, page, size):
    error = remote_error(lambda: rpc.call("member", "list_members", org_id=orgs["a"]["id"], page=page, size=size))
    assert error.exc_type == "ValidationFailed"
    assert "page" in error.exc_args[1]


# --- the event ------------------------------------------------------------------------------

def test_create_writes_member_created_event_and_relay_sends_it(system, rpc, orgs):
    """The outbox row carries rule 3's envelope, with the counted facts after (none before),
    and the relay marks it sent once published."""
    number = id_number(birth=date(1988, 8, 8), female=True)
    started = datetime.now().astimezone()
    member_id = create_member(rpc, orgs["a"]["id"], caller=Caller("clerk-7", "/", "req-42"), id_number=number,
                              ethnicity="回族", category="预备党员", joined_on="2015-07-01")

    rows = query(system, "SELECT event_id, event_type, envelope FROM member.outbox "
                         "WHERE envelope->>'aggregate_id' = %s", str(member_id))
    assert len(rows) == 1
    event_id, event_type, envelope = rows[0]
    assert event_type == "member_created"
    assert envelope["event_id"] == str(event_id) and uuid.UUID(envelope["event_id"])
    assert envelope["type"] == "member_created"
    assert envelope["aggregate_id"] == str(member_id)
    assert envelope["aggregate_version"] == 1
    occurred = datetime.fromisoformat(envelope["occurred_at"])
    assert occurred.tzinfo is not None and abs((occurred - started).total_seconds()) < 30
    assert envelope["actor"] == "clerk-7"
    assert envelope["request_id"] == "req-42"
    payload = envelope["payload"]
    assert payload["member_id"] == member_id
    assert payload["before"] is None
    assert payload["after"] == {"org_id": orgs["a"]["id"], "status": "active", "sex": "2", "category": "02",
                                "ethnicity": "03", "birth_date": "1988-08-08", "joined_on": "2015-07-01",
                                "leave_kind": None, "left_on": None, "org_path": orgs["a"]["path"],
                                "education": None, "occupation": None, "full_on": None, "evaluations": {},
                                "absences": [], "name": "测试党员"}

    sent_at = wait_for(lambda: query(system, "SELECT sent_at FROM member.outbox WHERE event_id = %s", event_id)[0][0],
                       lambda value: value is not None, timeout=10, what="the relay to mark the event sent")
    assert sent_at >= occurred
