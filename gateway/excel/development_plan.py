"""发展计划执行情况 as an .xlsx: an organization's annual development plan versus what happened in
its subtree — one row per organization (plan, what happened, 完成率), the totals, then the
applicants named in the organization's own plan and what became of them. The layout helpers
are the 发展纪实's (gateway/excel/development_record.py)."""
from openpyxl import Workbook
from openpyxl.styles import Font

from .cells import inert
from .development_record import LABEL_FILL, Rows, landscape

TITLE = "发展党员计划执行情况"


def _columns(report: dict) -> list[tuple[str, int]]:
    return [("党组织", 30), *((f"{p['label']}", 12) for p in report["planned"]),
            *((f"实际{a['label']}", 12) for a in report["actual_labels"]), ("发展党员完成率", 10)]


def _numbers(report: dict, plan: dict | None, actual: dict, completion) -> list:
    return [*((plan[p["key"]] if plan else "未制定") for p in report["planned"]),
            *(actual[a["key"]] for a in report["actual_labels"]),
            f"{completion}%" if completion is not None else "—"]


def plan_workbook(report: dict, printed_on: str) -> bytes:
    """The report (member.development_plan) as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TITLE
    columns = _columns(report)
    rows = Rows(sheet)
    rows.write([f"{report['org_name']} {report['year']}年{TITLE}"], bold=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=16)
    rows.merge(1, len(columns))
    header = rows.write([label for label, _ in columns], bold=True, fill=LABEL_FILL)
    for row in report["rows"]:
        numbers = _numbers(report, row["plan"], row["actual"], row["completion"])
        rows.write(["　" * row["depth"] + row["name"], *numbers])
    total = report["total"]
    rows.write(["合计（实际数各人只计一次；计划数为最上层制定计划的组织之和）",
                *_numbers(report, total["plan"], total["actual"], total["completion"])], bold=True)
    plan = report.get("plan")
    if plan and plan.get("note"):
        rows.write([f"说明：{plan['note']}"])
        rows.merge(1, len(columns))
    if report.get("named"):
        rows.write(["列入计划的发展对象"], bold=True)
        rows.merge(1, len(columns))
        for person in report["named"]:
            rows.write([person["name"], person["outcome"]])
            rows.merge(2, len(columns))
    sheet.cell(row=rows.row + 2, column=1, value=inert(f"打印日期：{printed_on}"))
    return landscape(workbook, columns, header)
