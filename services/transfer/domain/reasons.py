"""转接原因 as an editable code table (docs/TRANSFERS.md "Reasons", docs/CODES.md): what an
administrator may type, who is one, the code a new entry gets, what each change writes to the
list's history, and the table 发起 validates against. Pure; the rows come from the service."""
import re
from collections.abc import Mapping

from services.shared import field_rules as rules
from services.shared.codes import CodeTable
from services.shared.context import SYSTEM_SCOPE
from services.shared.field_errors import FieldErrors
from services.shared.rights import ALL_RIGHTS, WRITE, allows

from .codes import REASON_ALIASES, TRANSFER_REASONS

NAME_MAX = 20
_CODE = re.compile(r"[0-9]{2,4}")
ADMIN_ONLY = "转接原因代码表只能由根党组织（全省）具有“系统工具”维护权限的管理账号维护"
# What the list's history records (reason_code_changes.action) and how people read it.
ADDED, RENAMED, RETIRED, RESTORED, DELETED = "added", "renamed", "retired", "restored", "deleted"
CHANGE_NAMES = {ADDED: "新增", RENAMED: "更名", RETIRED: "停用", RESTORED: "启用", DELETED: "删除"}
OTHER = "99"  # 其他 stays last: new codes are numbered before it


def may_edit(scope_path: str, rights: Mapping | None = ALL_RIGHTS) -> bool:
    """The code table is the deployment's: the system, or an account bound to the root
    organization (its scope is one path segment, "/<root id>/") holding 系统工具 write (the
    provincial administrator)."""
    at_root = scope_path == SYSTEM_SCOPE or scope_path.count("/") == 2
    return at_root and allows(rights, "system", WRITE)


def next_code(existing) -> str:
    """The code a new entry gets when none is typed: the one after the highest two-digit code
    below 99 (其他), else the first free two-digit one, else the first free three- or four-digit one.
    A code once used is never given again while its row exists (a deleted one was never used)."""
    taken = set(existing)
    two = [int(c) for c in taken if len(c) == 2 and c.isdigit() and c != OTHER]
    start = max(two, default=0) + 1
    for number in [*range(start, 99), *range(1, 99)]:
        if f"{number:02d}" not in taken:
            return f"{number:02d}"
    for number in range(100, 10000):
        if str(number) not in taken:
            return str(number)
    raise FieldErrors({"code": "代码已用尽，请填写代码"})


def history_lines(code: str, before: tuple[str, bool] | None, after: tuple[str, bool] | None) -> list[dict]:
    """The rows a change writes to the list's history, from the entry's (name, enabled) before and
    after (None: added or deleted). The code itself never changes."""
    if before is None:
        return [{"code": code, "action": ADDED, "name_before": None, "name_after": after[0]}]
    if after is None:
        return [{"code": code, "action": DELETED, "name_before": before[0], "name_after": None}]
    lines = []
    if before[0] != after[0]:
        lines.append({"code": code, "action": RENAMED, "name_before": before[0], "name_after": after[0]})
    if before[1] != after[1]:
        lines.append({"code": code, "action": RESTORED if after[1] else RETIRED, "name_before": after[0],
                      "name_after": after[0]})
    return lines


def stored_name(code: str, rows) -> str:
    """The name a stored record shows for its code: the entry's current name, retired or not (rows
    (code, name, enabled)); the bare code only if the row is gone, which a foreign key prevents."""
    return next((name for row_code, name, _ in rows if row_code == code), code)


def _name(errors: dict, value):
    try:
        name = rules.text(value, NAME_MAX)
        if name.isdigit():
            raise ValueError("名称不能只有数字")
        return name
    except ValueError as exc:
        errors["name"] = "请填写原因名称" if str(exc) == rules.REQUIRED else str(exc)
        return None


def validate_new(data, code_required: bool = True) -> dict:
    """{code, name}: a code of 2 to 4 digits, a name of at most 20 characters. Without
    `code_required` the code may be left out ({"code": None}: the service numbers it, next_code)."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    code = data.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if rules.blank(code):
        if code_required:
            errors["code"] = "请填写代码"
        code = None
    elif not isinstance(code, str) or not _CODE.fullmatch(code.strip()):
        errors["code"] = "代码应为2到4位数字"
    name = _name(errors, data.get("name"))
    if errors:
        raise FieldErrors(errors)
    return {"code": code.strip() if code else None, "name": name}


def validate_change(data) -> dict:
    """{name?, enabled?, retired?, version?}: 更名 and 停用/启用 (`retired` is the code-tables API's
    word: retired = not enabled); at least one of them. The code is never changed."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    out: dict = {}
    if "code" in data:
        errors["code"] = "代码不能修改（已有记录使用该代码）；可停用后新增代码"
    if "name" in data:
        out["name"] = _name(errors, data.get("name"))
    for key, enabled_when in (("enabled", True), ("retired", False)):
        if key not in data:
            continue
        if not isinstance(data[key], bool):
            errors[key] = "应为是或否"
        elif out.get("enabled", data[key] == enabled_when) != (data[key] == enabled_when):
            errors[key] = "启用与停用不能同时选择"
        else:
            out["enabled"] = data[key] == enabled_when
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
