"""Cells of an annual report (the tables as the stats report gives them: key, title, columns
with label and group, rows with a cell per column, sums): addressing, names people read,
the derived difference, carrying last year's submitted figure forward, and hand corrections.

Pure: every function returns new tables and leaves its input alone (a table it does not
change is shared with the input, not copied: a report is read far more often than changed, and
copying all of its tables cost a report read several milliseconds).
"""
import copy

from services.shared.field_errors import FieldErrors, RuleViolation
from services.shared.field_rules import blank, text

T1 = "t1"
TOTAL_ROW = "total"
# 实有数与应有数之差 is a formula over the same row; it is recomputed, never typed in.
DIFFERENCE = "difference"
DERIVED = {(T1, DIFFERENCE)}
MAX_CELL = 100_000_000  # more than a province's members: a typo, not a figure
MAX_REASON = 200
MAX_EXPLANATION = 2000


def table_name(table: dict) -> str:
    """表1, 表2 … for the numbered report tables; a provincial table's own name (省表1, from its
    template); the title for the others (党组织数)."""
    if table.get("name"):
        return table["name"]
    key = table["key"]
    return f"表{key[1:]}" if key[:1] == "t" and key[1:].isdigit() else table["title"]


def find(items: list, key: str) -> dict | None:
    return next((item for item in items if item["key"] == key), None)


def anchor(table: str, row: str, column: str) -> str:
    """The HTML id of a cell on the report page (check results link to it)."""
    return f"cell-{table}-{row}-{column}"


def column_label(column: dict) -> str:
    return f"{column['group']}·{column['label']}" if column.get("group") else column["label"]


def cell_ref(tables: list, table: str, row: str, column: str) -> dict:
    """A cell as the checks and history name it: keys, anchor, and a Chinese label."""
    t = find(tables, table)
    r = find(t["rows"], row) if t else None
    c = find(t["columns"], column) if t else None
    label = f"{table_name(t)}（{t['title']}）" if t else table
    label += f"「{r['label']}」行" if r else ""
    label += f"「{column_label(c)}」" if c else ""
    return {"table": table, "row": row, "column": column, "anchor": anchor(table, row, column), "label": label}


def value(tables: list, table: str, row: str, column: str) -> int | None:
    t = find(tables, table)
    r = find(t["rows"], row) if t else None
    return None if r is None else r["cells"].get(column)


def with_table_copied(tables: list, key: str) -> tuple[list, dict | None]:
    """A new list of `tables` whose table `key` is a deep copy (to be changed); the rest shared."""
    result = [copy.deepcopy(table) if table["key"] == key else table for table in tables]
    return result, find(result, key)


def recompute(tables: list) -> list:
    """Table 1's difference = year_end − (year_start + increase_total − decrease_total), per row."""
    result, t1 = with_table_copied(tables, T1)
    for row in (t1["rows"] if t1 else []):
        cells = row["cells"]
        if DIFFERENCE in cells:
            cells[DIFFERENCE] = cells.get("year_end", 0) - (
                cells.get("year_start", 0) + cells.get("increase_total", 0) - cells.get("decrease_total", 0))
    return result


def totals(tables: list) -> dict:
    """Table 1's year-start and year-end totals (the report's headline figures)."""
    return {"year_start_total": value(tables, T1, TOTAL_ROW, "year_start") or 0,
            "year_end_total": value(tables, T1, TOTAL_ROW, "year_end") or 0}


def carry_forward(tables: list, previous_year_end: int | None) -> list:
    """This year's 上年底党员总数 is last year's submitted 本年底实有党员数: a change keyed after
    that report was submitted then shows as a difference to be explained, not as a silent shift."""
    if previous_year_end is None or find(tables, T1) is None:
        return list(tables)
    result, t1 = with_table_copied(tables, T1)
    row = find(t1["rows"], TOTAL_ROW)
    if row is not None:
        row["cells"]["year_start"] = int(previous_year_end)
    return recompute(result)


def cell_value(raw) -> int:
    """A figure typed by hand: a non-negative integer (or its digits)."""
    if blank(raw):
        raise ValueError("必填")
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValueError("应为整数")
    if isinstance(raw, str):
        cleaned = raw.strip()
        if cleaned.startswith("-") and cleaned[1:].isdigit():
            raise ValueError("不能为负数")
        if not (cleaned.isascii() and cleaned.isdigit()):
            raise ValueError("应为整数")
        raw = int(cleaned)
    if not isinstance(raw, int):
        raise ValueError("应为整数")
    if raw < 0:
        raise ValueError("不能为负数")
    if raw > MAX_CELL:
        raise ValueError(f"不能超过{MAX_CELL}")
    return raw


def validate_correction(tables: list, raw) -> dict:
    """{table, row, column, value, reason} → the same, checked against the report's layout.
    FieldErrors names every bad field."""
    if not isinstance(raw, dict):
        raise FieldErrors({"correction": "应为对象"})
    errors = {}
    keys = {}
    for name, what in (("table", "表"), ("row", "行"), ("column", "列")):
        item = raw.get(name)
        if blank(item):
            errors[name] = "必填"
        elif not isinstance(item, str):
            errors[name] = "应为文本"
        else:
            keys[name] = item.strip()
    t = find(tables, keys["table"]) if "table" in keys else None
    if "table" in keys and t is None:
        errors["table"] = f"报表中没有表：{keys['table']}"
    if t is not None:
        if "row" in keys and find(t["rows"], keys["row"]) is None:
            errors["row"] = f"{table_name(t)}中没有行：{keys['row']}"
        column = find(t["columns"], keys["column"]) if "column" in keys else None
        if "column" in keys and column is None:
            errors["column"] = f"{table_name(t)}中没有列：{keys['column']}"
        elif column is not None and (t["key"], column["key"]) in DERIVED:
            errors["column"] = f"「{column['label']}」由公式计算，不能录改"
    try:
        figure = cell_value(raw.get("value"))
    except ValueError as exc:
        errors["value"] = str(exc)
    try:
        reason = text(raw.get("reason"), MAX_REASON)
    except ValueError as exc:
        errors["reason"] = "必填：请说明录改原因" if str(exc) == "必填" else str(exc)
    if errors:
        raise FieldErrors(errors)
    return {**keys, "value": figure, "reason": reason}


def apply_correction(tables: list, correction: dict) -> tuple[list, int]:
    """The tables with one validated correction applied (derived cells recomputed), and the
    cell's old value."""
    result, table = with_table_copied(tables, correction["table"])
    row = find(table["rows"], correction["row"])
    old = row["cells"].get(correction["column"], 0)
    row["cells"][correction["column"]] = correction["value"]
    return recompute(result), old


REGENERATED = ("generated", "aggregated")


def undoing(tables: list, history: list, correction_id: int) -> dict:
    """The correction that takes back correction `correction_id`: its cell back to the value
    before it. `history` is the report's entries in order, (id, kind, detail). Refused (in
    Chinese) when it was already taken back, when the report was generated again since (the
    correction is no longer in it), or when the cell changed again since (take that back
    first)."""
    target = next((entry for entry in history if entry[0] == correction_id and entry[1] == "corrected"), None)
    if target is None:
        raise RuleViolation("本报表没有这条录改记录")
    later = [(kind, detail) for entry_id, kind, detail in history if entry_id > correction_id]
    if any(kind == "correction_undone" and detail.get("correction_id") == correction_id for kind, detail in later):
        raise RuleViolation("这条录改已经撤销")
    if any(kind in REGENERATED for kind, _ in later):
        raise RuleViolation("报表在这条录改之后重新生成过，录改已不在报表中，无需撤销")
    done = target[2]
    now = value(tables, done["table"], done["row"], done["column"])
    if now != done["new"]:
        raise RuleViolation(f"该单元格在这条录改之后又有改动（现为{now}），请先撤销后来的录改")
    return {"table": done["table"], "row": done["row"], "column": done["column"], "value": done["old"]}


def explanation(raw) -> str:
    """报表说明: free text, may be emptied."""
    if blank(raw):
        return ""
    if not isinstance(raw, str):
        raise FieldErrors({"explanation": "应为文本"})
    cleaned = raw.strip()
    if len(cleaned) > MAX_EXPLANATION:
        raise FieldErrors({"explanation": f"不能超过{MAX_EXPLANATION}个字符"})
    return cleaned
