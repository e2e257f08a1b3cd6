"""党费 sheets in Excel, written by the roster's writer: a branch's monthly collection sheet
(who paid, who did not, the totals) and a year's summary (by month and by sub-organization)."""
from .roster import RosterColumn, RosterWriter

_C = RosterColumn
MONTH_COLUMNS = [_C("name", "姓名", 12), _C("bracket", "基数档次", 28), _C("due", "应交（元）", 12),
                 _C("paid", "实交（元）", 12), _C("paid_on", "交纳日期", 12), _C("method", "交纳方式", 8),
                 _C("collector", "收缴人", 10), _C("kind", "类型", 8), _C("status_name", "状态", 8)]
SUMMARY_COLUMNS = [_C("label", "月份／党组织", 30), _C("due", "应交（元）", 14), _C("paid", "实交（元）", 14),
                   _C("late", "其中补交（元）", 14), _C("large", "大额党费（元）", 14), _C("exempt", "减免（元）", 12),
                   _C("arrears_members", "欠交人数", 10), _C("exempt_members", "少交/免交人数", 12)]


def month_sheet(sheet: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a branch's month (the dues service's branch_month answer)."""
    writer = RosterWriter(f"{sheet['org']['name']} {sheet['label']}党费收缴表", MONTH_COLUMNS, sheet_name="党费收缴表")
    rows = []
    for entry in sheet["members"]:
        payment = entry.get("payment") or {}
        rows.append({"name": entry["name"], "bracket": entry.get("bracket") or entry.get("problem") or "",
                     "due": entry.get("due") or "", "paid": entry["paid"], "paid_on": entry.get("paid_on") or "",
                     "method": payment.get("method_name", ""), "collector": payment.get("collector", ""),
                     "kind": payment.get("kind_name", ""), "status_name": entry["status_name"]})
    totals = sheet["totals"]
    rows.append({"name": "合计", "bracket": f"{totals['members']}人，已交{totals['paid_members']}人，"
                                             f"未交{totals['unpaid_members']}人",
                 "due": totals["due"], "paid": totals["paid"]})
    return writer, rows


def summary_sheet(figures: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a year's summary (the dues service's summary answer)."""
    writer = RosterWriter(f"{figures['org_name']} {figures['year']}年党费收缴汇总", SUMMARY_COLUMNS,
                          sheet_name="党费收缴汇总")
    rows = [{**row, "label": f"{int(row['month'][5:])}月"} for row in figures["months"]]
    rows.append({**figures, "label": "全年合计"})
    rows.extend({**child, "label": child["name"]} for child in figures["children"])
    return writer, rows
