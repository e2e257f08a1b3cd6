"""数据迁移: the 组织生活附件清单 — the files of meetings recorded before (by the 组织生活采集表 or keyed in),
one file a row. The preview (the pattern of every collection sheet, services/shared/sheet_imports.py)
finds each row's meeting and keeps the valid rows, which it returns with their meeting ids; the
browser then sends each file the user chose through the attachments' own upload (attachments.py:
presigned PUTs, the content checked, 操作日志) — no file byte passes through an import — and the
commit records what arrived: a row counts as written only when its meeting now has an attachment of
that name with the id the browser names. A file the meeting already has (by name) is refused at the
preview, so the same manifest twice uploads nothing twice.

The meetings are the org service's: the rows' (organization code, kind, time) are asked of it once
per preview (meetings_by_keys, answering for the caller's scope only), never read from its tables."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.org.contract import MEETING_KINDS
from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.orglife_sheet import MEETING_FILE_COLUMNS
from services.shared.sheet_imports import (
    all_or_nothing_flag,
    finish_commit,
    import_view,
    load_import,
    preview_rows,
    refuse_partial,
    save_preview,
    sheet_rows,
)

from .domain import meeting_file_import as rules
from .models import attachments, meeting_file_import_rows, meeting_file_imports

ROW_KEYS = tuple(column.key for column in MEETING_FILE_COLUMNS)
MAX_ROWS = 5_000  # files of one manifest: the browser sends them one by one
MESSAGE_MAX = 200


def _attached(session, meeting_ids) -> dict[int, dict[str, str]]:
    """{meeting id: {file name: attachment id}} of the meetings' attachments."""
    ids, found = sorted(set(meeting_ids)), {}
    for start in range(0, len(ids), 1000):
        for row in session.execute(select(attachments.c.meeting_id, attachments.c.filename, attachments.c.id)
                                   .where(attachments.c.meeting_id.in_(ids[start:start + 1000]))):
            found.setdefault(row.meeting_id, {})[row.filename] = str(row.id)
    return found


def create_import(sessions: sessionmaker, caller: Caller, meetings_by_keys, raw_rows,
                  now: datetime | None = None) -> dict:
    """The preview of an uploaded 组织生活附件清单: every row's meeting found and judged; the valid rows
    kept and returned (`items`: row, meeting_id, filename, org, meeting) for the browser to send."""
    now = now or datetime.now()
    rows = sheet_rows(raw_rows, ROW_KEYS)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 个附件", {"file": "行数过多"})
    errors, read = [], []
    for raw in rows:
        def refuse(field: str, message: str, raw=raw) -> None:
            errors.append({"row": raw["row"], "name": str(raw.get("filename") or "").strip()[:rules.FILENAME_MAX],
                           "org": "", "field": field, "message": message})

        if raw["sheet_problems"]:
            refuse(*next(iter(raw["sheet_problems"].items())))
            continue
        try:
            read.append((raw["row"], rules.read_row(raw, now)))
        except rules.RowProblems as problems:
            for field, message in problems.fields.items():
                refuse(field, message)
    answer = meetings_by_keys([{"org_code": row.org_code, "kind": row.kind,
                                "held_at": row.held_at.isoformat(timespec="minutes")} for _, row in read])
    by_code = answer["orgs"]
    found = {(m["org_code"], m["kind"], m["held_at"]): rules.Meeting(m["id"], m["voided"])
             for m in sorted(answer["meetings"], key=lambda m: (not m["voided"], -m["id"]))}  # the live one last wins
    with sessions.begin() as session:
        attached = _attached(session, [meeting.id for meeting in found.values()])
        valid, seen = [], {}
        for row_no, row in read:
            org = by_code.get(row.org_code)
            meeting = found.get((row.org_code, row.kind, row.held_at.isoformat(timespec="minutes")))
            names = frozenset(attached.get(meeting.id, {})) if meeting is not None else frozenset()
            problem = rules.judge(row, org, meeting, names)
            if problem is None and (meeting.id, row.filename) in seen:
                problem = ("filename", f"与第 {seen[(meeting.id, row.filename)]} 行是同一会议的同名文件")
            who = {"name": row.filename, "org": org["name"] if org else ""}
            if problem is not None:
                errors.append({"row": row_no, **who, "field": problem[0], "message": problem[1]})
                continue
            seen[(meeting.id, row.filename)] = row_no
            valid.append({"row": row_no, **who, "meeting_id": meeting.id, "filename": row.filename,
                          "meeting": f"{MEETING_KINDS.name(row.kind)} {row.held_at:%Y-%m-%d %H:%M}"})
        errors.sort(key=lambda e: e["row"])
        preview = save_preview(session, meeting_file_imports, meeting_file_import_rows, caller, len(rows), valid,
                               errors)
    return {**preview, "items": valid}


def get_import(sessions: sessionmaker, caller: Caller, import_id) -> dict:
    """The import's state and counts, with the valid rows (`items`) the browser sends the files of."""
    with sessions() as session:
        record = load_import(session, meeting_file_imports, caller, import_id)
        return {**import_view(record), "items": preview_rows(session, meeting_file_import_rows, record)}


def _results(results) -> dict[int, dict]:
    """The browser's report of each row it sent: {row: {attachment_id} or {message}}."""
    if not isinstance(results, list) or len(results) > MAX_ROWS:
        raise ValidationFailed("上传结果格式有误", {"results": f"应为不超过{MAX_ROWS}项的列表"})
    out = {}
    for item in results:
        if not isinstance(item, dict) or not isinstance(item.get("row"), int) or isinstance(item.get("row"), bool):
            raise ValidationFailed("上传结果格式有误", {"results": "每项应为含行号 row 的对象"})
        attachment, message = item.get("attachment_id"), item.get("message")
        if not isinstance(attachment, (str, type(None))) or not isinstance(message, (str, type(None))):
            raise ValidationFailed("上传结果格式有误", {"results": "attachment_id 和 message 应为文本"})
        out[item["row"]] = {"attachment_id": attachment, "message": (message or "")[:MESSAGE_MAX]}
    return out


def commit_import(sessions: sessionmaker, caller: Caller, import_id, results=None, all_or_nothing=False) -> dict:
    """What the browser sent: each valid row is written when its meeting now has the attachment the
    browser names, with the row's file name (asked of the media service); the others are listed with
    the reason (the upload's own refusal, or that no file of that name was chosen). With
    all_or_nothing a preview with refused rows is refused before anything is sent (the browser asks
    first), since a file sent cannot be taken back by this import."""
    all_or_nothing = all_or_nothing_flag(all_or_nothing)
    sent = _results(results if results is not None else [])
    with sessions.begin() as session:
        record = load_import(session, meeting_file_imports, caller, import_id, for_commit=True)
        refuse_partial(record, all_or_nothing)
        items = preview_rows(session, meeting_file_import_rows, record)
        have = _attached(session, [item["meeting_id"] for item in items])
        late, written = [], 0
        for item in items:
            result = sent.get(item["row"], {})
            if result.get("attachment_id") and have.get(item["meeting_id"], {}).get(item["filename"]) == \
                    result["attachment_id"]:
                written += 1
                continue
            reason = (result.get("message") or ("该会议没有这个附件" if result.get("attachment_id")
                                                else "没有选择这个文件，未上传"))
            late.append({"row": item["row"], "name": item["name"], "org": item["org"], "field": "filename",
                         "message": f"未上传：{reason}"})
        return finish_commit(session, meeting_file_imports, record, written, late)
