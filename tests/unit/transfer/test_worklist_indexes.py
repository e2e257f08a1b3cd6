"""The work lists' partial index covers exactly the states the lists call unfinished: were they to
drift apart, PostgreSQL could no longer use the index for the province's lists and counts (they
would read every wide transfer row again) — or, narrower, would miss nothing but plan badly."""
import importlib.util
import re
from pathlib import Path

from services.transfer.models import transfers
from services.transfer.queries import UNFINISHED

MIGRATION = Path(__file__).resolve().parents[3] / "services/transfer/migrations/versions/0004_worklist_indexes.py"


def states_of(predicate: str) -> set[str]:
    return set(re.findall(r"'(\w+)'", re.search(r"state IN \(([^)]*)\)", predicate).group(1)))


def test_the_unfinished_index_holds_the_unfinished_states():
    index = next(index for index in transfers.indexes if index.name == "transfers_unfinished")
    assert states_of(str(index.dialect_options["postgresql"]["where"])) == set(UNFINISHED)
    spec = importlib.util.spec_from_file_location("worklist_indexes", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert states_of(migration.UNFINISHED) == set(UNFINISHED)
