"""校核: the audit rules of the annual report (RULES.md §7, 2009 审核要点), each failure
explained in Chinese with the cells involved.

- every breakdown sums to its total (each table's declared sums: of columns in a row, and of
  the 职业 rows in a column);
- table 1's year-end total equals the member totals of tables 2, 3 and 4;
- the 出党 count agrees across tables 1, 10 and 11 (SAME_CELLS);
- this year's 上年底党员总数 equals last year's 本年底实有党员数;
- any 实有数与应有数之差 must be explained in the 报表说明;
- abnormal year-on-year changes are flagged, to be explained;
- 恢复党籍 and 停止党籍 need a name list (the system draws it: `list` names it); so has 其他增加 (找回);
- student members aged 46 or over are flagged, to be checked one by one (with their list).

An "error" blocks submission; a "warning" does not. Pure.
"""
from .report_cells import T1, TOTAL_ROW, cell_ref, column_label, find, table_name, value

MEMBER_TOTAL_TABLES = ("t2", "t3", "t4")  # their "total" is the members at the year end
# A year-on-year change is abnormal when it is at least ABNORMAL_MIN members and more than
# ABNORMAL_RATIO of last year's figure.
ABNORMAL_COLUMNS = ("year_end", "increase_develop", "decrease_total")
ABNORMAL_RATIO = 0.2
ABNORMAL_MIN = 5


def _failure(rule: str, severity: str, message: str, cells: list) -> dict:
    return {"rule": rule, "severity": severity, "message": message, "cells": cells}


def _sum_failures(tables: list) -> list:
    failures = []
    for table in tables:
        columns = {c["key"]: c for c in table["columns"]}
        for row in table["rows"]:
            for rule in table.get("sums", []):
                total = row["cells"].get(rule["total"], 0)
                parts = sum(row["cells"].get(part, 0) for part in rule["parts"])
                if total == parts:
                    continue
                where = f"{table_name(table)}（{table['title']}）「{row['label']}」行"
                message = (f"{where}：{rule['label']}，但「{column_label(columns[rule['total']])}」为{total}，"
                           f"各项之和为{parts}（相差{total - parts}）")
                cells = [cell_ref(tables, table["key"], row["key"], key) for key in (rule["total"], *rule["parts"])]
                failures.append(_failure("sum", "error", message, cells))
    return failures


def _row_sum_failures(tables: list) -> list:
    """A table broken down in rows (by 职业): each column's total row equals the sum of its part rows."""
    failures = []
    for table in tables:
        rows = {r["key"]: r for r in table["rows"]}
        for rule in table.get("row_sums", []):
            total_row = rows.get(rule["total"])
            parts = [rows[key] for key in rule["parts"] if key in rows]
            if total_row is None:
                continue
            for column in table["columns"]:
                total = total_row["cells"].get(column["key"], 0)
                summed = sum(part["cells"].get(column["key"], 0) for part in parts)
                if total == summed:
                    continue
                message = (f"{table_name(table)}（{table['title']}）「{column_label(column)}」列：{rule['label']}，"
                           f"但「{total_row['label']}」行为{total}，各行之和为{summed}（相差{total - summed}）")
                cells = [cell_ref(tables, table["key"], row["key"], column["key"]) for row in (total_row, *parts)]
                failures.append(_failure("sum", "error", message, cells))
    return failures


def _cross_table_failures(tables: list) -> list:
    year_end = value(tables, T1, TOTAL_ROW, "year_end")
    if year_end is None:
        return []
    failures = []
    for key in MEMBER_TOTAL_TABLES:
        other = value(tables, key, TOTAL_ROW, "total")
        if other is None or other == year_end:
            continue
        table = find(tables, key)
        message = (f"表1「本年底实有党员数」为{year_end}，与{table_name(table)}（{table['title']}）"
                   f"「党员总数」{other}不一致")
        failures.append(_failure("cross_table", "error", message,
                                 [cell_ref(tables, T1, TOTAL_ROW, "year_end"),
                                  cell_ref(tables, key, TOTAL_ROW, "total")]))
    return failures


# Cells that count the same members in two tables (a 录改 may put them apart): (table, column) pairs.
SAME_CELLS = ((("t10", "total"), (T1, "decrease_expel")), (("t11", "total"), ("t10", "total")))


def _same_cell_failures(tables: list) -> list:
    failures = []
    for (key, column), (other_key, other_column) in SAME_CELLS:
        here, there = value(tables, key, TOTAL_ROW, column), value(tables, other_key, TOTAL_ROW, other_column)
        if here is None or there is None or here == there:
            continue
        cells = [cell_ref(tables, key, TOTAL_ROW, column), cell_ref(tables, other_key, TOTAL_ROW, other_column)]
        message = f"{cells[0]['label']}为{here}，与{cells[1]['label']}{there}不一致"
        failures.append(_failure("cross_table", "error", message, cells))
    return failures


def _year_start_failures(tables: list, previous: list | None) -> list:
    start = value(tables, T1, TOTAL_ROW, "year_start")
    last_end = value(previous, T1, TOTAL_ROW, "year_end") if previous else None
    if start is None or last_end is None or start == last_end:
        return []
    message = f"表1「上年底党员总数」为{start}，与上年报表「本年底实有党员数」{last_end}不一致"
    return [_failure("year_start", "error", message, [cell_ref(tables, T1, TOTAL_ROW, "year_start")])]


def _difference_failures(tables: list, explained: bool) -> list:
    table = find(tables, T1)
    failures = []
    for row in (table["rows"] if table else []):
        difference = row["cells"].get("difference", 0)
        if not difference:
            continue
        cells = [cell_ref(tables, T1, row["key"], key)
                 for key in ("difference", "year_end", "year_start", "increase_total", "decrease_total")]
        message = (f"表1「{row['label']}」行「实有数与应有数之差」为{difference}"
                   f"（本年底实有{row['cells'].get('year_end', 0)}，应有"
                   f"{row['cells'].get('year_end', 0) - difference}）")
        if explained:
            failures.append(_failure("difference", "note", message + "，已在报表说明中说明", cells))
        else:
            failures.append(_failure("difference", "error", message + "：须在报表说明中说明原因", cells))
    return failures


def _abnormal_failures(tables: list, previous: list | None, explained: bool) -> list:
    if not previous:
        return []
    failures = []
    for key in ABNORMAL_COLUMNS:
        now, last = value(tables, T1, TOTAL_ROW, key), value(previous, T1, TOTAL_ROW, key)
        if now is None or last is None:
            continue
        change = now - last
        if abs(change) < ABNORMAL_MIN or (last and abs(change) <= ABNORMAL_RATIO * last):
            continue
        ref = cell_ref(tables, T1, TOTAL_ROW, key)
        label = column_label(find(find(tables, T1)["columns"], key))
        rate = f"（{change / last:+.0%}）" if last else ""
        message = f"表1「{label}」比上年{'增加' if change > 0 else '减少'}{abs(change)}{rate}，变化异常"
        if explained:
            failures.append(_failure("abnormal", "note", message + "，已在报表说明中说明", [ref]))
        else:
            failures.append(_failure("abnormal", "warning", message + "，请在报表说明中说明原因", [ref]))
    return failures


# Each T1 cell with its name list (member/name_lists.py): the two the rules ask for, and the
# 其他增加 of 找回 after a 死亡, so every return the report counts is named.
NAME_LISTS = (("increase_restore", "restored"), ("increase_other", "returned"), ("decrease_suspend", "suspended"))


def _name_list_notes(tables: list) -> list:
    notes = []
    for key, name_list in NAME_LISTS:
        count = value(tables, T1, TOTAL_ROW, key)
        if not count:
            continue
        label = column_label(find(find(tables, T1)["columns"], key))
        notes.append({**_failure("name_list", "note", f"表1「{label}」{count}名：须附名单（系统已按党籍变动生成）",
                                 [cell_ref(tables, T1, TOTAL_ROW, key)]), "list": name_list})
    return notes


def _older_student_warnings(older_students: int) -> list:
    if not older_students:
        return []
    message = f"学生党员中46岁及以上的有{older_students}名，请逐一核实其职业是否仍为学生"
    return [{**_failure("older_students", "warning", message, []), "list": "older_students"}]


def check(tables: list, previous: list | None = None, explanation: str = "", older_students: int = 0) -> dict:
    """Every rule over the report's tables; `previous` is last year's report's tables (if any),
    `older_students` the student members aged 46 or over at the year end (from member data).
    passed is True when nothing is an error."""
    explained = bool(explanation and explanation.strip())
    findings = (_sum_failures(tables) + _row_sum_failures(tables) + _cross_table_failures(tables)
                + _same_cell_failures(tables) + _year_start_failures(tables, previous)
                + _difference_failures(tables, explained) + _abnormal_failures(tables, previous, explained)
                + _name_list_notes(tables) + _older_student_warnings(older_students))
    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = sum(1 for f in findings if f["severity"] == "warning")
    return {"passed": errors == 0, "errors": errors, "warnings": warnings, "failures": findings}
