"""An import's report as Excel (数据迁移, docs/MIGRATION.md): a 概况 sheet (the sheet imported, its
state, rows, valid, written, refused) and a 未导入的行 sheet with every refused row's number, who,
the column and the reason — the answer of any import's get RPC (sheet_imports.import_view)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from services.dues.contract import BASE_IMPORT_COLUMNS, BASE_SHEET, PAYMENT_IMPORT_COLUMNS, PAYMENT_SHEET
from services.member.contract import (
    APPLICANT_IMPORT_COLUMNS,
    DEVELOPMENT_IMPORT_COLUMNS,
    HISTORY_IMPORT_COLUMNS,
    IMPORT_COLUMNS,
    INFO_REPORT_COLUMNS,
    INFO_WORKBOOK,
)
from services.org.contract import ORG_IMPORT_COLUMNS, SANCTION_IMPORT_COLUMNS, SANCTION_SHEET
from services.shared.mobility_sheet import INFLOW_IMPORT_COLUMNS, INFLOW_SHEET, OUTFLOW_IMPORT_COLUMNS, OUTFLOW_SHEET
from services.shared.orglife_sheet import (
    MEETING_FILE_COLUMNS,
    MEETING_FILE_SHEET,
    MEETING_IMPORT_COLUMNS,
    MEETING_SHEET,
)
from services.shared.sheet_imports import refused_rows
from services.shared.term_sheet import TERM_IMPORT_COLUMNS, TERM_SHEET

from .cells import inert

# Each sheet's columns, so a refused row names its column by the header of that sheet.
COLUMNS = {"党员采集表": IMPORT_COLUMNS, "党组织采集表": ORG_IMPORT_COLUMNS,
           "入党申请人采集表": APPLICANT_IMPORT_COLUMNS, "发展纪实采集表": DEVELOPMENT_IMPORT_COLUMNS,
           BASE_SHEET: BASE_IMPORT_COLUMNS, PAYMENT_SHEET: PAYMENT_IMPORT_COLUMNS,
           "党籍变动历史表": HISTORY_IMPORT_COLUMNS, OUTFLOW_SHEET: OUTFLOW_IMPORT_COLUMNS,
           INFLOW_SHEET: INFLOW_IMPORT_COLUMNS,
           TERM_SHEET: TERM_IMPORT_COLUMNS, MEETING_SHEET: MEETING_IMPORT_COLUMNS,
           MEETING_FILE_SHEET: MEETING_FILE_COLUMNS, INFO_WORKBOOK: INFO_REPORT_COLUMNS,
           SANCTION_SHEET: SANCTION_IMPORT_COLUMNS}
COMMON = {"file": "文件", "rows": "数据", "people": "培养联系人/入党介绍人"}


def column_names(sheet: str) -> dict[str, str]:
    return {**COMMON, **{column.key: column.header for column in COLUMNS.get(sheet, ())}}


STATES = {"previewed": "已预览，尚未写入", "committed": "已写入"}


def import_report(sheet: str, record: dict) -> bytes:
    errors = record.get("errors") or []
    refused_count = refused_rows(errors)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "概况"
    summary.column_dimensions["A"].width = 16
    summary.column_dimensions["B"].width = 40
    written = record.get("written")
    for label, value in (("导入的表", sheet), ("导入编号", record.get("id")),
                         ("状态", STATES.get(record.get("status"), record.get("status"))),
                         ("党组织", record.get("org_name")), ("数据行", record.get("rows")),
                         ("预览有效行", record.get("valid")), ("写入", "" if written is None else written),
                         ("未导入的行", refused_count)):
        if value is not None:
            summary.append([label, inert(value)])
    for row in summary.iter_rows(min_col=1, max_col=1):
        row[0].font = Font(bold=True)
    names = column_names(sheet)
    refused = workbook.create_sheet("未导入的行")
    headers = ["行号", "姓名", "公民身份号码", "所在党组织", "列", "原因"]
    refused.append(headers)
    for cell in refused[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (8, 12, 22, 20, 16, 70)):
        refused.column_dimensions[letter].width = width
    refused.freeze_panes = "A2"
    for error in sorted(errors, key=lambda item: (item.get("sheet") or "", item.get("row") or 0)):
        field = error.get("field") or ""
        refused.append([error.get("row"), inert(error.get("name") or ""), inert(error.get("id_number") or ""),
                        inert(error.get("org") or ""), names.get(field, field), inert(error.get("message") or "")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
