from services.stats.counter_cache import FoldedRows


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
