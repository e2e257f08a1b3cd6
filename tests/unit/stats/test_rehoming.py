"""How a moved organization's subtree counts are re-homed (services/stats/domain/counters.py): they
leave the old ancestors and join the new ones as ordinary deltas."""
from collections import Counter

from services.stats.domain.counters import rehomed, rolled


def test_rehoming_moves_the_subtree_counts_from_old_to_new_ancestors_only():
    amounts = Counter({("total", "", 0): 3, ("sex", "2", 0): 1})
    deltas = rehomed(amounts, 5, "/1/2/5/", "/1/4/5/")
    assert deltas == Counter({(2, "total", "", 0): -3, (2, "sex", "2", 0): -1,
                              (4, "total", "", 0): 3, (4, "sex", "2", 0): 1})


def test_rehoming_equals_counting_the_subtree_again_under_its_new_path():
    """Counted at every level (rolled) under the old path, plus the re-homing deltas, gives
    exactly what counting under the new path gives."""
    members = {"/1/2/5/": Counter({("total", "", 0): 2}), "/1/2/5/9/": Counter({("total", "", 0): 1})}
    before = sum((rolled(entries, path) for path, entries in members.items()), Counter())
    at_moved = Counter({key[1:]: n for key, n in before.items() if key[0] == 5})
    after = before + Counter()
    after.update(rehomed(at_moved, 5, "/1/2/5/", "/1/3/7/5/"))
    expected = sum((rolled(entries, path.replace("/1/2/5/", "/1/3/7/5/")) for path, entries in members.items()),
                   Counter())
    assert +after == +expected
