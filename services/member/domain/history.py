"""A member's history lines: which fields a change touched, with their Chinese labels, and how
each value reads (code names, ISO dates). Pure. The lines store codes; a person reads names."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.shared.codes import EDUCATION, ETHNICITIES, MEMBER_CATEGORIES, OCCUPATIONS, SEXES

from .info_sets import INFO_SETS, InfoSet
from .member_check import LABELS

BASIC_LABELS = {**LABELS, "former_name": "曾用名", "address": "家庭住址"}
BASIC_TABLES = {"ethnicity": ETHNICITIES, "category": MEMBER_CATEGORIES, "education": EDUCATION,
                "occupation": OCCUPATIONS, "sex": SEXES}
BASIC_ORDER = ("name", "id_number", "sex", "birth_date", "ethnicity", "category", "joined_on", "full_on",
               "former_name", "native_place", "education", "occupation", "branch_joined_on", "phone", "address")

ACTION_NAMES = {"updated": "修改基本信息", "row_added": "新增", "row_updated": "修改", "row_removed": "删除",
                "transferred": "组织关系转接", "history_imported": "导入党籍变动"}


def plain(value):
    """A JSON value (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def basic_changes(before: Mapping, changes: Mapping) -> list[dict]:
    """[{field, label, old, new}] of the basic fields `changes` gives a new value (derived ones —
    sex and birth date from the ID number — too; the pinyin initials are not a person's field)."""
    return [{"field": key, "label": BASIC_LABELS[key], "old": plain(before.get(key)), "new": plain(changes[key])}
            for key in BASIC_ORDER if key in changes and before.get(key) != changes[key]]


def row_changes(spec: InfoSet, before: Mapping | None, after: Mapping | None) -> list[dict]:
    """The fields of an info-set row that differ between `before` (None: added) and `after` (None: removed)."""
    before, after = before or {}, after or {}
    return [{"field": f.key, "label": f.label, "old": plain(before.get(f.key)), "new": plain(after.get(f.key))}
            for f in spec.fields if plain(before.get(f.key)) != plain(after.get(f.key))]


def _name(table, value):
    if value is None or value == "":
        return None
    return table.name(value) if table is not None and value in table else str(value)


def readable(info_set: str | None, changes: list[dict]) -> list[dict]:
    """Each change with `old_name` and `new_name`: what a person reads (党员类别 正式党员, not 01)."""
    spec = INFO_SETS.get(info_set) if info_set else None
    tables = {f.key: f.table for f in spec.fields} if spec else BASIC_TABLES
    return [{**c, "old_name": _name(tables.get(c["field"]), c["old"]),
             "new_name": _name(tables.get(c["field"]), c["new"])} for c in changes]
