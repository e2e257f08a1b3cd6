"""The 党籍变动历史表 (数据迁移), pure: a member's 党籍 changes before PMIS — 入党, 转正, 转入, 转出,
减少 — one a row, for members already recorded (found by the ID number), each row read and judged
against the member as the rules see them, a member's rows in date order. Nothing here writes
(docs/MIGRATION.md, "党籍变动历史").

What a row changes when written (history_imports.py): 入党 and 转正 set the member's 入党日期 and
转正日期 (through the ordinary change of basic information, so the statistics count from those
dates), 减少 moves the member to history (through the ordinary 减少), 转入 and 转出 change nothing
but the card's history; every row leaves one history line, by which a second import of the same
row is known and refused."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.shared.codes import CLERK_LEAVE_KINDS, CodeTable
from services.shared.field_errors import RowProblems
from services.shared.field_rules import iso_date

from .status import ACTIVE, PROBATION_CANCELLED, PROBATIONARY, REASON_REQUIRED

JOINED, FULL, MOVED_IN, MOVED_OUT, LEFT = "joined", "full", "moved_in", "moved_out", "left"
KINDS = CodeTable("变动类型", [(JOINED, "入党"), (FULL, "转正"), (MOVED_IN, "转入"), (MOVED_OUT, "转出"),
                               (LEFT, "减少")],
                  aliases={"入党（预备党员）": JOINED, "接收为预备党员": JOINED, "转为正式党员": FULL,
                           "组织关系转入": MOVED_IN, "组织关系转出": MOVED_OUT, "党员减少": LEFT})
ONCE = (JOINED, FULL, LEFT)  # a member has one of each
ACTION = "history_imported"  # the history line each row leaves (store.record_history)
NOTE_MAX = 200
FULL_MEMBER = "01"
ALREADY = "该变动已导入，不再重复写入（同一文件重复导入时出现）"


@dataclass(frozen=True)
class Known:
    """A member as the rules see them, with the (kind, ISO date) of the changes imported before."""
    member_id: int
    name: str
    status: str
    category: str
    birth_date: date
    joined_on: date
    full_on: date | None = None
    left_on: date | None = None  # the day a member in history left the rolls
    recorded: frozenset = frozenset()


@dataclass(frozen=True)
class Line:
    kind: str
    on: date
    leave_kind: str | None = None
    note: str | None = None

    def change(self) -> dict:
        """The history line's change: what a person reads on the card ("2015-03-01 原XX党支部")."""
        shown = " ".join(part for part in (self.on.isoformat(), CLERK_LEAVE_KINDS.name(self.leave_kind)
                                           if self.leave_kind else None, self.note) if part)
        return {"field": self.kind, "label": KINDS.name(self.kind), "old": None, "new": shown,
                "date": self.on.isoformat(), "leave_kind": self.leave_kind, "note": self.note}

    def plain(self) -> dict:
        return {"kind": self.kind, "date": self.on.isoformat(), "leave_kind": self.leave_kind, "note": self.note}

    @classmethod
    def of(cls, data: Mapping) -> Line:
        return cls(data["kind"], date.fromisoformat(data["date"]), data.get("leave_kind"), data.get("note"))


def read_row(raw: Mapping, today: date) -> Line:
    """One row's change; RowProblems {field: Chinese message} when a field is wrong."""
    problems = {}
    text = str(raw.get("kind") or "").strip()
    kind = KINDS.resolve(text) if text else None
    if kind is None:
        problems["kind"] = f"变动类型应为：{'、'.join(KINDS.names())}" if text else "请填写变动类型"
    on = None
    try:
        on = iso_date(str(raw.get("date") or "").strip().replace("/", "-"))
        if on > today:
            problems["date"] = "变动日期不能晚于今天"
    except ValueError as error:
        problems["date"] = f"变动日期{error}"
    leave_text = str(raw.get("leave_kind") or "").strip()
    leave_kind = CLERK_LEAVE_KINDS.resolve(leave_text) if leave_text else None
    if kind == LEFT and leave_kind is None:
        problems["leave_kind"] = (f"减少类型应为：{'、'.join(CLERK_LEAVE_KINDS.names())}" if leave_text
                                  else "变动类型为减少时须填写减少类型")
    elif kind != LEFT and leave_text:
        problems["leave_kind"] = "只有变动类型为减少时才填写减少类型"
    note = str(raw.get("note") or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        problems["note"] = f"说明不能超过{NOTE_MAX}个字"
    if kind == LEFT and leave_kind in REASON_REQUIRED and note is None:
        problems["note"] = "出党须在说明中填写原因（如处分决定）"
    if problems:
        raise RowProblems(problems)
    return Line(kind, on, leave_kind if kind == LEFT else None, note)


def _age_18(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February
        return date(birth.year + 18, 3, 1)


def judge(known: Known, lines: Iterable[tuple[int, Line]]) -> list[tuple[int, Line, str | None]]:
    """Each of the member's rows (row number, line) with the reason it cannot be written, or None;
    rows in date order, each judged with the rows before it (an imported 入党 moves the date the
    later rows may not precede; nothing may follow a 减少)."""
    judged, seen, member = [], set(), known
    left_on = known.left_on if known.status != ACTIVE else None
    for row_no, line in sorted(lines, key=lambda item: (item[1].on, KINDS.codes().index(item[1].kind), item[0])):
        problem = None
        if (line.kind, line.on.isoformat()) in known.recorded:
            problem = ALREADY
        elif line.kind in ONCE and line.kind in seen:
            problem = f"同一党员只能有一行“{KINDS.name(line.kind)}”"
        elif left_on is not None and line.on >= left_on:
            problem = f"减少（{left_on.isoformat()}）之后不能再有党籍变动"
        elif line.kind == JOINED:
            if line.on < _age_18(member.birth_date):
                problem = "入党时未满18周岁（按公民身份号码中的出生日期）"
            elif member.full_on is not None and line.on > member.full_on:
                problem = f"入党日期不能晚于转正日期（{member.full_on.isoformat()}）"
        elif line.on < member.joined_on:
            problem = f"变动日期不能早于入党日期（{member.joined_on.isoformat()}）"
        elif line.kind == FULL and member.category != FULL_MEMBER:
            problem = "该党员是预备党员：转正请在系统中办理（发展党员 › 预备党员转正）"
        elif line.kind == LEFT and member.status != ACTIVE:
            problem = "该党员已不在册，不能再导入减少"
        elif line.kind == LEFT and line.leave_kind == PROBATION_CANCELLED and member.category != PROBATIONARY:
            problem = "取消预备党员资格只适用于预备党员"
        if problem is None:
            if line.kind in ONCE:
                seen.add(line.kind)
            if line.kind == JOINED:
                member = replace(member, joined_on=line.on)
            elif line.kind == FULL:
                member = replace(member, full_on=line.on)
            elif line.kind == LEFT:
                left_on = line.on
        judged.append((row_no, line, problem))
    return judged


def recorded_of(history_lines: Sequence[Sequence[Mapping]]) -> frozenset:
    """(kind, ISO date) of the member's history lines this import left before (their changes)."""
    return frozenset((change["field"], change.get("date")) for changes in history_lines for change in changes)
