"""移动党组织 (moving an organization under another parent): what a request must say and which
targets are refused. Pure; services/org/moves.py applies it."""
from collections.abc import Mapping
from datetime import date

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, version

from .hierarchy import can_have_children, child_path
from .org_card import dated_reason


def validate_move(data, established_on: date | None, today: date | None = None) -> dict:
    """{parent_id, date, reason, version}: all required; the date not in the future and not
    before the organization was set up."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    today = today or date.today()
    errors: dict[str, str] = {}
    out: dict = {}
    parent_id = data.get("parent_id")
    if isinstance(parent_id, bool) or not isinstance(parent_id, int) or parent_id < 1:
        errors["parent_id"] = "请选择新的上级党组织" if blank(parent_id) else "上级党组织编号应为正整数"
    else:
        out["parent_id"] = parent_id
    dated_reason(data, "移动", established_on, today, out, errors)
    try:
        if blank(data.get("version")):
            raise ValueError("请提供读取时的版本号")
        out["version"] = version(data.get("version"))
    except ValueError as exc:
        errors["version"] = str(exc)
    unknown = set(data) - {"parent_id", "date", "reason", "version"}
    for key in unknown:
        errors[str(key)] = "未知的信息项"
    if errors:
        raise FieldErrors(errors)
    return out


def target_problem(path: str, parent_id: int | None, target) -> str | None:
    """Why `target` (path, id, status, type, name) cannot become the new parent of the
    organization at `path`; None when it can."""
    if target.path.startswith(path):
        return "不能移动到本组织或其下级党组织之下"
    if target.id == parent_id:
        return f"该党组织已在“{target.name}”之下"
    if target.status != "active":
        return f"“{target.name}”已撤销，不能作为上级党组织"
    if not can_have_children(target.type):
        return f"“{target.name}”是党支部，不能设立下级党组织"
    return None


def new_path(target_path: str, org_id: int) -> str:
    return child_path(target_path, org_id)
