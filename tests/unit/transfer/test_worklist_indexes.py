"""The work lists' partial index covers exactly the states the lists call unfinished: were they to
drift apart, PostgreSQL could no longer use the index for the province's lists and counts (they
would read every wide transfer row again) — or, narrower, would miss nothing but plan badly."""
import importlib.util
import re
from pathlib import Path

from services.transfer.models import steps, transfers
from services.transfer.queries import UNFINISHED

VERSIONS = Path(__file__).resolve().parents[3] / "services/transfer/migrations/versions"


def states_of(predicate: str) -> set[str]:
    return set(re.findall(r"'(\w+)'", re.search(r"state IN \(([^)]*)\)", predicate).group(1)))


def migration(name: str):
    spec = importlib.util.spec_from_file_location(name, VERSIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_unfinished_index_holds_the_unfinished_states():
    index = next(index for index in transfers.indexes if index.name == "transfers_unfinished")
    assert states_of(str(index.dialect_options["postgresql"]["where"])) == set(UNFINISHED)
    assert states_of(migration("0004_worklist_indexes").UNFINISHED) == set(UNFINISHED)


def test_the_live_steps_index_holds_the_unfinished_transfers_steps():
    index = next(index for index in steps.indexes if index.name == "steps_live")
    assert states_of(str(index.dialect_options["postgresql"]["where"])) == set(UNFINISHED)
    assert states_of(migration("0007_live_steps").UNFINISHED) == set(UNFINISHED)
