"""党费 sheets in Excel, written by the roster's writer: a branch's monthly collection sheet
(who paid, who did not, the totals; then the organization's 流入党员, 本系统内 and 系统外, apart from
the totals as on screen), a year's summary (by month and by sub-organization) and a year's 上缴
(the organization's own remittances, its subordinates' collected and remitted, those received)."""
from decimal import Decimal

from .roster import RosterColumn, RosterWriter

_C = RosterColumn
MONTH_COLUMNS = [_C("name", "姓名", 12), _C("bracket", "基数档次", 28), _C("due", "应交（元）", 12),
                 _C("paid", "实交（元）", 12), _C("paid_on", "交纳日期", 12), _C("method", "交纳方式", 8),
                 _C("collector", "收缴人", 10), _C("kind", "类型", 8), _C("status_name", "状态", 8),
                 _C("note", "备注", 36)]
SUMMARY_COLUMNS = [_C("label", "月份／党组织", 30), _C("due", "应交（元）", 14), _C("paid", "实交（元）", 14),
                   _C("late", "其中补交（元）", 14), _C("large", "大额党费（元）", 14), _C("exempt", "减免（元）", 12),
                   _C("arrears_members", "欠交人数", 10), _C("exempt_members", "少交/免交人数", 12),
                   _C("remitted", "上缴（元）", 14)]
REMITTANCE_COLUMNS = [_C("label", "党组织／期间", 30), _C("period", "所缴期间", 16), _C("collected", "实交（元）", 14),
                      _C("remitted", "上缴（元）", 14), _C("confirmed", "其中已确认（元）", 16),
                      _C("difference", "差额（元）", 14), _C("remitted_on", "上缴日期", 12),
                      _C("receipt_no", "收据号", 14),
                      _C("state", "状态", 10), _C("note", "备注", 36)]


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
        if payment.get("collected_by_org_id"):
            rows[-1]["note"] = f"在流入地交纳（{payment.get('collected_by_org_name') or '流入党组织'}）"
    totals = sheet["totals"]
    rows.append({"name": "合计", "bracket": f"{totals['members']}人，已交{totals['paid_members']}人，"
                                             f"未交{totals['unpaid_members']}人",
                 "due": totals["due"], "paid": totals["paid"]})
    rows.extend(_inflow_rows((sheet.get("inflows") or {}).get("members") or []))
    return writer, rows


def _inflow_rows(entries: list[dict]) -> list[dict]:
    """The organization's 流入党员 of the month after the branch's totals (not in them): 本系统内 (their
    own ledger's month, 应交 by their home branch) and 系统外 (the inflow ledger, no 应交), each with a
    subtotal."""
    rows = []
    sections = (("流入党员（本系统内，不计入上面的合计）", [e for e in entries if not e.get("external")]),
                ("流入党员（系统外，单独记账，不计入上面的合计）", [e for e in entries if e.get("external")]))
    for title, found in sections:
        if not found:
            continue
        rows.append({})
        rows.append({"name": title})
        for entry in found:
            payment = entry.get("payment") or {}
            if entry.get("external"):
                note = f"活动证编号：{entry.get('certificate_no') or '—'}；{entry['from_date']}流入"
            else:
                note = f"所在党组织：{entry.get('home_org_name') or '—'}；{entry['from_date']}流入"
                if payment and not payment.get("collected_by_org_id"):
                    note += "；在所在支部交纳"
            rows.append({"name": entry["name"], "bracket": entry.get("bracket") or entry.get("problem") or "",
                         "due": entry.get("due") or "", "paid": entry["paid"], "paid_on": entry.get("paid_on") or "",
                         "method": payment.get("method_name", ""), "collector": payment.get("collector", ""),
                         "kind": payment.get("kind_name", ""), "status_name": entry["status_name"], "note": note})
        paid = sum((Decimal(entry["paid"]) for entry in found), Decimal("0.00"))
        done = sum(1 for entry in found if entry["status"] != "unpaid")
        rows.append({"name": "小计", "bracket": f"{len(found)}人，已交{done}人", "paid": f"{paid:.2f}"})
    return rows


def summary_sheet(figures: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a year's summary (the dues service's summary answer)."""
    writer = RosterWriter(f"{figures['org_name']} {figures['year']}年党费收缴汇总", SUMMARY_COLUMNS,
                          sheet_name="党费收缴汇总")
    rows = [{**row, "label": f"{int(row['month'][5:])}月"} for row in figures["months"]]
    rows.append({**figures, "label": "全年合计"})
    rows.extend({**child, "label": child["name"]} for child in figures["children"])
    return writer, rows


def remittance_sheet(overview: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a year's 上缴 (the dues service's remittances answer): the organization's
    own quarters and year with its records, its direct subordinates, the records received from them."""
    org = overview["org"]
    writer = RosterWriter(f"{org['name']} {overview['year']}年党费上缴情况", REMITTANCE_COLUMNS, sheet_name="党费上缴")
    parent = overview.get("parent")
    rows = [{"label": f"本组织上缴{parent['name'] if parent else '（无上级党组织）'}"}]
    own = overview["own"]
    rows.extend({**figures, "label": figures["label"], "period": figures["period"]}
                for figures in [*own["quarters"], own["year"]])
    rows.extend(_record_row(item, item["period_label"]) for item in own["items"])
    if overview["children"]:
        rows.append({})
        rows.append({"label": f"直属下级党组织（{overview['period_label']}，含其下级）"})
        rows.extend({**child, "label": child["name"]} for child in overview["children"])
    if overview["received"]:
        rows.append({})
        rows.append({"label": "下级上缴本组织的记录"})
        rows.extend(_record_row(item, item["org_name"] or "") for item in overview["received"])
    return writer, rows


def _record_row(item: dict, label: str) -> dict:
    state = item["state_name"] + (f"（{item['void_reason']}）" if item["voided"] and item.get("void_reason") else "")
    confirmed = item["state"] == "confirmed" and not item["voided"]
    return {"label": label, "period": item["period_label"], "collected": item["collected"],
            "remitted": item["amount"], "confirmed": item["amount"] if confirmed else "",
            "difference": item["difference"], "remitted_on": item["remitted_on"],
            "receipt_no": item.get("receipt_no") or "", "state": state, "note": item.get("note") or ""}
