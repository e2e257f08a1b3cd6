"""The 换届采集表 (数据迁移), pure: one committee member a row; the rows of one organization with one
选举日期 are one term (届次), written as one 换届 (terms.write_term, the form's validate_new_term and
every rule of the command). Here: each row read, the rows grouped into terms, and the terms judged
against the organization's terms already recorded — a term is imported whole or not at all. Nothing
here writes (docs/MIGRATION.md, "换届")."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import RowProblems
from services.shared.field_rules import code_value, optional_text, sheet_day

from .terms import APPROVAL_NO_MAX, METHODS, POSTS, SECRETARY

ALREADY = "该届次已导入，不再重复写入（同一文件重复导入时出现）"
WHOLE = "同一届中有其他行有误，该届整届未导入"
HEAD_KEYS = ("method", "term_years", "approved_on", "approval_no")
HEAD_NAMES = {"method": "产生方式", "term_years": "任期（年）", "approved_on": "批复日期", "approval_no": "批复文号"}


@dataclass(frozen=True)
class Row:
    org_code: str
    elected_on: date
    method: str
    term_years: int | None
    approved_on: date | None
    approval_no: str | None
    id_number: str
    name: str
    post: str

    def head(self) -> tuple:
        return tuple(getattr(self, key) for key in HEAD_KEYS)


def _text(raw: Mapping, key: str) -> str:
    return str(raw.get(key) or "").strip()


def _day(raw: Mapping, key: str, today: date, problems: dict) -> date | None:
    if not _text(raw, key):
        return None
    try:
        day = sheet_day(_text(raw, key))
    except ValueError as error:
        problems[key] = str(error)
        return None
    if day > today:
        problems[key] = "不能晚于今天"
    elif day.year < 1921:
        problems[key] = "日期有误"
    return day


def read_row(raw: Mapping, today: date) -> Row:
    """One row; RowProblems {column key: Chinese message} when a column is wrong."""
    problems: dict = {}
    if not _text(raw, "org_code"):
        problems["org_code"] = "请填写党组织代码"
    elected_on = _day(raw, "elected_on", today, problems)
    if elected_on is None and "elected_on" not in problems:
        problems["elected_on"] = "请填写选举日期"
    values = {}
    for key, table, unknown in (("method", METHODS, "产生方式应为：" + "、".join(METHODS.names())),
                                ("post", POSTS, "职务应为：" + "、".join(POSTS.names()))):
        try:
            values[key] = code_value(_text(raw, key), table, unknown)
        except ValueError as error:
            problems[key] = str(error)
    years = None
    if _text(raw, "term_years"):
        text = _text(raw, "term_years").removesuffix("年")
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 10:
            years = int(text)
        else:
            problems["term_years"] = "任期应为1到10的整数（年）"
    approved_on = _day(raw, "approved_on", today, problems)
    if approved_on and elected_on and approved_on < elected_on:
        problems["approved_on"] = "批复日期不能早于选举（指派）日期"
    try:
        approval_no = optional_text(_text(raw, "approval_no") or None, APPROVAL_NO_MAX)
    except ValueError as error:
        problems["approval_no"] = str(error)
    if not _text(raw, "id_number"):
        problems["id_number"] = "请填写公民身份号码"
    if not _text(raw, "name"):
        problems["name"] = "请填写姓名"
    if problems:
        raise RowProblems(problems)
    return Row(_text(raw, "org_code"), elected_on, values["method"], years, approved_on, approval_no,
               _text(raw, "id_number").upper(), _text(raw, "name"), values["post"])


def term_key(raw: Mapping) -> tuple:
    """(organization code, 选举日期) of a row as far as it can be read: the term a refused row spoils."""
    try:
        return _text(raw, "org_code"), sheet_day(_text(raw, "elected_on"))
    except ValueError:
        return _text(raw, "org_code"), None


@dataclass(frozen=True)
class Recorded:
    """An organization's terms as recorded: every term's 选举日期, and the open term's (number, date)."""
    elected: frozenset = frozenset()
    open_term: tuple[int, date] | None = None


def group(rows: Iterable[tuple[int, Row]]) -> tuple[dict[tuple, list[tuple[int, Row]]], list[tuple[int, str, str]]]:
    """The rows by term ((org code, 选举日期) → [(row number, row)]) and the rows refused for the
    term's sake (row number, column key, reason): a head (产生方式, 任期, 批复) unlike the term's first
    row, a member twice in one term, a second 书记."""
    terms: dict[tuple, list[tuple[int, Row]]] = {}
    refused = []
    for row_no, row in rows:
        terms.setdefault((row.org_code, row.elected_on), []).append((row_no, row))
    for items in terms.values():
        first_no, first = items[0]
        people, secretary = {}, None
        for row_no, row in items:
            unlike = next((key for key in HEAD_KEYS if getattr(row, key) != getattr(first, key)), None)
            if unlike is not None:
                refused.append((row_no, unlike, f"同一届各行的{HEAD_NAMES[unlike]}须一致（与第 {first_no} 行不同）"))
            elif row.id_number in people:
                refused.append((row_no, "id_number", f"同一届中该党员已在第 {people[row.id_number]} 行"))
            elif row.post == SECRETARY and secretary is not None:
                refused.append((row_no, "post", f"一个班子只能有一名书记（第 {secretary} 行已是书记）"))
            else:
                people[row.id_number] = row_no
                if row.post == SECRETARY:
                    secretary = row_no
    return terms, refused


def judge_term(recorded: Recorded, elected_on: date) -> str | None:
    """Why a term of the organization cannot be imported, or None: imported before, or before the
    term in office (换届 closes the term in office: older terms cannot be added behind it)."""
    if elected_on in recorded.elected:
        return ALREADY
    if recorded.open_term is not None and elected_on < recorded.open_term[1]:
        number, day = recorded.open_term
        return f"选举日期应晚于本组织现任一届（第{number}届）的选举日期{day.isoformat()}（较早的届次请先于其导入）"
    return None


def term_form(head: Row, members: list[tuple[int, str]]) -> dict:
    """换届's input (validate_new_term) for a term: its head and its members [(member id, post)]."""
    return {"elected_on": head.elected_on.isoformat(), "method": head.method, "term_years": head.term_years,
            "approved_on": head.approved_on.isoformat() if head.approved_on else None,
            "approval_no": head.approval_no, "members": [{"member_id": m, "post": post} for m, post in members]}
