"""The seams between services, checked by walking every import (issue 9 §4):
- a service imports another service's `contract.py` at most, never its other modules;
- services/shared depends on no service;
- a `domain/` module imports no I/O (database, messaging, storage, HTTP) and no models;
- the gateway imports only contracts and services/shared."""
import pytest

from services.shared.service_list import SERVICES
from tests.support.import_walk import ROOT, imports, module_name, sources

IO_MODULES = ("sqlalchemy", "psycopg", "nameko", "kombu", "aio_pika", "amqp", "eventlet", "minio", "httpx",
              "starlette", "alembic", "boto3", "requests")


def owner(name: str) -> str | None:
    """The service a module name belongs to (None for shared and non-service modules)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" and parts[1] in SERVICES else None


def allowed_from_outside(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 3 and parts[2] == "contract" or len(parts) == 2  # the contract (or the package)


def crossings(paths, allowed) -> list[str]:
    problems = []
    for path in paths:
        for name in imports(path):
            if not allowed(path, name):
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    return problems


def test_a_service_imports_no_other_service_except_its_contract():
    def allowed(path, name):
        home, target = owner(module_name(path)), owner(name)
        return target is None or target == home or allowed_from_outside(name)
    assert crossings(sources("services"), allowed) == []


def test_shared_code_depends_on_no_service():
    assert crossings(sources("services/shared"), lambda path, name: owner(name) is None) == []


def test_domain_modules_do_no_io():
    domains = [p for p in sources("services") if "domain" in p.relative_to(ROOT).parts]
    assert domains, "no domain modules found"

    def allowed(path, name):
        root = name.split(".")[0]
        return root not in IO_MODULES and not name.endswith(".models") and ".messaging" not in name \
            and name not in ("services.shared.db", "services.shared.greenpg")
    assert crossings(domains, allowed) == []


def test_the_gateway_imports_only_contracts_and_shared():
    assert crossings(sources("gateway"), lambda path, name: owner(name) is None or allowed_from_outside(name)) == []


@pytest.mark.parametrize("line, expected", [
    ("from services.member.domain import status", "services.member.domain"),
    ("from ..models import members", "services.member.models"),
    ("from . import rules", "services.member.domain.rules"),
    ("import sqlalchemy.orm", "sqlalchemy.orm"),
])
def test_the_walk_sees_through_relative_imports(line, expected):
    """The walker itself: a crossing written any of these ways is seen."""
    assert expected in imports(ROOT / "services" / "member" / "domain" / "probe.py", line)


def test_the_walk_finds_a_crossing():
    path = ROOT / "gateway" / "api" / "probe.py"
    found = [name for name in imports(path, "from services.member.commands import create_member")
             if not (owner(name) is None or allowed_from_outside(name))]
    assert found == ["services.member.commands"]
    assert allowed_from_outside("services.member.contract")
