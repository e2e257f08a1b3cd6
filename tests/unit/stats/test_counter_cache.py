from collections import namedtuple

from services.stats.counter_cache import FoldedRows, Kept

Log = namedtuple("Log", "fold_no kept_after outside")


def test_keeps_the_most_recently_used_entries_up_to_its_size():
    kept = FoldedRows(size=2)
    kept.put("a", [1])
    kept.put("b", [2])
    assert kept.get("a") == [1]  # "a" is now the most recent
    kept.put("c", [3])
    assert kept.get("b") is None and kept.get("a") == [1] and kept.get("c") == [3]


def test_an_empty_reading_is_kept_too():
    kept = FoldedRows()
    kept.put(("org", 2026), [])
    assert kept.get(("org", 2026)) == []


def test_a_kept_reading_adds_the_increments_of_the_folds_since():
    kept = Kept.read([("total", "", 2001, 5), ("sex", "2", 2001, 5), ("sex", "1", 2001, 0)], ("g1",), Log(7, 0, 3))
    assert kept.rows == [("total", "", 2001, 5), ("sex", "2", 2001, 5)] and kept.fold_no == 7
    later = Log(9, 2, 3)
    assert kept.brought_up_to_date(later)
    after = kept.plus([("total", "", 2001, 2), ("sex", "2", 2001, -5), ("sex", "1", 2026, 1)], ("g2",), later)
    assert sorted(after.rows) == [("sex", "1", 2026, 1), ("total", "", 2001, 7)]
    assert (after.generations, after.fold_no, after.outside) == (("g2",), 9, 3)
    assert kept.rows == [("total", "", 2001, 5), ("sex", "2", 2001, 5)]  # never changed in place


def test_a_kept_reading_is_read_again_after_an_outside_change_or_a_prune():
    kept = Kept.read([("total", "", 2001, 5)], ("g1",), Log(7, 0, 3))
    assert not kept.brought_up_to_date(Log(9, 0, 4))  # a repair by hand since
    assert not kept.brought_up_to_date(Log(90, 8, 3))  # fold 8's increments are gone
    assert kept.brought_up_to_date(Log(90, 7, 3))
    assert not Kept.read([], ("g1",), None).brought_up_to_date(Log(9, 0, 3))  # a deep organization: not logged
    assert not kept.brought_up_to_date(None)
