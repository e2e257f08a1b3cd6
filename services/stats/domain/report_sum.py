"""汇总: a parent's report is its own direct members' figures plus its subordinates'
submitted reports, cell by cell. Pure."""
import copy

from .report_cells import find, recompute


def sum_reports(direct: list, subordinates: list[list]) -> list:
    """`direct`'s layout with every subordinate's cells added; a cell a subordinate's (older)
    report lacks counts as 0, and one `direct` lacks is not added. The difference is recomputed."""
    result = copy.deepcopy(direct)
    for tables in subordinates:
        for table in result:
            other = find(tables, table["key"])
            for row in (table["rows"] if other else []):
                other_row = find(other["rows"], row["key"])
                if other_row is None:
                    continue
                for key in row["cells"]:
                    row["cells"][key] += int(other_row["cells"].get(key) or 0)
    return recompute(result)
