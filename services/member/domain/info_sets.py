"""The member card's repeating info sets (信息集) and their rules; pure.

The 2013 manual (3.2.2) lists a member's info sets: 基本信息集 (the member row itself), 学历学位,
工作岗位, 职务, 技术职务, 党籍 (status_changes), 组织关系 (the member's organization), 民主评议,
奖惩情况 and 其他党团信息; 4.12 adds 困难党员; PMIS adds 培训情况 (the annual report's 表9 counts it).
Each repeating set here is a list of fields (text, date, year, a whole number or a code table value,
some required: "*" on the card) plus its cross-field rules.
Every row is checked whole — a partial edit is merged with the row's current values first — and
every bad field is reported at once.

Two counted facts follow from the sets (EVENT_CONTRACT.md): the highest education (学历) from the
学历学位 rows, and the current occupation (工作岗位 category) from the 工作岗位 rows. While a member
has no rows in a set, the value on the basic set stands (old records and imports carry only it);
once rows exist they decide, and the basic value can no longer be edited directly.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from services.shared.codes import (
    BODY_LEVELS,
    DEGREES,
    EDUCATION,
    EVALUATION_GRADES,
    HARDSHIP_KINDS,
    OCCUPATIONS,
    OTHER_PARTIES,
    REWARD_KINDS,
    STUDY_MODES,
    TITLE_LEVELS,
    TRAINING_MODES,
    CodeTable,
)
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import REQUIRED, blank, code_value, iso_date, optional_text, version

TEXT, DATE, CODE, YEAR, NUMBER = "text", "date", "code", "year", "number"
EARLIEST_YEAR = 1921  # the Party's founding: no party record is older


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    max_length: int = 100
    table: CodeTable | None = None
    maximum: int = 9999  # a NUMBER: a whole number from 1 to this

    def name_of(self, value) -> str | None:
        """What the card shows: a code's name, a date as ISO text, or the text."""
        if value is None:
            return None
        if self.kind == CODE:
            return self.table.name(value) if value in self.table else value
        return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class MemberDates:
    """What the rules need to know about the member a row belongs to."""
    birth_date: date
    joined_on: date


@dataclass(frozen=True)
class InfoSet:
    key: str            # in URLs, RPCs and the card: "evaluations"
    label: str          # 民主评议
    fields: tuple[Field, ...]
    # Cross-field rules: (values, member, today, other rows of the member) → {field: message}.
    rules: tuple[Callable, ...] = field(default_factory=tuple)
    # Pairs (earlier, later) of date fields: the later may not precede the earlier.
    spans: tuple[tuple[str, str], ...] = ()

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def sort_field(self) -> str:
        """Rows are listed newest first by this field: the first required date or year, else
        the last date (an education by its graduation)."""
        timed = [f for f in self.fields if f.kind in (DATE, YEAR)]
        return next((f.key for f in timed if f.required), timed[-1].key)


def _trained_as_member(values: Mapping, member: MemberDates, today: date, others: list[Mapping]) -> dict:
    """表9 counts the training of party members: one begun before 入党 was a 发展对象's, not a member's."""
    started = values.get("started_on")
    if started is not None and started < member.joined_on:
        return {"started_on": f"开始日期不能早于入党日期（{member.joined_on.isoformat()}）"}
    return {}


def _unique_year(values: Mapping, member: MemberDates, today: date, others: list[Mapping]) -> dict:
    year = values.get("year")
    if year is None:
        return {}
    if year < member.joined_on.year:
        return {"year": f"评议年度不能早于入党年度（{member.joined_on.year}）"}
    if any(other.get("year") == year for other in others):
        return {"year": f"{year}年度已有民主评议结果，每年只能有一条"}
    return {}


INFO_SETS: dict[str, InfoSet] = {s.key: s for s in (
    InfoSet("educations", "学历学位", (
        Field("education", "学历", CODE, True, table=EDUCATION),
        Field("degree", "学位", CODE, table=DEGREES),
        Field("school", "毕业院校", max_length=100),
        Field("major", "所学专业", max_length=100),
        Field("study_mode", "学习形式", CODE, table=STUDY_MODES),
        Field("started_on", "入学日期", DATE),
        Field("graduated_on", "毕业日期", DATE),
    ), spans=(("started_on", "graduated_on"),)),
    InfoSet("work_posts", "工作岗位", (
        Field("occupation", "工作岗位", CODE, True, table=OCCUPATIONS),
        Field("unit", "工作单位", max_length=100),
        Field("post", "岗位名称", max_length=50),
        Field("started_on", "开始日期", DATE, True),
        Field("ended_on", "结束日期", DATE),
    ), spans=(("started_on", "ended_on"),)),
    InfoSet("positions", "职务", (
        Field("title", "职务名称", TEXT, True, max_length=50),
        Field("unit", "任职单位", max_length=100),
        Field("started_on", "任职日期", DATE, True),
        Field("ended_on", "免职日期", DATE),
    ), spans=(("started_on", "ended_on"),)),
    InfoSet("titles", "技术职务", (
        Field("title", "专业技术职务", TEXT, True, max_length=50),
        Field("level", "等级", CODE, table=TITLE_LEVELS),
        Field("obtained_on", "取得资格日期", DATE),
        Field("appointed_on", "聘任日期", DATE),
    )),
    InfoSet("evaluations", "民主评议", (
        Field("year", "评议年度", YEAR, True),
        Field("grade", "评议结果", CODE, True, table=EVALUATION_GRADES),
        Field("note", "备注", max_length=200),
    ), rules=(_unique_year,)),
    # 培训情况 (表9 培训): counted in the year of its 开始日期 by the level of the body that held it.
    InfoSet("trainings", "培训情况", (
        Field("name", "培训名称", TEXT, True, max_length=100),
        Field("level", "举办单位级别", CODE, True, table=BODY_LEVELS),
        Field("organizer", "举办单位", max_length=100),
        Field("mode", "培训方式", CODE, table=TRAINING_MODES),
        Field("started_on", "开始日期", DATE, True),
        Field("ended_on", "结束日期", DATE),
        Field("hours", "学时", NUMBER, maximum=2000),
    ), rules=(_trained_as_member,), spans=(("started_on", "ended_on"),)),
    InfoSet("rewards", "奖惩情况", (
        Field("kind", "奖惩类别", CODE, True, table=REWARD_KINDS),
        Field("name", "奖惩名称", TEXT, True, max_length=100),
        Field("decided_on", "批准日期", DATE, True),
        Field("authority", "批准机关", max_length=100),
        # 表12 表彰 counts a 奖励 by this level (rows recorded before it was asked have none: 未填写).
        Field("level", "批准机关级别", CODE, table=BODY_LEVELS),
        Field("reason", "奖惩原因", max_length=500),
    )),
    InfoSet("other_parties", "其他党团信息", (
        Field("party", "党团组织", CODE, True, table=OTHER_PARTIES),
        Field("joined_on", "加入日期", DATE, True),
        Field("left_on", "离开日期", DATE),
        Field("note", "备注", max_length=200),
    ), spans=(("joined_on", "left_on"),)),
    InfoSet("hardships", "困难党员", (
        Field("kind", "困难类型", CODE, True, table=HARDSHIP_KINDS),
        Field("recorded_on", "认定日期", DATE, True),
        Field("description", "困难情况", max_length=500),
        Field("relieved_on", "解除日期", DATE),
    ), spans=(("recorded_on", "relieved_on"),)),
)}

# The sets a batch may add to many members at once (2013 manual, 人员批量添加: 工作岗位 and 民主评议;
# PMIS adds 培训情况, as a training is usually many members').
BATCH_SETS = ("work_posts", "evaluations", "trainings")


def info_set(key) -> InfoSet:
    """The set named `key`; a ValueError with a Chinese message for an unknown one."""
    spec = INFO_SETS.get(key) if isinstance(key, str) else None
    if spec is None:
        raise ValueError(f"未知的信息集：{key}")
    return spec


def _value(spec: Field, raw, today: date):
    if spec.kind == CODE:
        if blank(raw):
            return None
        return code_value(raw, spec.table, f"未知的{spec.label}")
    if spec.kind == DATE:
        if blank(raw):
            return None
        day = iso_date(raw)
        if day > today:
            raise ValueError(f"{spec.label}不能晚于今天")
        return day
    if spec.kind == YEAR:
        return None if blank(raw) else year_value(raw, today)
    if spec.kind == NUMBER:
        return None if blank(raw) else whole_number(raw, spec.maximum)
    return optional_text(raw, spec.max_length)


def year_value(raw, today: date) -> int:
    """A year field (评议年度): four digits, from the Party's founding to this year."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()):
        raise ValueError("应为四位数年份")
    year = int(text)
    if not EARLIEST_YEAR <= year <= today.year:
        raise ValueError(f"年度应在{EARLIEST_YEAR}至{today.year}之间")
    return year


def whole_number(raw, maximum: int) -> int:
    """A NUMBER field (学时): a whole number from 1 to `maximum`."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= maximum:
        raise ValueError(f"应为1至{maximum}的整数")
    return int(text)


def validate_row(spec: InfoSet, data, member: MemberDates, today: date | None = None,
                 others: Iterable[Mapping] = ()) -> dict:
    """A whole row of `spec` (a partial edit merged with the current row by the caller) →
    normalized values of every field. `others`: the member's other rows of this set."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    today = today or date.today()
    errors: dict[str, str] = {}
    values: dict = {}
    for key in data:
        if key not in spec.keys and key != "version":
            errors[str(key)] = f"{spec.label}信息集没有此项"
    for item in spec.fields:
        try:
            value = _value(item, data.get(item.key), today)
            if value is None and item.required:
                raise ValueError(REQUIRED)
            if item.kind == DATE and value is not None and value < member.birth_date:
                raise ValueError(f"{item.label}不能早于出生日期")
            values[item.key] = value
        except ValueError as e:
            errors[item.key] = str(e)
    for earlier, later in spec.spans:
        if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
            errors.setdefault(later, f"{spec.field(later).label}不能早于{spec.field(earlier).label}")
    if not errors:
        for rule in spec.rules:
            errors.update(rule(values, member, today, list(others)))
    if errors:
        raise FieldErrors(errors)
    return values


def read_version(data) -> int:
    """The member version a row change was decided on (required: the whole card is one record)."""
    try:
        return version(data.get("version") if isinstance(data, Mapping) else None)
    except ValueError as e:
        raise FieldErrors({"version": str(e)}) from None


# --- facts the sets decide ----------------------------------------------------------------------

def highest_education(rows: Iterable[Mapping]) -> str | None:
    """The highest 学历 among the rows: GB/T 4658 codes rise as the level falls (10 研究生 …
    80 小学, 90 其他 last)."""
    codes = [row["education"] for row in rows if row.get("education")]
    return min(codes) if codes else None


def current_occupation(rows: Iterable[Mapping]) -> str | None:
    """The 工作岗位 category now: the latest-started post still held (no end date); when every
    post has ended, the latest-started one (a retired member's last post says most)."""
    rows = [row for row in rows if row.get("occupation")]
    if not rows:
        return None
    held = [row for row in rows if row.get("ended_on") is None] or rows
    return max(held, key=lambda row: (row["started_on"], row.get("id") or 0))["occupation"]


DERIVED_FROM = {"education": ("educations", highest_education), "occupation": ("work_posts", current_occupation)}


def derived_facts(rows_by_set: Mapping[str, list[Mapping]]) -> dict:
    """{"education"|"occupation": value} for each fact whose set has rows (only those)."""
    return {fact: derive(rows_by_set[key]) for fact, (key, derive) in DERIVED_FROM.items()
            if rows_by_set.get(key)}


def evaluation_facts(rows: Iterable[Mapping]) -> dict:
    """{"2025": "1", …}: the 民主评议 grade per year, as the event contract carries it."""
    return {str(row["year"]): row["grade"] for row in sorted(rows, key=lambda row: row["year"])}


def training_facts(rows: Iterable[Mapping]) -> list:
    """[[开始日期, 级别, 培训方式, 学时], …] of the 培训情况 rows, oldest first, as the event contract
    carries them (表9)."""
    return [[row["started_on"].isoformat(), row["level"], row.get("mode"), row.get("hours")]
            for row in sorted(rows, key=lambda row: (row["started_on"], row.get("id") or 0))]


COMMENDED = "1"  # the 奖惩类别 奖励: 表12 表彰 counts these


def commendation_facts(rows: Iterable[Mapping]) -> list:
    """[[批准日期, 级别], …] of the 奖励 rows of 奖惩情况, oldest first (表12; a 惩处 is not counted)."""
    return [[row["decided_on"].isoformat(), row.get("level")]
            for row in sorted(rows, key=lambda row: (row["decided_on"], row.get("id") or 0))
            if row["kind"] == COMMENDED]


def validate_row_change(spec: InfoSet, data, member: MemberDates, today: date | None = None,
                        others: Iterable[Mapping] = ()) -> tuple[int, dict]:
    """A row to add or (merged with its current values) to save, with the member version the
    change was decided on: (version, values); every bad field at once."""
    errors: dict[str, str] = {}
    values: dict = {}
    try:
        read = read_version(data)
    except FieldErrors as exc:
        errors.update(exc.fields)
    try:
        values = validate_row(spec, data, member, today, others)
    except FieldErrors as exc:
        errors.update({key: message for key, message in exc.fields.items() if key not in errors})
    if errors:
        raise FieldErrors(errors)
    return read, values
