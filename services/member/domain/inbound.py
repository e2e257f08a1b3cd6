"""线下转入 (非建库) as the member service sees it: the keyed-in member form checked by the rules
of a new member, who may already be on file, and the record it gives on 接收. Pure.

A person keyed in with the ID number of
- a member on the active rolls: refused (409: the same person cannot be on the rolls twice);
- a member in history who left by 组织关系转出 (kind 40, 跨省/系统外): they come back — the SAME
  record is taken back on the 接收 date (docs/TRANSFERS.md: their 党籍 history, info sets and
  earlier years stay one member; the time away is an absence, as after 找回);
- a member in history who left otherwise (死亡, 出党, 停止党籍…): refused (409; 恢复党籍 is 找回,
  not a transfer).
"""
from collections.abc import Mapping
from datetime import date

from services.shared.codes import ETHNICITIES, LEAVE_KINDS, MEMBER_CATEGORIES, SEXES, TRANSFERRED_OUT

from .member_fields import EXTRA_FIELDS, validate_new_member
from .names import initials, sort_key
from .status import ACTIVE, ACTIVE_STATE

# The form's fields the transfer keeps (进入支部日期 is the 接收 date, set then).
FORM_FIELDS = ("name", "id_number", "ethnicity", "category", "joined_on",
               *(field for field in EXTRA_FIELDS if field != "branch_joined_on"))
BASIC_FIELDS = ("name", "ethnicity", "category", "joined_on")
ORG_LABEL = "所在党组织"


def checked_form(raw: Mapping, today: date | None = None) -> dict:
    """The new member's fields (FieldErrors as for 新增党员), branch_joined_on left to 接收."""
    data = validate_new_member({**raw, "branch_joined_on": None}, today)
    data.pop("branch_joined_on", None)
    return data


def snapshot(data: Mapping, returning_id: int | None) -> dict:
    """What the transfer keeps (JSON: dates as text) and shows: the form and the names of its codes."""
    out = {key: value.isoformat() if isinstance(value, date) else value
           for key, value in data.items() if key in (*FORM_FIELDS, "sex", "birth_date")}
    out.update(sex_name=SEXES.name(data["sex"]), ethnicity_name=ETHNICITIES.name(data["ethnicity"]),
               category_name=MEMBER_CATEGORIES.name(data["category"]), returning_member_id=returning_id)
    return out


def on_file(existing: Mapping | None) -> tuple[str | None, int | None]:
    """(why the person cannot be keyed in, or None; the id of the record to take back, or None)."""
    if existing is None:
        return None, None
    if existing["status"] == ACTIVE:
        return f"公民身份号码 {existing['id_number']} 已登记为在册党员，不能重复转入", None
    if existing["leave_kind"] != TRANSFERRED_OUT:
        kind = LEAVE_KINDS.name(existing["leave_kind"]) if existing["leave_kind"] in LEAVE_KINDS else "离开党员队伍"
        return (f"公民身份号码 {existing['id_number']} 的党员已于{existing['left_on']}{kind}，不能办理转入"
                f"（恢复党籍请办理找回）"), None
    return None, existing["id"]


def new_values(data: Mapping, target: Mapping, effective_on: date) -> dict:
    """A new member's row: the form, the receiving organization, 进入支部日期 = 接收 date, and the
    day they came into this system (the report counts them from then on, not as a 发展)."""
    return {**data, "org_id": target["id"], "org_path": target["path"], "branch_joined_on": effective_on,
            "arrived_on": effective_on}


def returning_values(data: Mapping, target: Mapping, effective_on: date) -> dict:
    """The record taken back: on the rolls again in the receiving organization; the letter's basic
    fields, and every other field it gives, replace what was kept."""
    values = {key: data[key] for key in BASIC_FIELDS}
    values.update(name_initials=initials(data["name"]), name_sort=sort_key(data["name"]))
    values.update({key: data[key] for key in EXTRA_FIELDS if key in data and data[key] is not None})
    return {**values, **ACTIVE_STATE, "org_id": target["id"], "org_path": target["path"],
            "branch_joined_on": effective_on}


def arrival_changes(from_text: str, to_name: str, effective_on: str, before: Mapping | None = None) -> list[dict]:
    """The member's history line: 所在党组织 from the letter's sender to the receiving
    organization, and for a record taken back its 党籍 (历史 → 在册) and the fields that changed."""
    changes = [{"field": "org_id", "label": ORG_LABEL, "old": f"{from_text}（线下转入）", "new": to_name},
               {"field": "branch_joined_on", "label": "进入支部日期", "old": None, "new": effective_on}]
    if before is not None:
        changes.append({"field": "status", "label": "党籍状态", "old": "历史（组织关系转出）", "new": "在册"})
    return changes
