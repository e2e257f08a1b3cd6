"""Checking the rows of an organization collection sheet (党组织采集表) before anything is
written (pure). Every problem is reported with its sheet row, its field and a Chinese message:
bad items (through the same validator as a new card), codes repeated in the file or already
used, and parents that are unknown, out of scope, revoked, branches, or later in the file."""
from dataclasses import dataclass, field

from services.shared.codes import ORG_TYPES
from services.shared.field_errors import FieldErrors
from services.shared.org_sheet import UNIT_KEYS

from .hierarchy import can_have_children
from .org_card import FIELDS, UNIT_FIELDS, validate_entry, validate_new_card

NOTED = ("type", "affiliation")  # coded items: typed names and aliases (县委, 支部) are read as codes


@dataclass
class CheckedOrgRows:
    valid: list[dict] = field(default_factory=list)   # normalized, with "row", "parent_code", "parent_id"|None
    errors: list[dict] = field(default_factory=list)  # {"row", "field", "message"}
    notes: list[dict] = field(default_factory=list)   # {"row", "name", "org", "field", "message"}: normalized


def normalized(raw: dict, data: dict) -> list[tuple[str, str]]:
    """(field, "党组织类别：县委 → 地方委员会") for each coded item typed otherwise than its name."""
    notes = []
    for key in NOTED:
        typed, code = str(raw.get(key) or "").strip(), data.get(key)
        if typed and code:
            name = FIELDS[key].table.name(code)
            if typed != name:
                notes.append((key, f"{FIELDS[key].label}：{typed} → {name}"))
    return notes


def checked_unit(raw: dict) -> tuple[dict | None, dict]:
    """The row's 单位信息 (None when its three columns are empty) and its problems by column: a
    unit is written when 单位性质类别 is given, with its name and 建立党组织情况 (the card's rule)."""
    given = {column: str(raw.get(column) or "").strip() for column in UNIT_KEYS}
    if not any(given.values()):
        return None, {}
    try:
        return validate_entry(UNIT_FIELDS, {key: given[column] or None for column, key in UNIT_KEYS.items()}), {}
    except FieldErrors as exc:
        columns = {key: column for column, key in UNIT_KEYS.items()}
        return None, {columns[key]: ("填写单位信息时必填" if message == "必填" else message)
                      for key, message in exc.fields.items() if key in columns}


def _parent_problem(parent_code: str, in_file: dict, orgs_by_code: dict) -> str | None:
    if parent_code in in_file:
        row, type_code = in_file[parent_code]
        if type_code is None:
            return f"上级党组织（第{row}行）有误，请先改正该行"
        if not can_have_children(type_code):
            return f"上级党组织（第{row}行）是{ORG_TYPES.name(type_code)}，不能设立下级党组织"
        return None
    org = orgs_by_code.get(parent_code)
    if org is None:
        return f"上级党组织代码不存在：{parent_code}（本表中的上级须写在前面的行）"
    if not org["in_scope"]:
        return f"上级党组织不在本账号的管理范围内：{parent_code}"
    if org.get("status", "active") != "active":
        return f"上级党组织已撤销：{parent_code}"
    if not can_have_children(org["type"]):
        return f"上级党组织是{ORG_TYPES.name(org['type'])}，不能设立下级党组织"
    return None


def check_org_rows(rows: list[dict], orgs_by_code: dict) -> CheckedOrgRows:
    """`rows`: {"row", card items, "parent_code", optionally "sheet_problems"}.
    `orgs_by_code`: code → {"id", "type", "status", "in_scope"} for the file's codes that exist."""
    checked = CheckedOrgRows()
    in_file: dict[str, tuple[int, str | None]] = {}  # code → (row, its type when the row is valid)
    for raw in rows:
        row = raw["row"]
        problems = dict(raw.get("sheet_problems") or {})
        try:
            data = validate_new_card({**raw, "parent_id": 1})
        except FieldErrors as exc:
            data = None
            problems.update({k: v for k, v in exc.fields.items() if k != "parent_id" and k not in problems})
        unit, unit_problems = checked_unit(raw)
        for key, message in unit_problems.items():
            problems.setdefault(key, message)
        code = (data or {}).get("code") or str(raw.get("code") or "").strip()
        if code and "code" not in problems:
            if code in in_file:
                problems["code"] = f"与第{in_file[code][0]}行的党组织代码重复"
            elif code in orgs_by_code:
                problems["code"] = f"党组织代码“{code}”已被使用"
        parent_code = str(raw.get("parent_code") or "").strip()
        if not parent_code:
            problems.setdefault("parent_code", "必填")
        elif (problem := _parent_problem(parent_code, in_file, orgs_by_code)) is not None:
            problems["parent_code"] = problem
        if code and code not in in_file and "code" not in problems:  # a used code must not hide its owner
            in_file[code] = (row, None if problems else data["type"])
        for field_name, message in problems.items():
            checked.errors.append({"row": row, "field": field_name, "message": message})
        if data is not None:
            checked.notes += [{"row": row, "name": data["name"], "org": parent_code, "field": key, "message": note}
                              for key, note in normalized(raw, data)]
        if not problems:
            parent = orgs_by_code.get(parent_code)
            data.pop("parent_id")
            checked.valid.append({**data, "row": row, "parent_code": parent_code, "unit": unit,
                                  "parent_id": parent["id"] if parent and parent_code not in in_file else None})
    return checked
