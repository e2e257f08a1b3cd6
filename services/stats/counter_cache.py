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

Cold = warm (issue 17): for the organizations near the root the compactor logs what each fold
added to their counters (stats.fold_increments, numbered folds), so a kept reading whose
generations moved is brought up to date by adding the increments of the folds after it — the
few rows a fold changed — instead of reading thousands of counter rows again. Folds run one at a
time and commit in their numbers' order, so in one snapshot the increments after fold F are
exactly the visible folds' since F. It is read whole again when a statement changed the counters
outside a fold (the generation trigger counts those: a repair by hand, a bulk load) or when the
increments it needs were pruned.

One cache per process; least recently used entries go first. An entry is never changed in place:
two reads of different snapshots may each put their own.
"""
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Kept:
    """A part of an organization's folded counters: its rows (dimension, value, year, n ≠ 0) under
    the counter generations they were read at and, for an organization the folds log, the fold
    log then (its fold number and count of outside changes)."""
    rows: list
    generations: tuple
    fold_no: int | None = None
    outside: int | None = None

    @classmethod
    def read(cls, rows, generations: tuple, log) -> "Kept":
        kept = [tuple(row) for row in rows if row[3]]
        return cls(kept, generations, *((log.fold_no, log.outside) if log is not None else (None, None)))

    def brought_up_to_date(self, log) -> bool:
        """Whether the increments since this reading can bring it to `log`'s state."""
        return (log is not None and self.fold_no is not None and log.outside == self.outside
                and self.fold_no >= log.kept_after)

    def plus(self, increments, generations: tuple, log) -> "Kept":
        summed = {(dimension, value, year): n for dimension, value, year, n in self.rows}
        for dimension, value, year, n in increments:
            summed[(dimension, value, year)] = summed.get((dimension, value, year), 0) + n
        return Kept([(*cell, n) for cell, n in summed.items() if n], generations, log.fold_no, log.outside)


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
