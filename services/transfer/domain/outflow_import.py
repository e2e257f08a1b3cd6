"""The 流出党员采集表 (数据迁移), pure: one row a 流出登记 of a member already recorded, read into
the form 流出登记 takes (validate_outflow: the same field rules) and judged against the member as
the member service and this service see them. Nothing here writes (docs/MIGRATION.md, "流出党员")."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.shared import field_rules
from services.shared.field_errors import FieldErrors, RowProblems

from . import mobility as rules

ALREADY = "该党员的这次流出已登记，不再重复写入（同一文件重复导入时出现）"
CERTIFICATE_NO_MAX = 40
DAYS = ("from_date", "expected_return", "certificate_issued_on")  # the dates a kept row carries as text
NOT_FOUND = "本账号管理范围内没有这个公民身份号码的党员（请先导入党员采集表）"
YES, NO = ("是", "y", "yes", "true", "1"), ("否", "n", "no", "false", "0", "")
# validate_outflow's fields → the sheet's columns
FIELDS = {"from_date": "from_date", "reason": "reason", "destination": "destination", "destination.text": "destination",
          "destination.code": "division", "phone": "phone", "expected_return": "expected_return",
          "to_org_id": "to_org_code", "to_org_text": "to_org_text", "certificate": "file"}


def _text(raw: Mapping, key: str) -> str:
    return str(raw.get(key) or "").strip()


def read_row(raw: Mapping, today: date, org_ids: Mapping[str, int]) -> dict:
    """The row as 流出登记's validated data ({from_date, reason, destination, to_org_id, to_org_text,
    phone, expected_return, certificate}) with the 活动证 issued before PMIS ({certificate_no,
    certificate_issued_on}, None when there is none); `org_ids` are this deployment's organizations by code.
    RowProblems {column key: Chinese message} when a column is wrong."""
    problems = {}
    abroad_text = _text(raw, "abroad").lower()
    if abroad_text not in YES + NO:
        problems["abroad"] = "是否出国（境）应填“是”或“否”"
    to_org_id = None
    code = _text(raw, "to_org_code")
    if code:
        to_org_id = org_ids.get(code)
        if to_org_id is None:
            problems["to_org_code"] = f"没有代码为“{code}”的党组织"
        elif _text(raw, "to_org_text"):
            problems["to_org_text"] = "已填写流入党组织代码（本系统内），不要再填写流入单位或党组织"
    days = {}
    for key, required in (("from_date", True), ("expected_return", False)):
        if _text(raw, key) or required:
            try:
                days[key] = field_rules.sheet_day(_text(raw, key))
            except ValueError as error:
                problems[key] = str(error)
    number = _text(raw, "certificate_no")
    if len(number) > CERTIFICATE_NO_MAX:
        problems["certificate_no"] = f"活动证编号不能超过{CERTIFICATE_NO_MAX}个字"
    if number:
        try:
            days["certificate_issued_on"] = field_rules.sheet_day(_text(raw, "certificate_issued_on"))
            if days["certificate_issued_on"] > today:
                problems["certificate_issued_on"] = "发证日期不能晚于今天"
        except ValueError as error:
            problems["certificate_issued_on"] = f"发证日期{error}"
    elif _text(raw, "certificate_issued_on"):
        problems["certificate_no"] = "填写了发证日期，请同时填写活动证编号"
    form = {"from_date": days.get("from_date", _text(raw, "from_date")), "reason": _text(raw, "reason"),
            "destination": {"text": _text(raw, "destination"), "code": _text(raw, "division") or None,
                            "abroad": abroad_text in YES},
            "to_org_id": to_org_id, "to_org_text": None if code else (_text(raw, "to_org_text") or None),
            "phone": _text(raw, "phone"), "expected_return": days.get("expected_return"),
            "certificate": False}
    try:
        data = rules.validate_outflow(form, today)
    except FieldErrors as errors:
        for field, message in errors.fields.items():
            problems.setdefault(FIELDS.get(field, field), message)
        data = None
    if problems:
        raise RowProblems(problems)
    return {**data, "certificate_no": number or None, "certificate_issued_on": days.get("certificate_issued_on")}


def _day_text(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _text_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def plain(data: dict) -> dict:
    """The validated data as JSON (kept with the preview's row)."""
    return {**data, **{key: _day_text(data.get(key)) for key in DAYS}}


def of_plain(kept: Mapping) -> dict:
    return {**kept, **{key: _text_day(kept.get(key)) for key in DAYS}}


@dataclass(frozen=True)
class Standing:
    """What this service knows of the member: their outflows' (from date, state), and an open transfer."""
    outflows: tuple = ()
    transfer_open: bool = False


def judge(member: Mapping | None, name: str, data: Mapping, standing: Standing, home_id: int | None = None
          ) -> tuple[str, str] | None:
    """(column key, Chinese reason) the row cannot be written for, or None. `member` as the member
    service gave it (None: not in the caller's scope)."""
    if member is None:
        return "id_number", NOT_FOUND
    if name != member["name"]:
        return "name", f"姓名与公民身份号码不符（名册中为“{member['name']}”）" if name else "请填写姓名"
    if any(day == data["from_date"].isoformat() for day, _ in standing.outflows):
        return "from_date", ALREADY
    if member.get("status") != "active":
        return "id_number", "该党员不在党员名册中，不能登记流出"
    if member.get("in_transit") or standing.transfer_open:
        return "id_number", "该党员正在办理组织关系转接，不能登记为流出党员"
    away = next((day for day, state in standing.outflows if state in rules.OPEN_OUTFLOW), None)
    if away is not None:
        return "id_number", f"该党员已登记为流出党员（流出日期{away}），请先在系统中办理返回"
    if data["from_date"] < date.fromisoformat(member["joined_on"]):
        return "from_date", f"流出日期不能早于入党日期（{member['joined_on']}）"
    if home_id is not None and data["to_org_id"] == home_id:
        return "to_org_code", "流入党组织就是该党员所在的党组织"
    return None
