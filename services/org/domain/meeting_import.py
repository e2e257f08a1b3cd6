"""The 组织生活采集表 (数据迁移), pure: one meeting a row, read into 记录组织生活's form
(validate_meeting: the same field rules) with its attendees and absentees named, the names found on
the organization's roster. Nothing here writes (docs/MIGRATION.md, "组织生活")."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from services.shared.field_errors import FieldErrors, RowProblems

from .meetings import validate_meeting

ALREADY = "本组织该时间的同类会议已记录，不再重复写入（同一文件重复导入时出现）"
FORM_KEYS = ("kind", "held_at", "place", "host", "recorder", "topic", "speaker", "lecture_title", "nonvoting",
             "content", "decisions")
_SEPARATORS = re.compile(r"[、，,；;\n]+")
_ABSENTEE = re.compile(r"^(?P<name>[^（(]+?)\s*[（(](?P<reason>[^）)]*)[）)]$")


def names(text: str) -> list[str]:
    return [name.strip() for name in _SEPARATORS.split(text or "") if name.strip()]


def absentees(text: str) -> list[tuple[str, str]]:
    """[(name, reason)] of "李四（病假）、王五（外出）"; ValueError (Chinese) for one without its reason."""
    out = []
    for item in names(text):
        found = _ABSENTEE.match(item)
        if found is None or not found["reason"].strip():
            raise ValueError(f"缺席党员须注明原因，如 {item}（病假）")
        out.append((found["name"].strip(), found["reason"].strip()))
    return out


def resolve(people: list[str], roster: Mapping[str, list[int]], column: str) -> list[int]:
    """The member ids of `people` (names) on the roster (name → ids); ValueError naming who is not
    on it, or who shares a name with another member (the import cannot tell them apart)."""
    unknown = [name for name in people if not roster.get(name)]
    if unknown:
        raise ValueError(f"{column}中“{'、'.join(unknown)}”不在本组织党员名册中")
    shared = [name for name in people if len(roster[name]) > 1]
    if shared:
        raise ValueError(f"本组织党员名册中有多名“{'、'.join(shared)}”，无法按姓名区分，请在系统中录入这次会议")
    if len(set(people)) != len(people):
        raise ValueError(f"{column}中有重复的姓名")
    return [roster[name][0] for name in people]


def read_row(raw: Mapping, roster: Mapping[str, list[int]], now: datetime) -> dict:
    """The row as validate_meeting's data (attendees and absentees as member ids); RowProblems
    {column key: Chinese message} when a column is wrong."""
    problems = {}
    form = {key: (str(raw.get(key) or "").strip() or None) for key in FORM_KEYS}
    attending = names(str(raw.get("attendees") or ""))
    try:
        form["attendees"] = resolve(attending, roster, "出席党员")
    except ValueError as error:
        problems["attendees"] = str(error)
    try:
        away = absentees(str(raw.get("absentees") or ""))
        ids = resolve([name for name, _ in away], roster, "缺席党员")
        form["absentees"] = [{"member_id": member_id, "reason": reason} for member_id, (_, reason) in zip(ids, away)]
        both = set(attending) & {name for name, _ in away}
        if both:
            problems["absentees"] = f"“{'、'.join(sorted(both))}”既在出席党员中又在缺席党员中"
    except ValueError as error:
        problems["absentees"] = str(error)
    data = None
    try:
        data = validate_meeting({**form, "attendees": form.get("attendees") or [],
                                 "absentees": form.get("absentees") or []}, now)
    except FieldErrors as errors:
        for field, message in errors.fields.items():
            problems.setdefault(field, message)
    if problems:
        raise RowProblems(problems)
    return data


def plain(data: dict) -> dict:
    return {**data, "held_at": data["held_at"].isoformat(timespec="minutes")}


def raw_of(kept: Mapping) -> dict:
    """A kept row back as validate_meeting's input (the commit validates it again)."""
    return {**kept, "held_at": kept["held_at"].replace("T", " ")}
