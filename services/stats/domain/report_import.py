"""导入上年报表 (first-year carry-forward, SEED-CHECKLIST R5): last year's annual report as the
official system exports it (one sheet per table in the official layout: title in row 1,
填报单位/报告期 in row 2, a column's group in row 3 above its label in row 4, or a label alone
over both rows, data rows from row 5 with the row's label in column A) read into PMIS's table
layout, so this year's 上年底党员总数 can start from its 本年底实有党员数.

Pure: `sheets` is what the gateway's reader found ([{"sheet": name, "rows": [[value, …], …]}],
values as the spreadsheet held them), `layout` PMIS's tables for that year (all cells 0).
Every problem names its sheet, row and column as the user sees them in Excel.
"""
import copy
import re

from .report_cells import DERIVED, T1, TOTAL_ROW, cell_value, column_label, find, recompute, table_name, totals

HEADER_ROWS = (3, 4)
FIRST_DATA_ROW = 5
PERIOD_ROW = 2
# Sheets of the official export that hold no figures: read past without a warning.
PLAIN_SHEETS = ("封面", "报表说明", "附表")
REQUIRED = {(T1, TOTAL_ROW, "year_end")}  # 本年底实有党员数 of 表1: the figure the import is for
_NUMBERED = re.compile(r"^表(\d+)(?!\d)")
_PERIOD = re.compile(r"报告期[:：]?\s*(\d{4})\s*年")


def letters(number: int) -> str:
    """1 → A, 27 → AA: a column as Excel names it."""
    result = ""
    while number:
        number, rest = divmod(number - 1, 26)
        result = chr(65 + rest) + result
    return result


def _plain(value) -> str:
    """A header or label cell as text, without the spaces and line breaks layouts put in."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value))


def _cell(rows: list, row: int, column: int):
    """The value at Excel row `row`, column `column` (both from 1), or None."""
    if row > len(rows) or column > len(rows[row - 1]):
        return None
    return rows[row - 1][column - 1]


def match_table(sheet: dict, layout: list) -> dict | None:
    """The layout table a sheet holds: by its number (表1 …) in the sheet's name or title, else by
    the table's title (the unnumbered tables: 党组织数, 流动党员情况 …)."""
    names = [_plain(sheet["sheet"]), _plain(_cell(sheet["rows"], 1, 1))]
    for text in names:
        numbered = _NUMBERED.match(text)
        if numbered:
            return next((t for t in layout if table_name(t) == f"表{int(numbered.group(1))}"), None)
    for text in names:
        found = next((t for t in layout if text and _plain(t["title"]) in text), None)
        if found is not None:
            return found
    return None


def header_columns(rows: list) -> list[tuple[int, str, str]]:
    """(Excel column, group, label) of every column header in rows 3–4 from column B: a group
    written once above its merged run of labels, or a label alone over both rows."""
    top, bottom = HEADER_ROWS
    width = max((len(rows[r - 1]) for r in HEADER_ROWS if r <= len(rows)), default=0)
    result, group = [], ""
    for column in range(2, width + 1):
        upper, lower = _plain(_cell(rows, top, column)), _plain(_cell(rows, bottom, column))
        if lower:
            group = upper or group
            result.append((column, group, lower))
        elif upper:
            group = ""
            result.append((column, "", upper))
    return result


def _column_for(table: dict, group: str, label: str) -> dict | None:
    exact = [c for c in table["columns"] if _plain(c.get("group")) == group and _plain(c["label"]) == label]
    if exact:
        return exact[0]
    alone = [c for c in table["columns"] if _plain(c["label"]) == label]
    return alone[0] if len(alone) == 1 and not group else None


def _figure(raw, required: bool) -> int:
    """A cell's figure: blank is 0 (the official export leaves zeros empty) unless required."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValueError("必填")
        return 0
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str):
        cleaned = raw.strip()
        try:
            number = float(cleaned)
        except ValueError:
            raise ValueError("不是数字") from None
        if number.is_integer() and "." in cleaned:
            cleaned = str(int(number))
        raw = cleaned
    elif not isinstance(raw, (int, float)) or isinstance(raw, bool):
        raise ValueError("不是数字")
    if isinstance(raw, float):
        raise ValueError("不能为负数" if raw < 0 else "应为整数")
    return cell_value(raw)


class _Findings:
    def __init__(self):
        self.errors, self.warnings = [], []
        self.required_unread = False  # 表1's 本年底实有党员数 could not be read

    def add(self, kind: str, sheet: str | None, row: int | None, column: int | None, message: str,
            required: bool = False) -> None:
        self.required_unread = self.required_unread or required
        where = "".join([f"工作表「{sheet}」" if sheet else "", f"第{row}行" if row else "",
                         f"{letters(column)}列" if column else ""])
        item = {"sheet": sheet, "row": row, "column": letters(column) if column else None,
                "message": f"{where}：{message}" if where else message}
        (self.errors if kind == "error" else self.warnings).append(item)


def _read_table(sheet: dict, table: dict, findings: _Findings) -> tuple[dict, int]:
    """The layout table with the sheet's figures, and how many cells were recognised."""
    name, rows = sheet["sheet"], sheet["rows"]
    result = copy.deepcopy(table)
    for row in result["rows"]:
        row["cells"] = {key: 0 for key in row["cells"]}
    positions = {}
    for column, group, label in header_columns(rows):
        found = _column_for(table, group, label)
        shown = f"{group}·{label}" if group else label
        if found is None:
            findings.add("warning", name, HEADER_ROWS[1] if group else HEADER_ROWS[0], column,
                         f"PMIS 没有「{shown}」列，已忽略")
        elif found["key"] in positions.values():
            findings.add("warning", name, HEADER_ROWS[0], column, f"「{shown}」列重复，只读第一列")
        else:
            positions[column] = found["key"]
    for column in table["columns"]:
        if column["key"] not in positions.values() and (table["key"], column["key"]) not in DERIVED:
            required = any((table["key"], row["key"], column["key"]) in REQUIRED for row in table["rows"])
            findings.add("error" if required else "warning", name, None, None,
                         f"缺少「{column_label(column)}」列" + ("" if required else "，按0计"), required)
    seen, recognised = set(), 0
    for number in range(FIRST_DATA_ROW, len(rows) + 1):
        values = rows[number - 1]
        label = _plain(values[0] if values else None)
        if not label:
            if any(v not in (None, "") for v in values[1:]):
                findings.add("warning", name, number, 1, "行没有项目名称，已忽略")
            continue
        target = next((r for r in result["rows"] if _plain(r["label"]) == label), None)
        if target is None:
            findings.add("warning", name, number, 1, f"PMIS 没有「{label}」行，已忽略")
            continue
        if target["key"] in seen:
            findings.add("warning", name, number, 1, f"「{label}」行重复，只读第一行")
            continue
        seen.add(target["key"])
        for column, key in positions.items():
            if (table["key"], key) in DERIVED:
                continue  # recomputed from the row; a disagreeing figure is reported below
            required = (table["key"], target["key"], key) in REQUIRED
            try:
                target["cells"][key] = _figure(_cell(rows, number, column), required)
                recognised += 1
            except ValueError as problem:
                label_of = column_label(find(table["columns"], key))
                findings.add("error", name, number, column, f"「{label_of}」{problem}", required)
    for row in result["rows"]:
        if row["key"] not in seen:
            required = any((table["key"], row["key"], c["key"]) in REQUIRED for c in table["columns"])
            findings.add("error" if required else "warning", name, None, None,
                         f"缺少「{row['label']}」行" + ("" if required else "，按0计"), required)
    return result, recognised


def _period_year(rows: list) -> int | None:
    for value in (rows[PERIOD_ROW - 1] if len(rows) >= PERIOD_ROW else []):
        found = _PERIOD.search(_plain(value))
        if found:
            return int(found.group(1))
    return None


def _derived_disagreements(sheet: dict, table: dict, findings: _Findings) -> None:
    """A formula column (实有数与应有数之差) the file states otherwise than PMIS computes it."""
    rows = sheet["rows"]
    for column, group, label in header_columns(rows):
        found = _column_for(table, group, label)
        if found is None or (table["key"], found["key"]) not in DERIVED:
            continue
        for number in range(FIRST_DATA_ROW, len(rows) + 1):
            row = next((r for r in table["rows"] if _plain(r["label"]) == _plain(_cell(rows, number, 1))), None)
            if row is None:
                continue
            stated = _cell(rows, number, column)
            try:
                stated = _figure(stated, False) if not (isinstance(stated, (int, float)) and stated < 0) \
                    else int(stated)
            except ValueError:
                stated = None
            if stated is not None and stated != row["cells"].get(found["key"]):
                findings.add("warning", sheet["sheet"], number, column,
                             f"「{label}」为{stated}，按公式计算为{row['cells'].get(found['key'])}，以计算值为准")


def read_report(sheets: list, layout: list, year: int) -> dict:
    """The report of `year` in `sheets`, as far as it could be read: {"tables" (the layout's
    tables found, in the layout's order, figures checked), "read" (per table: sheet, cells
    recognised), "errors", "warnings", "year_end_total" (表1 本年底实有党员数, the 上年底数
    the import is for; None when it could not be read)}. Errors keep the import from being
    stored; warnings (sheets and columns PMIS does not know, missing ones taken as 0) do not."""
    findings = _Findings()
    found: dict = {}
    for sheet in sheets:
        name = sheet["sheet"]
        table = match_table(sheet, layout)
        if table is None:
            if not _plain(name).startswith(PLAIN_SHEETS):
                findings.add("warning", name, None, None, "PMIS 不统计此表，已忽略")
            continue
        if table["key"] in found:
            findings.add("warning", name, None, None,
                         f"{table_name(table)}已在工作表「{found[table['key']][0]['sheet']}」中读取，此表已忽略")
            continue
        period = _period_year(sheet["rows"])
        if period is not None and period != year:
            findings.add("error", name, PERIOD_ROW, None, f"报告期为{period}年，应为{year}年的年报")
        errors_before = len(findings.errors)
        read, recognised = _read_table(sheet, table, findings)
        read = recompute([read])[0] if table["key"] == T1 else read
        if len(findings.errors) == errors_before:
            _derived_disagreements(sheet, read, findings)
        found[table["key"]] = (sheet, read, recognised)
    for table in layout:
        if table["key"] not in found:
            required = any(key == table["key"] for key, _, _ in REQUIRED)
            findings.add("error" if required else "warning", None, None, None,
                         f"文件中没有{table_name(table)}（{table['title']}）"
                         + ("：须有其「本年底实有党员数」" if required else "，导入后该表没有上年数"), required)
    tables = [found[t["key"]][1] for t in layout if t["key"] in found]
    year_end = None if findings.required_unread else totals(tables)["year_end_total"]
    return {"year": year, "tables": tables, "errors": findings.errors, "warnings": findings.warnings,
            "year_end_total": year_end,
            "read": [{"key": t["key"], "name": table_name(t), "title": t["title"], "sheet": found[t["key"]][0]["sheet"],
                      "cells": found[t["key"]][2]} for t in layout if t["key"] in found]}


def shape_problem(sheets) -> str | None:
    """Why `sheets` is not what the reader makes (a list of {"sheet": text, "rows": [[…]]}), or None."""
    if not isinstance(sheets, list):
        return "应为工作表列表"
    for sheet in sheets:
        if not (isinstance(sheet, dict) and isinstance(sheet.get("sheet"), str) and isinstance(sheet.get("rows"), list)
                and all(isinstance(row, list) for row in sheet["rows"])):
            return "工作表格式有误"
        if any(isinstance(v, (dict, list)) for row in sheet["rows"] for v in row):
            return "单元格格式有误"
    return None
