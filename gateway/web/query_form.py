"""The 综合查询 condition builder's form ⇄ the query's condition tree. Pure.

The form has blocks of condition rows: `join` between blocks, and per block `g.<b>.join` and rows
`c.<b>.<r>.field|op|v|v2` (b, r: ids the page makes up, unique within the form). One block is the
tree itself; several blocks are "(block 1) join (block 2) …", a one-row block being its condition.
Rows with no field chosen are ignored. The service checks the tree; `errors_by_row` puts its
errors (keyed "2" or "1.3") beside the rows they belong to.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

_ROW = re.compile(r"c\.([A-Za-z0-9]{1,12})\.([A-Za-z0-9]{1,12})\.(field|op|v|v2)")
NO_VALUE = ("empty", "not_empty")


def new_id() -> str:
    return secrets.token_hex(4)


@dataclass
class Row:
    id: str
    field: str = ""
    op: str = ""
    v: str = ""
    v2: str = ""
    error: str = ""

    def condition(self) -> dict:
        if self.op in NO_VALUE:
            return {"field": self.field, "operator": self.op}
        value = [self.v, self.v2] if self.op == "between" else self.v
        return {"field": self.field, "operator": self.op, "value": value}


@dataclass
class Block:
    id: str
    join: str = "and"
    rows: list[Row] = field(default_factory=list)


def blocks_from_form(form: Mapping[str, str]) -> tuple[str, list[Block]]:
    """(top join, blocks with their chosen rows), in the form's order."""
    blocks: dict[str, Block] = {}
    rows: dict[tuple[str, str], Row] = {}
    for key, value in form.items():
        match = _ROW.fullmatch(key)
        if match:
            block_id, row_id, part = match.groups()
            block = blocks.setdefault(block_id, Block(block_id, form.get(f"g.{block_id}.join", "and")))
            row = rows.get((block_id, row_id))
            if row is None:
                row = rows[(block_id, row_id)] = Row(row_id)
                block.rows.append(row)
            setattr(row, part, value.strip())
    chosen = []
    for block in blocks.values():
        block.rows = [row for row in block.rows if row.field]
        if block.rows:
            chosen.append(block)
    return form.get("join", "and"), chosen


def tree_of(join: str, blocks: list[Block]) -> dict:
    if len(blocks) == 1:
        return {"join": blocks[0].join, "conditions": [row.condition() for row in blocks[0].rows]}
    return {"join": join, "conditions": [
        block.rows[0].condition() if len(block.rows) == 1
        else {"join": block.join, "conditions": [row.condition() for row in block.rows]} for block in blocks]}


def _row_of(condition: Mapping) -> Row:
    value = condition.get("value")
    low, high = (value if isinstance(value, list) and len(value) == 2 else (value, ""))
    return Row(new_id(), str(condition.get("field") or ""), str(condition.get("operator") or ""),
               "" if low is None else str(low), "" if high is None else str(high))


def blocks_of(tree: Mapping | None) -> tuple[str, list[Block]]:
    """A stored tree as the form shows it (a flat tree is one block)."""
    tree = tree or {}
    items = [item for item in tree.get("conditions") or [] if isinstance(item, Mapping)]
    join = tree.get("join", "and")
    if not any("conditions" in item for item in items):
        return "and", [Block(new_id(), join, [_row_of(item) for item in items])]
    return join, [Block(new_id(), item.get("join", "and"), [_row_of(c) for c in item["conditions"]])
                  if "conditions" in item else Block(new_id(), "and", [_row_of(item)]) for item in items]


def errors_by_row(blocks: list[Block], fields: Mapping[str, str]) -> dict[str, str]:
    """The service's errors by position → attached to the rows; the rest returned."""
    rest = dict(fields)
    for i, block in enumerate(blocks, start=1):
        for j, row in enumerate(block.rows, start=1):
            keys = [f"{j}"] if len(blocks) == 1 else ([f"{i}"] if len(block.rows) == 1 else [f"{i}.{j}"])
            for key in keys:
                if key in rest:
                    row.error = rest.pop(key)
    return rest
