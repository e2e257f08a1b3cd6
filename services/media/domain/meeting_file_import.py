"""The 组织生活附件清单 (数据迁移), pure: one file of a meeting already recorded a row — the meeting
named as the 组织生活采集表 names it (organization code, kind, time: the org service's own reading of
them, its contract), the file by its name — and a row judged against the meeting the org service
found and the attachments it already has here. The files themselves are sent by the attachments' own
upload (their content checked there). Nothing here writes (docs/MIGRATION.md, "组织生活附件")."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.org.contract import MEETING_KINDS, meeting_time
from services.shared.field_errors import RowProblems
from services.shared.field_rules import code_value
from services.shared.orglife_sheet import ATTACHMENT_EXTENSIONS

ALREADY = "该会议已有同名附件，不再重复上传（同一清单重复导入时出现）"
NO_MEETING = "没有找到这次会议（请先导入组织生活采集表或在系统中录入，组织生活类型和会议时间须一致）"
FILENAME_MAX = 200


@dataclass(frozen=True)
class FileRow:
    org_code: str
    kind: str
    held_at: datetime
    filename: str


def _text(raw: Mapping, key: str) -> str:
    return str(raw.get(key) or "").strip()


def read_row(raw: Mapping, now: datetime) -> FileRow:
    """One row; RowProblems {column key: Chinese message} when a column is wrong."""
    problems, values = {}, {}
    if not _text(raw, "org_code"):
        problems["org_code"] = "请填写党组织代码"
    try:
        values["kind"] = code_value(_text(raw, "kind"), MEETING_KINDS, "未知的组织生活类型")
    except ValueError as error:
        problems["kind"] = str(error)
    try:
        values["held_at"] = meeting_time(_text(raw, "held_at"), now)
    except ValueError as error:
        problems["held_at"] = str(error)
    name = _text(raw, "filename")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name:
        problems["filename"] = "请填写文件名"
    elif len(name) > FILENAME_MAX:
        problems["filename"] = f"文件名不能超过{FILENAME_MAX}个字"
    elif "/" in name or "\\" in name:
        problems["filename"] = "只填文件名，不含文件夹"
    elif extension not in ATTACHMENT_EXTENSIONS:
        problems["filename"] = "不支持的文件类型：支持 JPG、PNG、GIF、BMP、MP4、MOV、PDF、Word、Excel、PowerPoint"
    if problems:
        raise RowProblems(problems)
    return FileRow(_text(raw, "org_code"), values["kind"], values["held_at"], name)


@dataclass(frozen=True)
class Meeting:
    """The meeting a row names, as recorded: its id, and whether its record was voided."""
    id: int
    voided: bool


def judge(row: FileRow, org: Mapping | None, meeting: Meeting | None, attached: frozenset) -> tuple[str, str] | None:
    """(column key, Chinese reason) the row cannot be imported for, or None. `org`: the organization of
    the code ({name, in_scope, status}; None: no such code); `attached`: the file names the meeting has."""
    if org is None:
        return "org_code", f"没有代码为“{row.org_code}”的党组织"
    if not org["in_scope"]:
        return "org_code", "本账号管理范围内没有这个代码的党组织"
    if meeting is None:
        return "held_at", NO_MEETING
    if meeting.voided:
        return "held_at", "这次会议的记录已作废，不能上传附件"
    if row.filename in attached:
        return "filename", ALREADY
    return None
