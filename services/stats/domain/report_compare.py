"""比对: this year's report beside last year's, cell by cell, with the changes marked. Pure."""
from .report_cells import find


def compare(current: list, previous: list | None) -> dict:
    """Each table of `current` with, per cell, this year's and last year's figure and the
    change (None where last year has no such cell); `changes` counts the changed cells."""
    changes = 0
    tables = []
    for table in current:
        before = find(previous or [], table["key"])
        rows = []
        for row in table["rows"]:
            before_row = find(before["rows"], row["key"]) if before else None
            cells = {}
            for column in table["columns"]:
                now = row["cells"].get(column["key"], 0)
                last = before_row["cells"].get(column["key"]) if before_row else None
                change = None if last is None else now - last
                changes += bool(change)
                cells[column["key"]] = {"this": now, "last": last, "change": change, "changed": bool(change)}
            rows.append({"key": row["key"], "label": row["label"], "cells": cells})
        tables.append({"key": table["key"], "name": table.get("name"), "title": table["title"],
                       "columns": table["columns"], "rows": rows})
    return {"has_previous": previous is not None, "changes": changes, "tables": tables}
