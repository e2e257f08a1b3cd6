"""操作日志 in Excel: one row per entry, its field changes as one readable cell."""
from .roster import RosterColumn

_C = RosterColumn
AUDIT_COLUMNS = [_C("at_text", "时间", 20), _C("username", "账号", 14), _C("ip", "IP地址", 16),
                 _C("entity_name", "对象", 12), _C("entity_id", "对象编号", 10), _C("action", "操作", 16),
                 _C("changes_text", "内容（修改前 → 修改后）", 60), _C("request_id", "请求编号", 18)]


def changes_text(changes: list[dict]) -> str:
    def shown(value):
        return "（空）" if value in (None, "") else str(value)
    return "；".join(f"{c.get('field')}：{shown(c.get('before'))} → {shown(c.get('after'))}" for c in changes or ())


def rows_of(items: list[dict]) -> list[dict]:
    return [{**item, "at_text": item["at"][:19].replace("T", " "), "username": item["account"].get("username"),
             "changes_text": changes_text(item.get("changes"))} for item in items]
