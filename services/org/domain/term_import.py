"""The 换届采集表 (数据迁移), pure: one committee member a row; the rows of one organization with one
选举日期 are one term (届次), written as one 换届 (terms.write_term, the form's validate_new_term and
every rule of the command). Here: each row read, the rows grouped into terms, and the terms judged
against the organization's terms already recorded — a term is imported whole or not at all. A term
with its 选举情况 (应到/实到/应选名额 and each candidate's 得票, the 差额 candidates not elected
included) is counted by 换届's own rules (quorum, majority, a tie), and its 是否当选 column, where
filled, must agree with the count. Nothing here writes (docs/MIGRATION.md, "换届")."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import RowProblems, RuleViolation
from services.shared.field_rules import code_value, optional_text, sheet_day

from .terms import APPOINTED, APPROVAL_NO_MAX, MEMBER_POST, METHODS, POSTS, SECRETARY, find_winners, rules_for

ALREADY = "该届次已导入，不再重复写入（同一文件重复导入时出现）"
WHOLE = "同一届中有其他行有误，该届整届未导入"
HEAD_KEYS = ("method", "term_years", "approved_on", "approval_no", "entitled", "present", "seats")
HEAD_NAMES = {"method": "产生方式", "term_years": "任期（年）", "approved_on": "批复日期", "approval_no": "批复文号",
              "entitled": "应到人数", "present": "实到人数", "seats": "应选名额"}
FIGURES = ("entitled", "present", "seats")
YES, NO = ("是", "当选", "y", "yes", "1"), ("否", "未当选", "n", "no", "0")


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
    post: str | None  # with figures: the post if elected (None: 委员)
    entitled: int | None = None
    present: int | None = None
    seats: int | None = None
    votes: int | None = None
    elected: bool | None = None  # 是否当选 as the sheet says, to check against the count

    def head(self) -> tuple:
        return tuple(getattr(self, key) for key in HEAD_KEYS)

    @property
    def has_figures(self) -> bool:
        return self.seats is not None


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


def _number(raw: Mapping, key: str, minimum: int, label: str, problems: dict) -> int | None:
    text = _text(raw, key).removesuffix("人").removesuffix("名").removesuffix("票")
    if not text:
        return None
    if text.isascii() and text.isdigit() and minimum <= int(text) <= 100_000:
        return int(text)
    problems[key] = f"{label}应为不小于{minimum}的整数"
    return None


def _figures(raw: Mapping, problems: dict) -> dict:
    """应到/实到/应选名额 (all or none), 得票数 (with them, required), 是否当选 (optional, with them)."""
    figures = {key: _number(raw, key, 1, HEAD_NAMES[key], problems) for key in FIGURES}
    figures["votes"] = _number(raw, "votes", 0, "得票数", problems)
    given = [key for key in FIGURES if _text(raw, key)]
    if given and len(given) < len(FIGURES):
        for key in FIGURES:
            if not _text(raw, key):
                problems[key] = "填写选举情况的，应到人数、实到人数和应选名额都须填写"
    with_figures = len(given) == len(FIGURES)
    if with_figures and not _text(raw, "votes") and "votes" not in problems:
        problems["votes"] = "有选举情况的，请填写该候选人的得票数"
    elected = _text(raw, "elected").lower()
    figures["elected"] = True if elected in YES else False if elected in NO else None
    if elected and figures["elected"] is None:
        problems["elected"] = "是否当选应填“是”或“否”"
    if not with_figures:
        for key, label in (("votes", "得票数"), ("elected", "是否当选")):
            if _text(raw, key) and key not in problems:
                problems[key] = f"填写{label}的，须同时填写应到人数、实到人数和应选名额"
    return figures


def read_row(raw: Mapping, today: date) -> Row:
    """One row; RowProblems {column key: Chinese message} when a column is wrong."""
    problems: dict = {}
    if not _text(raw, "org_code"):
        problems["org_code"] = "请填写党组织代码"
    elected_on = _day(raw, "elected_on", today, problems)
    if elected_on is None and "elected_on" not in problems:
        problems["elected_on"] = "请填写选举日期"
    figures = _figures(raw, problems)
    with_figures = all(_text(raw, key) for key in FIGURES)
    values = {"post": None}
    for key, table, unknown in (("method", METHODS, "产生方式应为：" + "、".join(METHODS.names())),
                                ("post", POSTS, "职务应为：" + "、".join(POSTS.names()))):
        if key == "post" and with_figures and not _text(raw, key):
            continue  # a candidate's post if elected: 委员 by default
        try:
            values[key] = code_value(_text(raw, key), table, unknown)
        except ValueError as error:
            problems[key] = str(error)
    if with_figures and values.get("method") == APPOINTED:
        problems["method"] = "上级指派的班子没有选举情况，不要填写应到人数、实到人数、应选名额和得票数"
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
               _text(raw, "id_number").upper(), _text(raw, "name"), values["post"], **figures)


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
    term's sake (row number, column key, reason): a head (产生方式, 任期, 批复, 选举情况) unlike the
    term's first row, a member twice in one term, a second 书记 (of a term without figures: among
    candidates, the count decides who takes the post)."""
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
            elif row.post == SECRETARY and secretary is not None and not row.has_figures:
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


def judge_election(head: Row, candidates: list[tuple[int, int, Row]]) -> str | None:
    """Why a term's 选举情况 cannot be imported, or None: the count of 换届's rules (the quorum, a
    majority of those present, a tie across the last seat) fails, or a 是否当选 filled in disagrees with
    it. `candidates`: (row number, member id, row). The rules that need the rolls (差额 among 正式党员
    on the day) are the commit's, as the form's are the command's."""
    election = {"entitled": head.entitled, "present": head.present, "seats": head.seats,
                "candidates": [{"member_id": member_id, "votes": row.votes, "post": row.post or MEMBER_POST}
                               for _, member_id, row in candidates]}
    term_rules = rules_for(head.elected_on)
    if head.present > head.entitled:
        return f"实到人数（{head.present}）不能多于应到人数（{head.entitled}）"
    if head.present * 5 <= head.entitled * term_rules.quorum_fifths:
        return f"实到{head.present}人，未超过应到{head.entitled}人的五分之四，选举无效（未成功的选举请在系统中记录）"
    over = next((row_no for row_no, _, row in candidates if row.votes > head.present), None)
    if over is not None:
        return f"第 {over} 行的得票多于实到人数（{head.present}）"
    try:
        winners = {member_id for member_id, _, _ in find_winners(election).winners}
    except RuleViolation as error:
        return error.message
    wrong = [str(row_no) for row_no, member_id, row in candidates
             if row.elected is not None and row.elected != (member_id in winners)]
    if wrong:
        return (f"第 {'、'.join(wrong)} 行的“是否当选”与按得票计算的结果不一致"
                f"（得票超过实到人数半数、按票数取前{head.seats}名）")
    secretaries = [row_no for row_no, member_id, row in candidates if member_id in winners and row.post == SECRETARY]
    if len(secretaries) > 1:
        return "当选的候选人中有两名书记，一个班子只能有一名书记"
    return None


def term_form(head: Row, members: list[tuple[int, str | None, int | None]]) -> dict:
    """换届's input (validate_new_term) for a term: its head and its members [(member id, post, votes)]:
    with figures, its election (every candidate with their votes and post if elected), else its members."""
    form = {"elected_on": head.elected_on.isoformat(), "method": head.method, "term_years": head.term_years,
            "approved_on": head.approved_on.isoformat() if head.approved_on else None, "approval_no": head.approval_no}
    if head.has_figures:
        form["election"] = {"entitled": head.entitled, "present": head.present, "seats": head.seats,
                            "candidates": [{"member_id": m, "votes": votes, "post": post or MEMBER_POST}
                                           for m, post, votes in members]}
    else:
        form["members"] = [{"member_id": m, "post": post} for m, post, _ in members]
    return form
