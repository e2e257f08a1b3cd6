"""Checking the rows of a member collection sheet before anything is written (pure).

Every problem is reported with its sheet row number, its field and a Chinese message: bad
values (through the same validator as a single new member), duplicate ID numbers within the
file or already registered, unknown or out-of-scope organization codes. Each problem also names the person (姓名) and
the organization (所在党组织: its name, or the code as typed when it is unknown or out of
scope), and every coded value the import read differently from what was typed is noted
(民族：汉 → 汉族), so the clerk sees what will be written.
"""
from dataclasses import dataclass, field
from datetime import date

from services.shared.field_errors import FieldErrors

from .history import BASIC_LABELS, BASIC_TABLES
from .member_fields import validate_new_member

NOTED = ("ethnicity", "category", "education", "occupation")


@dataclass
class CheckedRows:
    valid: list[dict] = field(default_factory=list)    # normalized rows, each with "row" and "org_id"
    errors: list[dict] = field(default_factory=list)   # {"row", "name", "org", "field", "message"}
    notes: list[dict] = field(default_factory=list)    # {"row", "name", "org", "field", "message"}: normalized

    def add_error(self, row: int, who: dict, field_name: str, message: str) -> None:
        self.errors.append({"row": row, **who, "field": field_name, "message": message})


def normalized(raw: dict, data: dict) -> list[tuple[str, str]]:
    """(field, "民族：汉 → 汉族") for each coded value typed otherwise than its name."""
    notes = []
    for key in NOTED:
        typed, code = str(raw.get(key) or "").strip(), data.get(key)
        if typed and code:
            name = BASIC_TABLES[key].name(code)
            if typed != name:
                notes.append((key, f"{BASIC_LABELS[key]}：{typed} → {name}"))
    return notes


def _member_registered(number: str, where) -> str:
    return f"公民身份号码 {number} 已登记为党员"


def check_rows(rows: list[dict], orgs_by_code: dict, registered_ids, today: date | None = None,
               validate=validate_new_member, registered_message=_member_registered,
               who: str = "党员") -> CheckedRows:
    """`rows`: {"row": sheet row number, name, id_number, ethnicity, category, joined_on, org_code,
    optionally "sheet_problems": {field: message} found while reading the file}.
    `orgs_by_code`: code → {"id", "path", "in_scope"} for the codes that exist.
    `registered_ids`: the file's ID numbers that are already registered in the province (a set,
    or a mapping number → where, which `registered_message(number, where)` words).
    The 入党申请人采集表 is checked the same way with its own `validate`, message and `who`."""
    registered_ids = registered_ids if hasattr(registered_ids, "get") else dict.fromkeys(registered_ids)
    checked = CheckedRows()
    first_seen: dict[str, int] = {}
    for raw in rows:
        row = raw["row"]
        problems = dict(raw.get("sheet_problems") or {})
        org = orgs_by_code.get(str(raw.get("org_code") or "").strip())
        if not str(raw.get("org_code") or "").strip():
            problems.setdefault("org_code", "必填")
        elif org is None:
            problems["org_code"] = f"党组织代码不存在：{raw['org_code']}"
        elif not org["in_scope"]:
            problems["org_code"] = f"党组织不在本账号的管理范围内：{raw['org_code']}"
        elif org.get("status", "active") != "active":
            problems["org_code"] = f"党组织已撤销，不能新增{who}：{raw['org_code']}"
        try:
            data = validate({**raw, "org_id": org["id"] if org else 1}, today=today)
        except FieldErrors as exc:
            data = None
            problems.update({k: v for k, v in exc.fields.items() if k != "org_id" and k not in problems})
        if data is not None and "id_number" not in problems:
            number = data["id_number"]
            if number in first_seen:
                problems["id_number"] = f"与第{first_seen[number]}行的公民身份号码重复"
            elif number in registered_ids:
                problems["id_number"] = registered_message(number, registered_ids[number])
            else:
                first_seen[number] = row
        # Who the row is about: an unknown or out-of-scope organization only as typed.
        typed_code = str(raw.get("org_code") or "").strip()
        who = {"name": str(raw.get("name") or "").strip(),
               "org": org["name"] if org and org["in_scope"] and "name" in org else typed_code}
        for field_name, message in problems.items():
            checked.add_error(row, who, field_name, message)
        if data is not None:
            checked.notes += [{"row": row, **who, "field": key, "message": note} for key, note in normalized(raw, data)]
        if not problems:
            checked.valid.append({**data, "row": row, "org_id": org["id"], "org_path": org["path"]})
    return checked
