"""Checking the rows of a member collection sheet before anything is written (pure).

Every problem is reported with its sheet row number, its field and a Chinese message: bad
values (through the same validator as a single new member), duplicate ID numbers within the
file or already registered, unknown or out-of-scope organization codes.
"""
from dataclasses import dataclass, field
from datetime import date

from services.shared.field_errors import FieldErrors

from .member_fields import validate_new_member


@dataclass
class CheckedRows:
    valid: list[dict] = field(default_factory=list)    # normalized rows, each with "row" and "org_id"
    errors: list[dict] = field(default_factory=list)   # {"row", "field", "message"}

    def add_error(self, row: int, field_name: str, message: str) -> None:
        self.errors.append({"row": row, "field": field_name, "message": message})


def check_rows(rows: list[dict], orgs_by_code: dict, registered_ids: set[str],
               today: date | None = None) -> CheckedRows:
    """`rows`: {"row": sheet row number, name, id_number, ethnicity, category, joined_on, org_code,
    optionally "sheet_problems": {field: message} found while reading the file}.
    `orgs_by_code`: code → {"id", "path", "in_scope"} for the codes that exist.
    `registered_ids`: the file's ID numbers that are already registered in the province."""
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
            problems["org_code"] = f"党组织已撤销，不能新增党员：{raw['org_code']}"
        try:
            data = validate_new_member({**raw, "org_id": org["id"] if org else 1}, today=today)
        except FieldErrors as exc:
            data = None
            problems.update({k: v for k, v in exc.fields.items() if k != "org_id" and k not in problems})
        if data is not None and "id_number" not in problems:
            number = data["id_number"]
            if number in first_seen:
                problems["id_number"] = f"与第{first_seen[number]}行的公民身份号码重复"
            elif number in registered_ids:
                problems["id_number"] = f"公民身份号码 {number} 已登记为党员"
            else:
                first_seen[number] = row
        for field_name, message in problems.items():
            checked.add_error(row, field_name, message)
        if not problems:
            checked.valid.append({**data, "row": row, "org_id": org["id"], "org_path": org["path"]})
    return checked
