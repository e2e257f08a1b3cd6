"""The year's 大额党费 上缴 in Excel (gateway/excel/dues.large_remittance_sheet): each record followed by its
payments, 合计 of the active records and of it by state, the voided and returned apart (not in 合计)."""
import os

from openpyxl import load_workbook

from gateway.excel.dues import large_remittance_sheet


def written(writer, rows) -> list[list]:
    """The sheet as saved (so the write-only workbook is closed), its cells' values."""
    writer.append(rows, {})
    path = writer.save()
    try:
        return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]
    finally:
        os.unlink(path)


def record(amount: str, state: str, state_name: str, voided: bool = False, **more) -> dict:
    return {"org_name": "一支部", "to_org_name": "党委", "remitted_on": "2026-03-01", "amount": amount,
            "voucher_no": "PZ", "note": None, "state": state, "state_name": state_name, "voided": voided,
            "payments": [{"name": "甲", "paid_on": "2026-02-01", "amount": amount, "receipt_no": "R1"}], **more}


def test_records_payments_and_totals_by_state():
    found = {"org": {"id": 1, "name": "党委"}, "year": 2026, "items": [
        record("1000.00", "recorded", "待确认"),
        record("2000.50", "confirmed", "已确认", confirmed_by="党委（clerk）", opinion="已收到"),
        record("3000.00", "returned", "已退回", voided=True, void_reason="退回：凭证不符"),
        record("500000.00", "centre", "报党中央")]}
    writer, rows = large_remittance_sheet(found)
    assert rows[0]["state"] == "待确认" and rows[1] == {"label": "　甲", "on": "2026-02-01", "amount": "1000.00",
                                                         "voucher": "R1"}
    assert rows[2]["state"] == "已确认（党委（clerk）：已收到）" and rows[4]["state"] == "已退回（退回：凭证不符）"
    totals = {row["label"]: (row["to"], row["amount"]) for row in rows if row.get("to", "").endswith("笔")}
    assert totals["合计"] == ("3笔", "503000.50")
    assert totals["其中待确认"] == ("1笔", "1000.00") and totals["其中已确认"] == ("1笔", "2000.50")
    assert totals["其中报党中央"] == ("1笔", "500000.00")
    assert totals["已作废或已退回（不计入合计）"] == ("1笔", "3000.00")
    cells = written(writer, rows)
    assert cells[1][:4] == ["上缴组织／党员", "收款", "上缴日期／交纳日期", "金额（元）"]
    assert cells[2][3] == 1000 and cells[3][3] == 1000  # money: number cells


def test_an_empty_year_and_a_truncated_one():
    writer, rows = large_remittance_sheet({"org": {"id": 1, "name": "党委"}, "year": 2026, "items": [],
                                           "truncated": True})
    assert rows[1] == {"label": "合计", "to": "0笔", "amount": "0.00"} and rows[-1]["label"].startswith("记录过多")
    assert "2026年大额党费上缴" in written(writer, rows)[0][0]
