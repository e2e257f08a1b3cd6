"""党费 sheets in Excel, written by the roster's writer: a branch's monthly collection sheet
(who paid, who did not, the totals; then the organization's 流入党员, 本系统内 and 系统外, apart from
the totals as on screen), a year's summary (by month and by sub-organization), a year's 上缴
(the organization's own remittances, its subordinates' collected and remitted, those received), a
subtree's 大额党费 and a branch's yearly 党费收缴情况公示. Amounts are number cells with two decimals
(cells.money_cell), a negative 差额 too."""
from collections import Counter
from decimal import Decimal

from .roster import RosterColumn, RosterWriter

_C = RosterColumn
MONTH_COLUMNS = [_C("name", "姓名", 12), _C("bracket", "基数档次", 28), _C("due", "应交（元）", 12, True),
                 _C("paid", "实交（元）", 12, True), _C("paid_on", "交纳日期", 12), _C("method", "交纳方式", 8),
                 _C("collector", "收缴人", 10), _C("kind", "类型", 8), _C("status_name", "状态", 8),
                 _C("note", "备注", 36)]
SUMMARY_COLUMNS = [_C("label", "月份／党组织", 30), _C("due", "应交（元）", 14, True),
                   _C("paid", "实交（元）", 14, True),
                   _C("late", "其中补交（元）", 14, True), _C("large", "大额党费（元）", 14, True),
                   _C("exempt", "减免（元）", 12, True), _C("arrears_members", "欠交人数", 10),
                   _C("exempt_members", "少交/免交人数", 12), _C("remitted", "上缴（元）", 14, True)]
REMITTANCE_COLUMNS = [_C("label", "党组织／期间", 30), _C("period", "所缴期间", 16),
                      _C("collected", "实交（元）", 14, True), _C("remitted", "上缴（元）", 14, True),
                      _C("confirmed", "其中已确认（元）", 16, True), _C("difference", "差额（元）", 14, True),
                      _C("remitted_on", "上缴日期", 12), _C("receipt_no", "收据号", 14),
                      _C("state", "状态", 10), _C("note", "备注", 36)]
LARGE_COLUMNS = [_C("label", "党员姓名", 14), _C("org_name", "所在党组织", 30), _C("amount", "金额（元）", 14, True),
                 _C("paid_on", "交纳日期", 12), _C("receipt_no", "收据号", 18), _C("recorded_org_name", "登记组织", 30)]
LARGE_REMITTANCE_COLUMNS = [_C("label", "上缴组织／党员", 30), _C("to", "收款", 24),
                            _C("on", "上缴日期／交纳日期", 14), _C("amount", "金额（元）", 14, True),
                            _C("voucher", "收据（凭证）号／收据号", 20), _C("state", "状态", 30),
                            _C("note", "备注", 30)]
PUBLICATION_COLUMNS = [_C("label", "姓名", 12), _C("item", "项目", 6),
                       *(_C(f"m{n}", f"{n}月", 8, True) for n in range(1, 13)),
                       _C("total", "全年合计", 11, True), _C("large", "大额党费", 11, True)]


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


def large_sheet(listing: dict, pages: list[dict]) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a subtree's 大额党费 of a year (the dues service's large_dues answer, its
    pages' items): each payment, the year's 合计, then every year's totals."""
    org = listing["org"]
    writer = RosterWriter(f"{org['name']} {listing['year']}年大额党费", LARGE_COLUMNS, sheet_name="大额党费")
    rows = [{**item, "label": item["name"]} for page in pages for item in page["items"]]
    rows.append({"label": "合计", "org_name": f"{listing['total']}笔", "amount": listing["amount"]})
    if listing["years"]:
        rows.append({})
        rows.append({"label": "各年度合计"})
        rows.extend({"label": f"{y['year']}年", "org_name": f"{y['count']}笔", "amount": y["amount"]}
                    for y in listing["years"])
    return writer, rows


def large_remittance_sheet(found: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a year's 大额党费 上缴 of a subtree (the dues service's large_remittance_year
    answer): each record (who to whom, date, amount, voucher, state) followed by its payments, then the
    totals by state — the active records (待确认, 已确认, 报党中央) and apart those 已作废 or 已退回."""
    org = found["org"]
    writer = RosterWriter(f"{org['name']} {found['year']}年大额党费上缴", LARGE_REMITTANCE_COLUMNS,
                          sheet_name="大额党费上缴")
    rows, counts, sums = [], Counter(), {}
    for item in found["items"]:
        state = item["state_name"]
        if item["voided"] and item.get("void_reason"):
            state += f"（{item['void_reason']}）"
        elif item["state"] == "confirmed" and item.get("confirmed_by"):
            state += f"（{item['confirmed_by']}{'：' + item['opinion'] if item.get('opinion') else ''}）"
        rows.append({"label": item["org_name"] or "", "to": item["to_org_name"] or "", "on": item["remitted_on"],
                     "amount": item["amount"], "voucher": item["voucher_no"], "state": state,
                     "note": item.get("note") or ""})
        rows.extend({"label": f"　{p['name'] or '—'}", "on": p["paid_on"], "amount": p["amount"],
                     "voucher": p["receipt_no"]} for p in item["payments"])
        key = "已作废或已退回（不计入合计）" if item["voided"] else item["state_name"]
        counts[key] += 1
        sums[key] = sums.get(key, Decimal("0.00")) + Decimal(item["amount"])
    active = [key for key in sums if not key.startswith("已作废")]
    rows.append({})
    rows.append({"label": "合计", "to": f"{sum(counts[key] for key in active)}笔",
                 "amount": f"{sum((sums[key] for key in active), Decimal('0.00')):.2f}"})
    rows.extend({"label": f"其中{key}", "to": f"{counts[key]}笔", "amount": f"{sums[key]:.2f}"}
                for key in ("待确认", "已确认", "报党中央") if key in sums)
    if "已作废或已退回（不计入合计）" in sums:
        key = "已作废或已退回（不计入合计）"
        rows.append({"label": key, "to": f"{counts[key]}笔", "amount": f"{sums[key]:.2f}"})
    if found.get("truncated"):
        rows.append({"label": f"记录过多，只列出前{len(found['items'])}条"})
    return writer, rows


def publication_sheet(found: dict) -> tuple[RosterWriter, list[dict]]:
    """The writer and rows of a branch's 党费收缴情况公示 (the dues service's publication answer): two rows
    a member (应交, 实交) by month with the year's sums and 大额党费 apart, then the branch's; A4 landscape."""
    title = f"{found['org']['name']} {found['year']}年党费收缴情况公示"
    writer = RosterWriter(title, PUBLICATION_COLUMNS, sheet_name="党费收缴情况公示").landscape()
    rows = []
    for label, line in [*((m["name"], m) for m in found["members"]), ("合计", found["totals"])]:
        for item, key, total in (("应交", "due", line["due"]), ("实交", "paid", line["paid"])):
            row = {"label": label if key == "due" else "", "item": item, "total": total,
                   "large": line["large"] if key == "paid" else ""}
            row.update({f"m{n}": month[key] if month[key] is not None else "—"
                        for n, month in enumerate(line["months"], start=1)})
            rows.append(row)
    rows.append({})
    through = found["through"]
    rows.append({"label": f"截至{through[:4]}年{int(through[5:])}月，共{found['totals']['members']}名党员；"
                          f"应交为按基数计算（少交、免交批准后）的数额，大额党费单独列出、不计入实交。"
                          f"公示日期：{found['generated_on']}"})
    return writer, rows
