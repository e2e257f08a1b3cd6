"""The folded counters' part of a report, kept while those counters stand.

A report reads an organization's folded counters (the root's ~7,000 rows, collapsed to ~300)
and its not yet folded deltas (few, or none when quiet). Folded counters change only with the
organization's counter generation (triggers on stats.counters, migration stats_0006), so their
collapsed rows are kept under the generations they were read at and reused until one moves.
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
