"""The org service through its real RPC entrypoints: the organization tree, scope checks and
staff accounts."""
import psycopg
import pytest

from services.shared.context import Caller
from tests.support.helpers import plain_dsn, remote_error

from ..support.factories import code

PASSWORD = "Good#Pass2026"


def count_rows(system, table: str) -> int:
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def create(rpc, parent_id, type_="11", name="测试党委", caller=None, **extra) -> dict:
    data = {"name": name, "code": code(), "type": type_, "parent_id": parent_id, **extra}
    return {**rpc.call("org", "create_org", caller=caller, data=data), "code": data["code"]}


def scoped(org: dict) -> Caller:
    return Caller(user_id="scoped-user", scope_path=org["path"])


def username() -> str:
    return f"u{code().lower()}"


# --- the tree -----------------------------------------------------------------------------

def test_create_org_under_parent_sets_path_and_version_1(rpc, root_id):
    """A new organization hangs under its parent: path = parent path + own id, version 1."""
    parent = rpc.call("org", "get_org", org_id=root_id)
    created = create(rpc, root_id, name="测试新建党委")

    assert created["path"] == f"{parent['path']}{created['id']}/"
    org = rpc.call("org", "get_org", org_id=created["id"])
    assert org["name"] == "测试新建党委"
    assert org["code"] == created["code"]
    assert org["type"] == "11" and org["type_name"] == "党委"
    assert org["parent_id"] == root_id and org["parent_name"] == parent["name"]
    assert org["version"] == 1


def test_org_type_accepts_chinese_name(rpc, root_id):
    """The type may be given by name; it is stored as its code."""
    created = create(rpc, root_id, type_="党总支")
    assert rpc.call("org", "get_org", org_id=created["id"])["type"] == "21"


def test_unknown_parent_is_a_validation_error_on_parent_id(rpc):
    """A parent that does not exist is bad input, reported on the parent_id field."""
    error = remote_error(lambda: create(rpc, 10**12))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1]["parent_id"] == "上级党组织不存在"


def test_branch_cannot_have_children(rpc, root_id):
    """Branches (党支部, type 31) are leaves of the tree."""
    branch = create(rpc, root_id, type_="31", name="测试支部")
    error = remote_error(lambda: create(rpc, branch["id"], type_="31"))
    assert error.exc_type == "ValidationFailed"
    assert "parent_id" in error.exc_args[1]
    assert "党支部不能设立下级党组织" in error.exc_args[0]
    assert rpc.call("org", "children", org_id=branch["id"]) == []


def test_duplicate_code_is_a_conflict_and_writes_nothing(rpc, root_id):
    """Organization codes are unique; a second use is refused and no second row appears."""
    parent = create(rpc, root_id)
    first = create(rpc, parent["id"], name="测试甲")
    data = {"name": "测试乙", "code": first["code"], "type": "31", "parent_id": parent["id"]}

    error = remote_error(lambda: rpc.call("org", "create_org", data=data))
    assert error.exc_type == "Conflict"
    assert error.exc_args[1] == {"code": "代码已存在"}
    assert first["code"] in error.exc_args[0]
    children = rpc.call("org", "children", org_id=parent["id"])
    assert [(c["id"], c["code"], c["name"]) for c in children] == [(first["id"], first["code"], "测试甲")]


@pytest.mark.parametrize("failure", ["duplicate_code", "unknown_parent", "branch_parent", "bad_fields"])
def test_failed_create_leaves_no_outbox_row(system, rpc, root_id, failure):
    """A refused change writes no event (change and event commit together, or neither)."""
    parent = create(rpc, root_id)
    branch = create(rpc, parent["id"], type_="31")
    data = {
        "duplicate_code": {"name": "测试", "code": branch["code"], "type": "31", "parent_id": parent["id"]},
        "unknown_parent": {"name": "测试", "code": code(), "type": "31", "parent_id": 10**12},
        "branch_parent": {"name": "测试", "code": code(), "type": "31", "parent_id": branch["id"]},
        "bad_fields": {"name": "", "code": "含中文", "type": "99", "parent_id": parent["id"]},
    }[failure]
    outbox_before, orgs_before = count_rows(system, "org.outbox"), count_rows(system, "org.orgs")

    error = remote_error(lambda: rpc.call("org", "create_org", data=data))

    assert error.exc_type in ("Conflict", "ValidationFailed")
    assert count_rows(system, "org.outbox") == outbox_before
    assert count_rows(system, "org.orgs") == orgs_before


def test_successful_create_writes_one_outbox_row(system, rpc, root_id):
    """The counterpart of the above: a create does write its org_created event (and its audit entry)."""
    before = count_rows(system, "org.outbox")
    created = create(rpc, root_id)
    with psycopg.connect(plain_dsn(system)) as conn:
        rows = conn.execute("SELECT event_type, envelope FROM org.outbox WHERE envelope->>'aggregate_id' = %s",
                            (str(created["id"]),)).fetchall()
    assert count_rows(system, "org.outbox") == before + 2  # and its 操作日志 entry (docs/AUDIT.md)
    assert [(t, e["aggregate_version"], e["payload"]["path"]) for t, e in rows] == \
        [("org_created", 1, created["path"])]
    with psycopg.connect(plain_dsn(system)) as conn:
        audit = conn.execute("SELECT envelope->'payload' FROM org.outbox WHERE envelope->>'aggregate_id' = %s",
                             (f"audit:org:{created['id']}",)).fetchall()
    assert [(p["action"], p["org_path"]) for p, in audit] == [("新建", created["path"])]


def test_rename_bumps_version(rpc, root_id):
    """Every change raises the organization's version (consumers order events by it)."""
    created = create(rpc, root_id, name="测试旧名")
    renamed = rpc.call("org", "rename_org", org_id=created["id"], name="  测试新名  ")
    assert renamed == {"id": created["id"], "name": "测试新名", "version": 2}
    org = rpc.call("org", "get_org", org_id=created["id"])
    assert (org["name"], org["version"]) == ("测试新名", 2)
    assert rpc.call("org", "rename_org", org_id=created["id"], name="测试三名")["version"] == 3


def test_rename_with_blank_name_is_refused(rpc, root_id):
    """A blank name is a validation error on the name field and changes nothing."""
    created = create(rpc, root_id, name="测试原名")
    error = remote_error(lambda: rpc.call("org", "rename_org", org_id=created["id"], name="   "))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"name": "必填"}
    org = rpc.call("org", "get_org", org_id=created["id"])
    assert (org["name"], org["version"]) == ("测试原名", 1)


def test_children_lists_has_children(rpc, root_id):
    """children() returns direct children only, each saying whether it has children itself."""
    parent = create(rpc, root_id)
    with_kids = create(rpc, parent["id"], type_="21", name="测试总支")
    grandchild = create(rpc, with_kids["id"], type_="31", name="测试支部一")
    leaf = create(rpc, parent["id"], type_="31", name="测试支部二")

    listed = {c["id"]: c for c in rpc.call("org", "children", org_id=parent["id"])}
    assert set(listed) == {with_kids["id"], leaf["id"]}
    assert listed[with_kids["id"]]["has_children"] is True
    assert listed[leaf["id"]]["has_children"] is False
    assert listed[leaf["id"]]["parent_name"] == "测试党委"
    assert [c["id"] for c in rpc.call("org", "children", org_id=with_kids["id"])] == [grandchild["id"]]


def test_unknown_org_is_not_found(rpc):
    error = remote_error(lambda: rpc.call("org", "get_org", org_id=10**12))
    assert error.exc_type == "NotFound"


# --- scope ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(rpc, root_id) -> dict:
    """root ─ parent ─┬─ a ─ a_child ─ a_grandchild
                      └─ b"""
    parent = create(rpc, root_id, name="测试上级")
    a = create(rpc, parent["id"], name="测试甲委")
    b = create(rpc, parent["id"], name="测试乙委")
    a_child = create(rpc, a["id"], type_="21", name="测试甲总支")
    a_grandchild = create(rpc, a_child["id"], type_="31", name="测试甲支部")
    return {"parent": parent, "a": a, "b": b, "a_child": a_child, "a_grandchild": a_grandchild}


@pytest.mark.parametrize("method", ["get_org", "children", "org_path"])
@pytest.mark.parametrize("target", ["b", "parent", "root"])
def test_scoped_caller_cannot_read_outside_subtree(rpc, root_id, tree, method, target):
    """A caller bound to org A gets Forbidden for a sibling, its parent and the root."""
    org_id = root_id if target == "root" else tree[target]["id"]
    error = remote_error(lambda: rpc.call("org", method, caller=scoped(tree["a"]), org_id=org_id))
    assert error.exc_type == "Forbidden"
    assert "不在本账号的管理范围内" in error.exc_args[0]


def test_scoped_caller_cannot_read_root(rpc, tree):
    error = remote_error(lambda: rpc.call("org", "root", caller=scoped(tree["a"])))
    assert error.exc_type == "Forbidden"


def test_scoped_caller_reads_own_subtree(rpc, tree):
    """A caller bound to org A reads A and everything below it."""
    caller = scoped(tree["a"])
    for name in ("a", "a_child", "a_grandchild"):
        assert rpc.call("org", "get_org", caller=caller, org_id=tree[name]["id"])["id"] == tree[name]["id"]
    assert [c["id"] for c in rpc.call("org", "children", caller=caller, org_id=tree["a"]["id"])] == \
        [tree["a_child"]["id"]]
    assert [c["id"] for c in rpc.call("org", "children", caller=caller, org_id=tree["a_child"]["id"])] == \
        [tree["a_grandchild"]["id"]]


def test_breadcrumbs_hide_ancestors_outside_scope(rpc, root_id, tree):
    """get_org's ancestors list only the ancestors the caller may see."""
    deep = tree["a_grandchild"]["id"]
    scoped_view = rpc.call("org", "get_org", caller=scoped(tree["a"]), org_id=deep)
    assert [a["id"] for a in scoped_view["ancestors"]] == [tree["a"]["id"], tree["a_child"]["id"]]
    full_view = rpc.call("org", "get_org", org_id=deep)
    assert [a["id"] for a in full_view["ancestors"]] == \
        [root_id, tree["parent"]["id"], tree["a"]["id"], tree["a_child"]["id"]]


def test_scoped_caller_cannot_create_under_sibling(system, rpc, tree):
    """Creating is scope-checked on the parent, and a refused create writes nothing."""
    before = count_rows(system, "org.outbox")
    error = remote_error(lambda: create(rpc, tree["b"]["id"], caller=scoped(tree["a"])))
    assert error.exc_type == "Forbidden"
    assert count_rows(system, "org.outbox") == before
    assert rpc.call("org", "children", org_id=tree["b"]["id"]) == []


def test_scoped_caller_creates_inside_subtree(rpc, tree):
    created = create(rpc, tree["a_child"]["id"], type_="31", caller=scoped(tree["a"]))
    assert created["path"].startswith(tree["a"]["path"])


def test_call_without_scope_is_forbidden(rpc, root_id):
    """A call that carries no scope gets nothing (the service checks, not only the gateway)."""
    error = remote_error(lambda: rpc.call("org", "get_org", caller=Caller(user_id="x", scope_path=""),
                                          org_id=root_id))
    assert error.exc_type == "Forbidden"


# --- accounts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("Sh#1", "密码长度不能少于8位"),
    ("alllowercase1", "密码须包含小写字母、大写字母、数字、符号中的至少三类"),
])
def test_create_account_enforces_password_policy(rpc, tree, password, message):
    error = remote_error(lambda: rpc.call("org", "create_account", username=username(), password=password,
                                          org_id=tree["a"]["id"]))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"password": message}


def test_create_account_password_must_not_contain_username(rpc, tree):
    name = username()
    error = remote_error(lambda: rpc.call("org", "create_account", username=name, password=f"X#{name}9",
                                          org_id=tree["a"]["id"]))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"password": "密码不能包含用户名"}


def test_create_account_duplicate_username_is_a_conflict(rpc, tree):
    name = username()
    rpc.call("org", "create_account", username=name, password=PASSWORD, org_id=tree["a"]["id"])
    error = remote_error(lambda: rpc.call("org", "create_account", username=f" {name} ", password=PASSWORD,
                                          org_id=tree["b"]["id"]))
    assert error.exc_type == "Conflict"
    assert error.exc_args[1] == {"username": "用户名已存在"}
    # The first account is untouched: still bound to A.
    assert rpc.call("org", "authenticate", username=name, password=PASSWORD)["org_id"] == tree["a"]["id"]


def test_create_account_outside_scope_is_forbidden(rpc, tree):
    """A staff member bound to A cannot create accounts for sibling B (nor for A's parent)."""
    name = username()
    for target in ("b", "parent"):
        error = remote_error(lambda: rpc.call("org", "create_account", caller=scoped(tree["a"]), username=name,
                                              password=PASSWORD, org_id=tree[target]["id"]))
        assert error.exc_type == "Forbidden"
    assert remote_error(lambda: rpc.call("org", "authenticate", username=name, password=PASSWORD)).exc_type == \
        "Unauthorized"
    created = rpc.call("org", "create_account", caller=scoped(tree["a"]), username=name, password=PASSWORD,
                       org_id=tree["a_child"]["id"])
    assert created["org_id"] == tree["a_child"]["id"]


def test_new_account_must_change_password(rpc, tree):
    """A new account logs in with its scope = its organization's path, and must change its password."""
    name = username()
    created = rpc.call("org", "create_account", username=name, password=PASSWORD, org_id=tree["a"]["id"])
    session = rpc.call("org", "authenticate", username=name, password=PASSWORD)
    assert session["account_id"] == created["id"]
    assert session["username"] == name
    assert session["org_id"] == tree["a"]["id"] and session["org_name"] == "测试甲委"
    assert session["scope_path"] == tree["a"]["path"]
    assert session["must_change_password"] is True
    assert session["password_expired"] is False


@pytest.mark.parametrize("who", ["wrong_password", "unknown_user"])
def test_authenticate_refuses_wrong_credentials(rpc, tree, who):
    """A wrong password and an unknown user get the same answer (no username probing)."""
    name = username()
    rpc.call("org", "create_account", username=name, password=PASSWORD, org_id=tree["a"]["id"])
    wrong = {"wrong_password": (name, PASSWORD + "x"), "unknown_user": (name + "zz", PASSWORD)}[who]
    error = remote_error(lambda: rpc.call("org", "authenticate", username=wrong[0], password=wrong[1]))
    assert error.exc_type == "Unauthorized"
    assert error.exc_args[0] == "用户名或密码错误"


def test_change_password(rpc, tree):
    """The old password is checked; success clears must_change_password and retires the old one."""
    name = username()
    account = rpc.call("org", "create_account", username=name, password=PASSWORD, org_id=tree["a"]["id"])
    new_password = "Fresh#Pass2027"

    error = remote_error(lambda: rpc.call("org", "change_password", account_id=account["id"],
                                          old_password="Not#The0ld", new_password=new_password))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"old_password": "原密码不正确"}
    assert rpc.call("org", "authenticate", username=name, password=PASSWORD)["must_change_password"] is True

    error = remote_error(lambda: rpc.call("org", "change_password", account_id=account["id"],
                                          old_password=PASSWORD, new_password=PASSWORD))
    assert error.exc_type == "ValidationFailed"
    assert error.exc_args[1] == {"new_password": "新密码不能与旧密码相同"}

    session = rpc.call("org", "change_password", account_id=account["id"], old_password=PASSWORD,
                       new_password=new_password)
    assert session["must_change_password"] is False
    assert rpc.call("org", "authenticate", username=name, password=new_password)["must_change_password"] is False
    error = remote_error(lambda: rpc.call("org", "authenticate", username=name, password=PASSWORD))
    assert error.exc_type == "Unauthorized"
