"""转接原因 as an editable code table (docs/TRANSFERS.md "Reasons"): what an administrator may
type, who is one, and the table 发起 validates against. Pure; the rows come from the service."""
import re

from services.shared import field_rules as rules
from services.shared.codes import CodeTable
from services.shared.context import SYSTEM_SCOPE
from services.shared.field_errors import FieldErrors

from .codes import REASON_ALIASES, TRANSFER_REASONS

NAME_MAX = 20
_CODE = re.compile(r"[0-9]{2,4}")
ADMIN_ONLY = "转接原因代码表只能由根党组织（全省）的管理账号维护"


def may_edit(scope_path: str) -> bool:
    """The code table is the deployment's: the system, or an account bound to the root
    organization (its scope is one path segment, "/<root id>/")."""
    return scope_path == SYSTEM_SCOPE or scope_path.count("/") == 2


def _name(errors: dict, value):
    try:
        name = rules.text(value, NAME_MAX)
        if name.isdigit():
            raise ValueError("名称不能只有数字")
        return name
    except ValueError as exc:
        errors["name"] = "请填写原因名称" if str(exc) == rules.REQUIRED else str(exc)
        return None


def validate_new(data) -> dict:
    """{code, name}: a code of 2 to 4 digits, a name of at most 20 characters."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    code = data.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if rules.blank(code):
        errors["code"] = "请填写代码"
    elif not isinstance(code, str) or not _CODE.fullmatch(code.strip()):
        errors["code"] = "代码应为2到4位数字"
    name = _name(errors, data.get("name"))
    if errors:
        raise FieldErrors(errors)
    return {"code": code.strip(), "name": name}


def validate_change(data) -> dict:
    """{name?, enabled?, version?}: 更名 and 停用/启用; at least one of them."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    out: dict = {}
    if "name" in data:
        out["name"] = _name(errors, data.get("name"))
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            errors["enabled"] = "应为是或否"
        out["enabled"] = data["enabled"]
    if not out and not errors:
        errors["name"] = "请填写新的名称，或选择停用、启用"
    if errors:
        raise FieldErrors(errors)
    return out


def reason_table(rows, keep: str | None = None) -> CodeTable:
    """The reasons 发起 may choose: enabled rows (code, name, enabled) in order, and `keep` (the
    code a transfer already has, for 重新发起) even if disabled since; the seed table's aliases
    (升学, 退休 …) of the codes present."""
    entries = [(code, name) for code, name, enabled in rows if enabled or code == keep]
    codes = {code for code, _ in entries}
    names = {name for _, name in entries}
    aliases = {alias: code for alias, code in REASON_ALIASES.items()
               if code in codes and alias not in names and alias not in codes}
    return CodeTable(TRANSFER_REASONS.name_zh, entries, aliases)
