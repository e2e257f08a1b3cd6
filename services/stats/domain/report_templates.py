"""接收报表模板: the annual report's table set as versioned data. The national set (国表) is
declared in code (tables.TABLES) under a name and version; a province may load extra tables
(省表) as a JSON document (docs/REPORT_TEMPLATES.md) whose cells are small formulas over the
counters. This module parses and validates such a document and evaluates it.

Formulas are a tiny language read with Python's `ast` and only these node types: integers,
`+` and `-` (and a leading minus), parentheses, names of other columns of the same row, and calls
`stock(dimension[, values])` (at the year end), `start(dimension[, values])` (at the previous
year end) and `flow(dimension[, values])` (during the year), where dimension is a string and
values a string or a list of strings. Nothing is ever `eval`ed.

Pure.
"""
import ast
import re

from services.shared.field_errors import FieldErrors

from .counters import FLOW, STOCK
from .tables import TABLES, Figures, Flow, Stock

NATIONAL_NAME = "2012国表"
# Raise it when the national tables in tables.py change their layout (2: 表5–7, 9, 11, 12 added; 3: 表12's
# organizations' columns added; 4: 表2–4, 14, 15 broken down by 职业 in rows, 表2's and 表15's 职业 columns
# become those rows).
NATIONAL_VERSION = 4
PROVINCIAL_PREFIX = "p_"  # a provincial table's key in a report: never the same as a national one's
MAX_TABLES, MAX_COLUMNS, MAX_ROWS, MAX_FORMULA = 30, 80, 40, 500
MAX_NAME, MAX_TITLE, MAX_LABEL = 50, 60, 40
KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
FUNCTIONS = {"stock": "end", "start": "start", "flow": "flow"}


def _national_dimensions(kind) -> set:
    return {column.measure.dimension for table in TABLES for column in table.columns
            if isinstance(column.measure, kind)}


# What a formula may count: the counters' dimensions (counters.py) and the ones `figures`
# derives or other domain modules count (found in the national tables' own measures).
STOCK_DIMENSIONS = frozenset(set(STOCK) | _national_dimensions(Stock) | {"age_band"})
FLOW_DIMENSIONS = frozenset(set(FLOW) | _national_dimensions(Flow) | {"develop_age_band"})


def national_label() -> str:
    return f"{NATIONAL_NAME} v{NATIONAL_VERSION}"


def version_label(provincial: dict | None) -> str:
    """What a report records: the national set's version and the provincial one's (if any)."""
    if not provincial:
        return national_label()
    return f"{national_label()}；{provincial['name']} v{provincial['version']}"


# --- formulas ------------------------------------------------------------------------------------

class FormulaError(ValueError):
    pass


def _values(node) -> tuple:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.List) and node.elts and all(
            isinstance(item, ast.Constant) and isinstance(item.value, str) for item in node.elts):
        return tuple(item.value for item in node.elts)
    raise FormulaError("取值应为一个文本（如 \"2\"）或文本列表（如 [\"01\", \"02\"]）")


def _call(node: ast.Call) -> tuple:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise FormulaError("只能调用 stock、start、flow")
    name = node.func.id
    if node.keywords or not 1 <= len(node.args) <= 2:
        raise FormulaError(f"{name}() 应写作 {name}(\"维度\") 或 {name}(\"维度\", 取值)")
    dimension = node.args[0]
    if not (isinstance(dimension, ast.Constant) and isinstance(dimension.value, str)):
        raise FormulaError(f"{name}() 的第一个参数应为维度名（带引号的文本）")
    dimension = dimension.value
    known = FLOW_DIMENSIONS if name == "flow" else STOCK_DIMENSIONS
    if dimension not in known:
        other = "flow" if name != "flow" else "stock"
        if dimension in (STOCK_DIMENSIONS if name == "flow" else FLOW_DIMENSIONS):
            raise FormulaError(f"维度 {dimension} 不能用 {name}()，应使用 {other}()")
        raise FormulaError(f"未知的维度：{dimension}")
    values = _values(node.args[1]) if len(node.args) == 2 else None
    return ("count", FUNCTIONS[name], dimension, values)


def _compile(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return ("int", node.value)
    if isinstance(node, ast.Name):
        return ("column", node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return ("add" if isinstance(node.op, ast.Add) else "sub", _compile(node.left), _compile(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):  # -x is 0 - x
        return ("sub", ("int", 0), _compile(node.operand))
    if isinstance(node, ast.Call):
        return _call(node)
    raise FormulaError("只能使用整数、+、-、括号、其他列名和 stock/start/flow")


def parse_formula(text) -> tuple:
    """A formula's text → its tree of ("int", n) / ("column", key) / ("add"|"sub", a, b) /
    ("count", "end"|"start"|"flow", dimension, values|None). FormulaError in Chinese."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("公式不能为空")
    if len(text) > MAX_FORMULA:
        raise FormulaError(f"公式不能超过{MAX_FORMULA}个字符")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise FormulaError("公式写法有误") from None
    return _compile(tree.body)


def _kinds(tree: tuple) -> set:
    if tree[0] in ("add", "sub"):
        return _kinds(tree[1]) | _kinds(tree[2])
    return {tree[0]}


def counts(tree: tuple) -> bool:
    """Whether the formula reads the counters (else it is over other columns and integers only)."""
    return "count" in _kinds(tree)


def references(tree: tuple) -> set:
    """The column keys a formula refers to."""
    if tree[0] == "column":
        return {tree[1]}
    if tree[0] in ("add", "sub"):
        return references(tree[1]) | references(tree[2])
    return set()


def _count(figures: Figures, at: str, dimension: str, values) -> int:
    return sum(n for value, n in getattr(figures, at).get(dimension, {}).items() if values is None or value in values)


def compute(tree: tuple, figures: Figures, cell) -> int:
    kind = tree[0]
    if kind == "int":
        return tree[1]
    if kind == "column":
        return cell(tree[1])
    if kind == "count":
        return _count(figures, tree[1], tree[2], tree[3])
    left, right = compute(tree[1], figures, cell), compute(tree[2], figures, cell)
    return left + right if kind == "add" else left - right


# --- the document ----------------------------------------------------------------------------------

def _text(raw, limit: int, required: bool = True) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValueError("必填")
        return None
    if not isinstance(raw, str):
        raise ValueError("应为文本")
    if len(raw.strip()) > limit:
        raise ValueError(f"不能超过{limit}个字符")
    return raw.strip()


def _key(raw) -> str:
    if not isinstance(raw, str) or not KEY.match(raw):
        raise ValueError("代号应为小写字母开头的字母、数字或下划线（最多30个）")
    return raw


def _list(raw, limit: int, what: str) -> list:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"应为至少一个{what}的列表")
    if len(raw) > limit:
        raise ValueError(f"{what}不能超过{limit}个")
    return raw


def _cycle(graph: dict) -> list | None:
    """A cycle of column references (as a list of keys, first repeated last), or None."""
    state: dict = {}

    def visit(key, trail):
        state[key] = "open"
        for following in sorted(graph.get(key, ())):
            if state.get(following) == "open":
                return trail[trail.index(following):] + [following] if following in trail else [key, following]
            if following not in state:
                found = visit(following, trail + [following])
                if found:
                    return found
        state[key] = "done"
        return None

    for key in graph:
        if key not in state:
            found = visit(key, [key])
            if found:
                return found
    return None


class _Problems:
    def __init__(self):
        self.found: dict = {}

    def add(self, where: str, message: str) -> None:
        self.found.setdefault(where, message)


def _table_where(index: int, raw: dict) -> str:
    title = raw.get("title") if isinstance(raw, dict) and isinstance(raw.get("title"), str) else ""
    key = raw.get("key") if isinstance(raw, dict) and isinstance(raw.get("key"), str) else ""
    return f"第{index + 1}张表" + (f"「{title}」" if title else "") + (f"（{key}）" if key else "")


def _columns(raw_columns, where: str, problems: _Problems) -> list:
    columns, seen = [], set()
    for index, raw in enumerate(raw_columns):
        at = f"{where}第{index + 1}列"
        if not isinstance(raw, dict):
            problems.add(at, "应为对象（key、label、group、formula）")
            continue
        try:
            key = _key(raw.get("key"))
        except ValueError as bad:
            problems.add(at, str(bad))
            continue
        at = f"{where}列 {key}"
        if key in seen:
            problems.add(at, "列代号重复")
            continue
        seen.add(key)
        column = {"key": key}
        for name, what, limit, required in (("label", "列名", MAX_LABEL, True), ("group", "分组", MAX_LABEL, False)):
            try:
                column[name] = _text(raw.get(name), limit, required)
            except ValueError as bad:
                problems.add(at, f"{what}{bad}")
        column["formula"] = raw.get("formula")
        columns.append(column)
    return columns


def _rows(raw_rows, where: str, problems: _Problems) -> list:
    if raw_rows is None:
        return [{"key": "total", "label": "合计", "cells": {}}]
    try:
        raw_rows = _list(raw_rows, MAX_ROWS, "行")
    except ValueError as bad:
        problems.add(f"{where}rows", str(bad))
        return []
    rows, seen = [], set()
    for index, raw in enumerate(raw_rows):
        at = f"{where}第{index + 1}行"
        if not isinstance(raw, dict):
            problems.add(at, "应为对象（key、label、cells）")
            continue
        try:
            key = _key(raw.get("key"))
        except ValueError as bad:
            problems.add(at, str(bad))
            continue
        try:
            label = _text(raw.get("label"), MAX_LABEL)
        except ValueError as bad:
            problems.add(f"{where}行 {key}", f"行名{bad}")
            continue
        if key in seen:
            problems.add(f"{where}行 {key}", "行代号重复")
            continue
        seen.add(key)
        cells = raw.get("cells", {})
        if not isinstance(cells, dict):
            problems.add(f"{where}行 {key}", "cells 应为 {列代号: 公式}")
            cells = {}
        rows.append({"key": key, "label": label, "cells": cells})
    return rows


def _cells(columns: list, rows: list, where: str, problems: _Problems) -> None:
    """Every row's cell formulas (its own, else the column's), parsed, with no reference to an
    unknown column and no cycle; rows[i]["cells"] become the formulas' texts."""
    keys = {column["key"] for column in columns}
    for row in rows:
        for unknown in sorted(set(row["cells"]) - keys, key=str):
            problems.add(f"{where}行 {row['key']}", f"没有列 {unknown}")
        formulas, graph = {}, {}
        for column in columns:
            at = f"{where}行 {row['key']} 列 {column['key']}"
            text = row["cells"].get(column["key"], column.get("formula"))
            if text is None:
                problems.add(at, "缺少公式（列的 formula 或行的 cells 中给出）")
                continue
            try:
                tree = parse_formula(text)
            except FormulaError as bad:
                problems.add(at, f"公式「{text}」有误：{bad}")
                continue
            if counts(tree) and "int" in _kinds(tree):
                problems.add(at, f"公式「{text}」有误：计数（stock、start、flow）不能与整数写在同一个公式里"
                                 "（汇总时整数会按下级个数重复相加），请把整数放在另一列")
                continue
            missing = sorted(references(tree) - keys)
            if missing:
                problems.add(at, f"公式「{text}」引用了不存在的列：{'、'.join(missing)}")
                continue
            formulas[column["key"]] = text.strip()
            graph[column["key"]] = references(tree)
        cycle = _cycle(graph)
        if cycle:
            problems.add(f"{where}行 {row['key']}", f"列之间循环引用：{' → '.join(cycle)}")
        row["cells"] = formulas


def _checks(raw_checks, columns: list, where: str, problems: _Problems) -> list:
    if raw_checks is None:
        return []
    if not isinstance(raw_checks, list):
        problems.add(f"{where}checks", "应为列表")
        return []
    keys = {column["key"] for column in columns}
    checks = []
    for index, raw in enumerate(raw_checks):
        at = f"{where}第{index + 1}条校核规则"
        if not isinstance(raw, dict):
            problems.add(at, "应为对象（total、parts、label）")
            continue
        total, parts = raw.get("total"), raw.get("parts")
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
            problems.add(at, "parts 应为至少一个列代号的列表")
            continue
        unknown = [key for key in [total, *parts] if key not in keys]
        if unknown:
            problems.add(at, f"没有列：{'、'.join(str(key) for key in unknown)}")
            continue
        if total in parts or len(set(parts)) != len(parts):
            problems.add(at, "合计列不能是自己的组成部分，组成部分不能重复")
            continue
        try:
            label = _text(raw.get("label"), MAX_TITLE, required=False)
        except ValueError as bad:
            problems.add(at, f"说明{bad}")
            continue
        labels = {column["key"]: column.get("label") or column["key"] for column in columns}
        default = f"「{labels[total]}」等于{'、'.join(f'「{labels[p]}」' for p in parts)}之和"
        checks.append({"total": total, "parts": list(parts), "label": label or default})
    return checks


def validate_template(raw) -> dict:
    """A provincial template document → its normalized form (every cell's formula explicit).
    FieldErrors naming every problem (where → what) when anything is wrong."""
    problems = _Problems()
    if not isinstance(raw, dict):
        raise FieldErrors({"模板": "应为 JSON 对象（name、tables）"})
    try:
        name = _text(raw.get("name"), MAX_NAME)
    except ValueError as bad:
        problems.add("name", f"模板名称{bad}")
        name = None
    raw_tables = raw.get("tables")
    if not isinstance(raw_tables, list):
        problems.add("tables", "应为表的列表（可为空列表：此后不再附省表）")
        raw_tables = []
    elif len(raw_tables) > MAX_TABLES:
        problems.add("tables", f"表不能超过{MAX_TABLES}张")
    tables, seen = [], set()
    for index, raw_table in enumerate(raw_tables[:MAX_TABLES]):
        where = _table_where(index, raw_table)
        if not isinstance(raw_table, dict):
            problems.add(where, "应为对象（key、title、columns、rows、checks）")
            continue
        try:
            key = _key(raw_table.get("key"))
        except ValueError as bad:
            problems.add(where, f"表{bad}")
            continue
        try:
            title = _text(raw_table.get("title"), MAX_TITLE)
        except ValueError as bad:
            problems.add(where, f"表名{bad}")
            continue
        if key in seen:
            problems.add(where, "表代号重复")
            continue
        seen.add(key)
        try:
            table_name = _text(raw_table.get("name"), MAX_LABEL, required=False) or f"省表{len(tables) + 1}"
        except ValueError as bad:
            problems.add(where, f"表号{bad}")
            continue
        try:
            raw_columns = _list(raw_table.get("columns"), MAX_COLUMNS, "列")
        except ValueError as bad:
            problems.add(f"{where}columns", str(bad))
            continue
        columns = _columns(raw_columns, where, problems)
        rows = _rows(raw_table.get("rows"), where, problems)
        _cells(columns, rows, where, problems)
        checks = _checks(raw_table.get("checks"), columns, where, problems)
        tables.append({"key": key, "name": table_name, "title": title,
                       "columns": [{"key": c["key"], "label": c.get("label"), "group": c.get("group")}
                                   for c in columns],
                       "rows": rows, "checks": checks})
    if problems.found:
        raise FieldErrors(problems.found)
    return {"name": name, "tables": tables}


def settle(template: dict | None, tables: list) -> list:
    """After 汇总 (cells summed over subordinates): each provincial cell whose formula reads no
    counter (only other columns and integers) computed again from the row's summed cells, so
    "发展数加二" is the sum plus two, not plus two for every subordinate. Changes `tables` in place
    and returns it; tables of another template version are left as summed."""
    for table in template["tables"] if template else ():
        summed = next((t for t in tables if t["key"] == PROVINCIAL_PREFIX + table["key"]), None)
        for row in table["rows"] if summed else ():
            target = next((r for r in summed["rows"] if r["key"] == row["key"]), None)
            if target is None:
                continue
            trees = {key: parse_formula(text) for key, text in row["cells"].items()}
            settled: dict = {}

            def cell(key: str, trees=trees, settled=settled, target=target) -> int:
                if key not in settled:
                    tree = trees.get(key)
                    settled[key] = (compute(tree, Figures(0), cell) if tree is not None and not counts(tree)
                                    else int(target["cells"].get(key) or 0))
                return settled[key]

            for key in target["cells"]:
                target["cells"][key] = cell(key)
    return tables


def evaluate_template(template: dict, figures: Figures) -> list[dict]:
    """A validated template's tables for one organization's figures, shaped like the national
    tables (tables.evaluate), keyed with PROVINCIAL_PREFIX and named 省表1…"""
    result = []
    for table in template["tables"]:
        rows = []
        for row in table["rows"]:
            trees = {key: parse_formula(text) for key, text in row["cells"].items()}
            cells: dict = {}

            def cell(key: str, trees=trees, cells=cells) -> int:
                if key not in cells:
                    cells[key] = compute(trees[key], figures, cell)
                return cells[key]

            rows.append({"key": row["key"], "label": row["label"],
                         "cells": {column["key"]: cell(column["key"]) for column in table["columns"]}})
        result.append({"key": PROVINCIAL_PREFIX + table["key"], "name": table["name"], "title": table["title"],
                       "provincial": True, "columns": [dict(column) for column in table["columns"]], "rows": rows,
                       "sums": [{"total": c["total"], "parts": list(c["parts"]), "label": c["label"]}
                                for c in table["checks"]]})
    return result
