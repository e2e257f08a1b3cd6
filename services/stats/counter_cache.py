"""The folded counters' part of a report, kept while those counters stand.

A report reads an organization's folded counters (the root's ~7,000 rows, collapsed to ~300)
and its not yet folded deltas (few, or none when quiet). Folded counters change only with their
counter generation, one per organization and year of change (triggers on stats.counters,
migrations stats_0006 and stats_0010). A report's folded rows are kept in two parts: the years
before the report year (collapsed into one) and the report year itself, each under the
generations of its years. A fold during a year-end burst touches this year's rows only, so a
report then re-reads just those (the previous year's report stays kept whole).
The generations, the deltas and (on a miss) the counters are read in one snapshot, so a fold
committing in between can neither be missed nor counted twice.

One cache per process; least recently used entries go first.
"""
from collections import OrderedDict


class FoldedRows:
    def __init__(self, size: int = 512):
        self.size = size
        self.entries: OrderedDict = OrderedDict()

    def get(self, key):
        rows = self.entries.get(key)
        if rows is not None:
            self.entries.move_to_end(key)
        return rows

    def put(self, key, rows: list) -> None:
        self.entries[key] = rows
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
