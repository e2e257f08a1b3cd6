"""组织生活 records (pure): the kinds of meeting, a record's fields and their checks, what a change
changed, and the sign-and-lock rule. No I/O: the use cases are in services/org/meetings.py.

Sources: RULES.md §6 (支部工作条例) for the kinds, MANUALS.md §5.1 for a record's fields (host,
recorder, attendees, 列席, absentees with reasons, topic, content, decisions). Where they are silent
(docs/ORGLIFE.md): the content is plain text (shown escaped, line breaks kept), host and recorder
are names as written in the minutes, 列席 are names (people who are not on the rolls).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

from services.shared.codes import CodeTable
from services.shared.field_errors import FieldErrors, RuleViolation
from services.shared.field_rules import REQUIRED, blank, code_value, record_id, text

MEETING_KINDS = CodeTable(
    "组织生活类型",
    [
        ("11", "支部党员大会"),
        ("12", "支部委员会"),
        ("13", "党小组会"),
        ("14", "党课"),
        ("21", "主题党日"),
        ("22", "组织生活会"),
        ("23", "民主生活会"),
        ("24", "民主评议党员"),
        ("25", "谈心谈话"),
        ("99", "其他"),
    ],
    {"党员大会": "11", "支委会": "12", "支部委员会会议": "12", "民主评议": "24"},
)
LECTURE = "14"  # 党课: speaker and title are required
SANSHI_YIKE = ("11", "12", "13", "14")  # 三会一课

EARLIEST = datetime(1949, 10, 1)
TOPIC_MAX, NAME_MAX, PLACE_MAX, REASON_MAX = 200, 50, 100, 200
CONTENT_MAX, DECISIONS_MAX = 20_000, 5_000
PEOPLE_MAX = 2_000  # attendees and absentees of one meeting
# 流入 members attend by their inflow's id (a member from outside this deployment has no member id);
# they are kept apart from the rolls' attendees and absentees and count in no attendance rate.
INFLOW_ID = "流入记录编号"

# Field keys in the order a record shows them, with their labels (history lines name fields by these).
LABELS = {
    "kind": "类型", "held_at": "时间", "place": "地点", "host": "主持人", "recorder": "记录人", "topic": "主题",
    "speaker": "授课人", "lecture_title": "党课题目", "content": "内容", "decisions": "决议事项",
    "attendees": "出席人员", "absentees": "缺席人员", "inflows": "出席的流入党员", "nonvoting": "列席人员",
}
TEXT_FIELDS = ("place", "host", "recorder", "topic", "speaker", "lecture_title", "content", "decisions")
SIGN_ROLES = {"host": "主持人", "recorder": "记录人"}
# A record: draft (being written) → signed by host and recorder → locked; a locked one changes only
# with a reason, and every change is a history line.
DRAFT, LOCKED = "draft", "locked"
STATUS_NAMES = {DRAFT: "未签认", LOCKED: "已签认锁定"}


class MeetingRefused(RuleViolation):
    """A rule's refusal of a well-formed request (a locked record changed without a reason…)."""


def _multiline(value, max_length: int, required: bool = False) -> str | None:
    """Plain text of several lines: control characters other than line breaks and tabs refused."""
    if blank(value):
        if required:
            raise ValueError(REQUIRED)
        return None
    if not isinstance(value, str):
        raise ValueError("应为文本")
    cleaned = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > max_length:
        raise ValueError(f"不能超过{max_length}个字符")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in "\n\t" for c in cleaned):
        raise ValueError("不能含有控制字符")
    return cleaned


def _optional(value, max_length: int) -> str | None:
    return None if blank(value) else text(value, max_length)


def held_at(value, now: datetime) -> datetime:
    """The meeting's date and time, `YYYY-MM-DDTHH:MM` (or with a space, seconds allowed), local
    time as the minutes say; a meeting in the future cannot be recorded as held."""
    if blank(value):
        raise ValueError(REQUIRED)
    if not isinstance(value, str):
        raise ValueError("应为文本，格式YYYY-MM-DD HH:MM")
    try:
        when = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        raise ValueError("时间格式应为YYYY-MM-DD HH:MM") from None
    if when.tzinfo is not None:
        raise ValueError("时间格式应为YYYY-MM-DD HH:MM（当地时间，不带时区）")
    if len(value.strip()) == 10:
        raise ValueError("请填写会议开始的时刻（YYYY-MM-DD HH:MM）")
    when = when.replace(second=0, microsecond=0)
    if when > now:
        raise ValueError("会议时间晚于当前时间：尚未召开的会议不能记为已召开")
    if when < EARLIEST:
        raise ValueError("会议时间过早")
    return when


def _member_ids(value, field: str, what: str = "党员编号") -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldErrors({field: f"应为{what}的数组"})
    if len(value) > PEOPLE_MAX:
        raise FieldErrors({field: f"人数不能超过{PEOPLE_MAX}"})
    try:
        ids = [record_id(item, invalid=f"应为{what}（正整数）") for item in value]
    except ValueError as exc:
        raise FieldErrors({field: str(exc)}) from None
    if len(set(ids)) != len(ids):
        raise FieldErrors({field: "同一党员不能重复"})
    return ids


def _absentees(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise FieldErrors({"absentees": "应为 {member_id, reason} 的数组"})
    ids = _member_ids([item.get("member_id") for item in value], "absentees")
    out = []
    for member_id, item in zip(ids, value):
        try:
            reason = text(item.get("reason"), REASON_MAX)
        except ValueError as exc:
            raise FieldErrors({"absentees": f"缺席原因{exc}（党员编号{member_id}）"}) from None
        out.append({"member_id": member_id, "reason": reason})
    return out


def _nonvoting(value) -> list[str]:
    """列席人员: names (one per item, or one per line of a text)."""
    if blank(value):
        return []
    if isinstance(value, str):
        value = [line for line in value.replace("，", "\n").replace("、", "\n").splitlines() if line.strip()]
    if not isinstance(value, list):
        raise ValueError("应为姓名的数组")
    if len(value) > 200:
        raise ValueError("列席人员过多")
    return [text(name, NAME_MAX) for name in value]


def validate_meeting(data, now: datetime) -> dict:
    """A whole record, normalized; FieldErrors with every bad field at once."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    out: dict = {}
    checks = {
        "kind": lambda v: code_value(v, MEETING_KINDS, "未知的组织生活类型"),
        "held_at": lambda v: held_at(v, now),
        "place": lambda v: text(v, PLACE_MAX),
        "host": lambda v: text(v, NAME_MAX),
        "recorder": lambda v: text(v, NAME_MAX),
        "topic": lambda v: text(v, TOPIC_MAX),
        "speaker": lambda v: _optional(v, NAME_MAX),
        "lecture_title": lambda v: _optional(v, TOPIC_MAX),
        "content": lambda v: _multiline(v, CONTENT_MAX),
        "decisions": lambda v: _multiline(v, DECISIONS_MAX),
        "nonvoting": _nonvoting,
    }
    for field, check in checks.items():
        try:
            out[field] = check(data.get(field))
        except ValueError as exc:
            errors[field] = str(exc)
    for field, check in (("attendees", lambda v: _member_ids(v, "attendees")), ("absentees", _absentees),
                         ("inflows", lambda v: _member_ids(v, "inflows", INFLOW_ID))):
        try:
            out[field] = check(data.get(field))
        except FieldErrors as exc:
            errors.update(exc.fields)
    if out.get("kind") == LECTURE:
        for field in ("speaker", "lecture_title"):
            if not out.get(field) and field not in errors:
                errors[field] = "党课须填写" + LABELS[field]
    if "attendees" in out and not out["attendees"] and not out.get("inflows") and "attendees" not in errors:
        errors["attendees"] = "请选择出席的党员"
    both = set(out.get("attendees") or ()) & {a["member_id"] for a in out.get("absentees") or ()}
    if both:
        errors["absentees"] = "同一党员不能既出席又缺席（党员编号" + "、".join(map(str, sorted(both))) + "）"
    if errors:
        raise FieldErrors(errors)
    return out


def merged(current: dict, changes) -> dict:
    """A change names only the fields it changes: the record as it would be after it (raw form)."""
    if not isinstance(changes, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    return {**current, **{key: value for key, value in changes.items() if key in LABELS}}


def raw_form(record: dict) -> dict:
    """A stored record (validated values) in the form validate_meeting reads again."""
    form = {key: record.get(key) for key in LABELS}
    form["held_at"] = record["held_at"].strftime("%Y-%m-%dT%H:%M")
    return form


def _shown(field: str, value):
    if value is None or value == []:
        return None
    if field == "kind":
        return MEETING_KINDS.name(value)
    if field == "held_at":
        return value.strftime("%Y-%m-%d %H:%M")
    if field == "absentees":
        return [f"{item['member_id']}：{item['reason']}" for item in value]
    return value


def differences(before: dict, after: dict) -> list[dict]:
    """History lines [{field, label, old, new}] of what differs (people lists compared as sets)."""
    lines = []
    for field, label in LABELS.items():
        old, new = before.get(field), after.get(field)
        if field in ("attendees", "inflows"):
            old, new = sorted(old or ()), sorted(new or ())
        elif field == "absentees":
            old = sorted(old or (), key=lambda a: a["member_id"])
            new = sorted(new or (), key=lambda a: a["member_id"])
        if old != new and not (old in (None, []) and new in (None, [])):
            lines.append({"field": field, "label": label, "old": _shown(field, old), "new": _shown(field, new)})
    return lines


def change_refusal(status: str, reason) -> str | None:
    """A locked (signed) record changes only with the reason (None: the change may go ahead)."""
    if status == LOCKED and blank(reason):
        return "该记录已签认锁定，修改须填写修改原因"
    return None


def change_reason(value) -> str | None:
    try:
        return None if blank(value) else text(value, REASON_MAX)
    except ValueError as exc:
        raise FieldErrors({"reason": str(exc)}) from None


def void_reason(value) -> str:
    """作废 needs its reason (kept in the history)."""
    try:
        return text(value, REASON_MAX)
    except ValueError as exc:
        raise FieldErrors({"reason": f"作废原因{exc}"}) from None


def sign(signed: dict, role) -> tuple[dict, str]:
    """Host or recorder confirms the record: (the signatures after, the status after). Both → locked."""
    if role not in SIGN_ROLES:
        raise FieldErrors({"role": "应为 host（主持人）或 recorder（记录人）"})
    if signed.get(role):
        raise MeetingRefused(f"{SIGN_ROLES[role]}已签认")
    after = {**signed, role: True}
    return after, LOCKED if all(after.get(r) for r in SIGN_ROLES) else DRAFT


def meeting_year(when: datetime | date) -> int:
    return when.year


def people_counts(record: Mapping) -> tuple[int, int]:
    """(attended, listed) of a record — members present, and present plus absent — as the attendance
    rates count them (流入 members, recorded apart, are in no rate)."""
    attended = len(record.get("attendees") or ())
    return attended, attended + len(record.get("absentees") or ())
