"""流动党员 lists in Excel: the columns of each list (流出, 流入, 失联, 待确认流入), written by the
roster's page-by-page writer from the transfer service's list items."""
from .roster import RosterColumn

_C = RosterColumn
_OUT = [_C("member_name", "姓名", 12), _C("sex_name", "性别", 6), _C("home_org_name", "所在党组织", 28),
        _C("from_date", "流出日期", 12), _C("reason_name", "流出原因", 14), _C("destination_text", "流向地", 24),
        _C("destination_code", "行政区划代码", 12), _C("to_org_name", "流入党组织", 28),
        _C("expected_return", "预计返回", 12), _C("phone", "联系电话", 14), _C("certificate_no", "活动证编号", 18),
        _C("state_name", "状态", 8)]
_LOST = [*_OUT[:5], _C("lost_since", "失联日期", 12), _C("lost_reason", "失联原因", 14),
         _C("lost_note", "说明", 24), _C("lost_long", "失联满6个月", 10), _C("phone", "联系电话", 14)]
_IN = [_C("member_name", "姓名", 12), _C("org_name", "流入党组织", 28), _C("home_org_name", "流出地党组织", 28),
       _C("from_date", "流入日期", 12), _C("certificate_no", "活动证编号", 18), _C("phone", "联系电话", 14),
       _C("state_name", "状态", 8), _C("ended_on", "离开日期", 12)]
MOBILITY_COLUMNS = {"out": _OUT, "lost": _LOST, "in": _IN, "pending": _OUT}


def rows_of(items: list[dict]) -> list[dict]:
    """List items flattened to the columns' keys (names, not codes)."""
    rows = []
    for item in items:
        destination, lost = item.get("destination") or {}, item.get("lost") or {}
        rows.append({**item, "destination_text": destination.get("text"), "destination_code": destination.get("code"),
                     "lost_since": lost.get("since"), "lost_reason": lost.get("reason_name"),
                     "lost_note": lost.get("note"), "lost_long": "是" if lost.get("lost_long") else ""})
    return rows
