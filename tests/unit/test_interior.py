"""One interior per service (issue 9 §4): a service's read side and write side share its
`store.py` (loading, locking, views, writing a change with its history), never each other.
Checked by walking the imports of every service's modules."""
from pathlib import Path

import pytest

from services.shared.service_list import SERVICES
from tests.support.import_walk import ROOT, imports

# The one classification. Read side: read paths and read views (lists, search, history,
# supervision, name lists). Write side: use cases that change data. Anything else (store,
# models, domain, events, service, org_events, storage…) belongs to neither and may be imported
# by both.
READ_VIEWS = ("supervision", "name_lists", "history")
WRITE_SIDE = ("commands", "cards", "moves", "batch_add", "batch_changes", "imports", "accounts", "sessions",
              "applicants", "applicant_imports", "development", "meetings", "attachments")


def side(module: str) -> str | None:
    """"read", "write" or None for a module's last name ("queries", "card_queries", "store")."""
    if module == "queries" or module.endswith("_queries") or module in READ_VIEWS:
        return "read"
    if module in WRITE_SIDE:
        return "write"
    return None


def crossings(path: Path, source: str | None = None) -> list[str]:
    """The modules of `path`'s own service that `path` imports from the other side."""
    service, home = path.parent.name, side(path.stem)
    if home is None:
        return []
    found = []
    for name in imports(path, source):
        parts = name.split(".")
        if len(parts) == 3 and parts[:2] == ["services", service] and side(parts[2]) not in (None, home):
            found.append(f"services/{service}/{path.name} ({home} side) imports {name}")
    return found


def modules(service: str) -> list[Path]:
    return sorted((ROOT / "services" / service).glob("*.py"))


@pytest.mark.parametrize("service", SERVICES)
def test_read_and_write_sides_share_only_the_store(service):
    assert [problem for path in modules(service) for problem in crossings(path)] == []


@pytest.mark.parametrize("module", ["accounts.py", "sessions.py"])
def test_org_accounts_and_sessions_import_only_the_store_of_the_org_service(module):
    """Accounts and sessions are their own modules: of the org service they use only store, their
    own domain rule and password hashing (and the tables) — not each other; and the 操作日志's
    recorder, which every write of the service uses."""
    allowed = ("services.org", "services.org.store", "services.org.models", "services.org.passwords",
               "services.org.audit")
    own = [name for name in imports(ROOT / "services" / "org" / module) if name.startswith("services.org")]
    assert own and [name for name in own if name not in allowed and not name.startswith("services.org.domain")] == []


@pytest.mark.parametrize("module, expected", [
    ("queries", "read"), ("card_queries", "read"), ("member_queries", "read"), ("name_lists", "read"),
    ("history", "read"), ("supervision", "read"), ("commands", "write"), ("batch_changes", "write"),
    ("accounts", "write"), ("sessions", "write"), ("batch_add", "write"), ("store", None), ("service", None),
    ("models", None), ("sweeper", None),
])
def test_the_classification(module, expected):
    assert side(module) == expected


@pytest.mark.parametrize("path, line", [
    ("services/org/queries.py", "from .commands import load_org"),
    ("services/org/card_queries.py", "from . import cards"),
    ("services/member/commands.py", "from services.member.queries import member_view"),
    ("services/org/accounts.py", "from .supervision import incomplete_orgs"),
])
def test_the_walk_finds_a_crossing(path, line):
    assert crossings(ROOT / path, line) != []


@pytest.mark.parametrize("path, line", [
    ("services/org/queries.py", "from .store import load_org, org_view"),
    ("services/org/cards.py", "from .store import save_org"),
    ("services/org/card_queries.py", "from .queries import card_entries"),  # read to read
    ("services/org/imports.py", "from .commands import create_org"),  # write to write
    ("services/org/queries.py", "from services.media.queries import member_photo"),  # another service: test_contracts
    ("services/org/service.py", "from . import commands, queries"),  # the entrypoint adapts both
])
def test_the_walk_allows_the_store_and_one_side(path, line):
    assert crossings(ROOT / path, line) == []
