"""Module rights (services/shared/rights.py) and the map of every RPC's right (issue 16)."""
import importlib
import inspect
from types import SimpleNamespace

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc

from services.shared import rights as r
from services.shared.checked_rpc import CheckedRpc
from services.shared.context import Caller, decode_rights, encode_rights
from services.shared.errors import Forbidden
from services.shared.service_list import SERVICES


def service_class(name: str):
    module = importlib.import_module(f"services.{name}.service")
    return next(v for v in vars(module).values()
                if inspect.isclass(v) and v.__module__ == module.__name__ and getattr(v, "name", None) == name)


def rpc_entrypoints(cls):
    """{method name: [entrypoint, …]} of every nameko RPC entrypoint of the class (inherited too)."""
    found = {}
    for attr in dir(cls):
        for entrypoint in getattr(getattr(cls, attr), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, Rpc):
                found.setdefault(attr, []).append(entrypoint)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_rpc_is_checked_and_in_the_map(service):
    entrypoints = rpc_entrypoints(service_class(service))
    assert len(entrypoints) > 5
    unchecked = [m for m, eps in entrypoints.items() if not all(isinstance(e, CheckedRpc) for e in eps)]
    assert unchecked == [], f"{service}: use services.shared.checked_rpc.rpc for {unchecked}"
    missing = sorted(set(entrypoints) - set(r.RPC_RIGHTS[service]))
    assert missing == [], f"{service}: add to RPC_RIGHTS: {missing}"
    stale = sorted(set(r.RPC_RIGHTS[service]) - set(entrypoints))
    assert stale == [], f"{service}: RPC_RIGHTS names methods that do not exist: {stale}"
    for method in entrypoints:
        spec = r.needed(service, method)
        assert spec in (r.PUBLIC, r.SIGNED_IN) or all(m in r.MODULES and lv in r.LEVELS for m, lv in spec)


def test_only_health_and_logging_in_are_public():
    public = {(s, m) for s, methods in r.RPC_RIGHTS.items() for m, spec in methods.items() if spec == r.PUBLIC}
    assert public == {(s, "health") for s in SERVICES} | {("org", "authenticate"), ("org", "resolve_session")}


def test_levels_are_ordered():
    rights = {"dues": "write", "transfer": "approve", "daily": "read"}
    assert r.allows(rights, "dues", "read") and r.allows(rights, "dues", "write")
    assert not r.allows(rights, "dues", "approve")
    assert all(r.allows(rights, "transfer", level) for level in r.LEVELS)
    assert r.allows(rights, "daily", "read") and not r.allows(rights, "daily", "write")
    assert not r.allows(rights, "mobility", "read") and not r.allows({}, "dues", "read")
    assert not r.allows(None, "dues", "read") and not r.allows({"dues": "owner"}, "dues", "read")


def test_builtin_roles():
    admin, business, read_only = (r.BUILTIN_ROLES[n] for n in (r.ADMIN_ROLE, r.BUSINESS_ROLE, r.READ_ONLY_ROLE))
    assert all(r.allows(admin, m, "approve") for m in r.MODULES)
    assert all(r.allows(business, m, "approve") for m in r.BUSINESS) and not r.allows(business, "system", "read")
    assert all(r.allows(read_only, m, "read") and not r.allows(read_only, m, "write") for m in r.MODULES)


def test_nobody_grants_what_they_do_not_hold():
    clerk = {"dues": "approve", "daily": "read"}
    assert r.exceeding(clerk, {"dues": "write"}) == []
    assert r.exceeding(clerk, {"dues": "approve", "daily": "write", "transfer": "read"}) == ["daily", "transfer"]
    assert r.exceeding(r.BUILTIN_ROLES[r.ADMIN_ROLE], r.BUILTIN_ROLES[r.ADMIN_ROLE]) == []
    assert r.exceeding(r.BUILTIN_ROLES[r.BUSINESS_ROLE], r.BUILTIN_ROLES[r.ADMIN_ROLE]) == ["system"]


def test_submitted_rights_are_checked():
    assert r.rights_problems({"dues": "write"}) == {}
    assert set(r.rights_problems({"dues": "all", "cash": "read"})) == {"rights.dues", "rights.cash"}
    assert r.rights_problems({}) and r.rights_problems("dues")


def test_the_refusal_names_the_module_in_chinese():
    assert r.refusal("dues", "write") == "无权操作：本账号没有“党费”模块的写权限"
    assert r.missing_right({"dues": "write"}, "transfer", "apply") == "无权操作：本账号没有“关系接转”模块的写权限"
    assert r.missing_right({"dues": "write"}, "dues", "record_payments") is None
    assert r.missing_right({}, "org", "get_org") is None  # the tree everyone navigates
    assert r.missing_right(r.ALL_RIGHTS, "dues", "no_such_method")  # not in the map: refused
    assert r.missing_right({"daily": "write"}, "media", "begin_upload") is None  # a member photo …
    assert r.missing_right({"orglife": "write"}, "media", "begin_upload") is None  # … or a meeting's file
    assert r.missing_right({"dues": "approve"}, "media", "begin_upload")


def test_rights_travel_as_one_string_and_fail_closed():
    caller = Caller("7", "/1/", rights={"dues": "write", "daily": "read"})
    data = caller.as_context_data()
    assert data["rights"] == "daily:read,dues:write"
    assert Caller.from_context_data(data).rights == {"daily": "read", "dues": "write"}
    assert decode_rights(None) == {} and decode_rights("dues:owner,x:read") == {}
    assert Caller.from_context_data({"scope_path": "/1/"}).rights == {}  # nothing said: no right
    assert encode_rights(Caller.system().rights).count(":approve") == len(r.MODULES)


def test_require_right_speaks_chinese():
    caller = Caller("7", "/1/", rights={"dues": "write"})
    caller.require_right("dues", "write")
    with pytest.raises(Forbidden, match="没有“关系接转”模块的查看权限"):
        caller.require_right("transfer", "read")
    Caller.system().require_right("system", "approve")


def checked(service: str, method: str) -> CheckedRpc:
    entrypoint = CheckedRpc()
    entrypoint.container = SimpleNamespace(service_name=service)
    entrypoint.method_name = method
    return entrypoint


def test_the_entrypoint_checks_before_any_worker():
    clerk = Caller("7", "/1/", rights={"dues": "write"}).as_context_data()
    checked("dues", "record_payments").check_right(clerk)
    with pytest.raises(Forbidden, match="关系接转"):
        checked("transfer", "apply").check_right(clerk)
    with pytest.raises(Forbidden, match="审批"):
        checked("dues", "approve_exemption").check_right(clerk)
    with pytest.raises(Forbidden, match="未登记"):
        checked("dues", "not_mapped").check_right(Caller.system().as_context_data())
    with pytest.raises(Forbidden, match="权限范围"):  # no scope at all
        checked("org", "get_org").check_right({"request_id": "x"})
    checked("org", "resolve_session").check_right({"request_id": "x"})
    checked("org", "get_org").check_right(clerk)
    with pytest.raises(Forbidden):  # trusted tools only
        checked("member", "facts_page").check_right(clerk)
    # Asked by another PMIS service inside an operation authorized where it entered.
    checked("member", "list_members").check_right({**clerk, "call_id_stack": ["dues.create_base_import.1"]})
    with pytest.raises(Forbidden):  # a standalone client is checked like the gateway
        checked("member", "list_members").check_right({**clerk, "call_id_stack": ["standalone_rpc_proxy.call.1"]})
