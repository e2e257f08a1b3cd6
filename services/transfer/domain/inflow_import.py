"""The 流入党员采集表 (数据迁移), pure: one row a 流入登记 of a member from outside this deployment at
one of its organizations, read into the form 流入登记 takes (validate_inflow: the same field rules)
with the 离开日期 of an inflow that has ended since, and judged against the organization and the
inflows it has of that ID number. Nothing here writes (docs/MIGRATION.md, "流入党员采集表")."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.shared import field_rules
from services.shared.field_errors import FieldErrors, RowProblems

from . import mobility as rules

ALREADY = "该党员的这次流入已登记，不再重复写入（同一文件重复导入时出现）"
OURS = ("该公民身份号码是本账号管理范围内的党员：本系统内的流动请由其所在党组织登记流出，"
        "再在流入党组织的流动党员页确认流入")
# validate_inflow's fields → the sheet's columns
FIELDS = {"from_date": "from_date", "external.name": "name", "external.id_number": "id_number",
          "external.home_org_text": "home_org_text", "external.certificate_no": "certificate_no"}



def _text(raw: Mapping, key: str) -> str:
    return str(raw.get(key) or "").strip()


def read_row(raw: Mapping, today: date) -> dict:
    """The row as 流入登记's validated data ({from_date, external: {name, id_number, home_org_text,
    certificate_no}}) with `ended_on` (None while the member is still there). RowProblems {column
    key: Chinese message} when a column is wrong."""
    problems = {}
    days = {}
    for key, required in (("from_date", True), ("ended_on", False)):
        if _text(raw, key) or required:
            try:
                days[key] = field_rules.sheet_day(_text(raw, key))
            except ValueError as error:
                problems[key] = str(error)
    form = {"from_date": days.get("from_date", _text(raw, "from_date")),
            "external": {"name": _text(raw, "name"), "id_number": _text(raw, "id_number").upper(),
                         "home_org_text": _text(raw, "home_org_text"),
                         "certificate_no": _text(raw, "certificate_no") or None}}
    data = None
    try:
        data = rules.validate_inflow(form, today)
    except FieldErrors as errors:
        for field, message in errors.fields.items():
            problems.setdefault(FIELDS.get(field, field), message)
    if data is not None and "ended_on" in days:
        try:
            rules.validate_found({"date": days["ended_on"]}, data["from_date"], today, "流入日期")
        except FieldErrors as errors:
            problems["ended_on"] = errors.fields["date"]
    if problems:
        raise RowProblems(problems)
    return {**data, "ended_on": days.get("ended_on")}


def plain(data: dict) -> dict:
    """The validated data as JSON (kept with the preview's row)."""
    return {"from_date": data["from_date"].isoformat(), "external": data["external"],
            "ended_on": data["ended_on"].isoformat() if data["ended_on"] else None}


def of_plain(kept: Mapping) -> dict:
    return {"from_date": date.fromisoformat(kept["from_date"]), "outflow_id": None, "external": kept["external"],
            "ended_on": date.fromisoformat(kept["ended_on"]) if kept.get("ended_on") else None}


@dataclass(frozen=True)
class Stint:
    """One inflow of the ID number at the organization: recorded (`row` None) or an earlier row of the sheet."""
    from_date: date
    ended_on: date | None = None
    row: int | None = None

    def overlaps(self, start: date, end: date | None) -> bool:
        return (self.ended_on is None or start <= self.ended_on) and (end is None or self.from_date <= end)


def judge(code: str, org: Mapping | None, data: Mapping, stints, ours: bool) -> tuple[str, str] | None:
    """(column key, Chinese reason) the row cannot be written for, or None. `org` is the organization
    of the code as the directory has it ({in_scope, status, name}; None: no such code); `stints` the
    inflows of the ID number at it; `ours`: the ID number is a member in the caller's scope."""
    if org is None:
        return "org_code", f"没有代码为“{code}”的党组织" if code else "请填写流入党组织代码"
    if not org["in_scope"]:
        return "org_code", f"党组织“{org['name']}”不在本账号管理范围内"
    if org.get("status") != "active":
        return "org_code", f"党组织“{org['name']}”已撤销，不能登记流入"
    if ours:
        return "id_number", OURS
    start, end = data["from_date"], data["ended_on"]
    for stint in stints:
        if stint.row is None and stint.from_date == start:
            return "from_date", ALREADY
    for stint in stints:
        if not stint.overlaps(start, end):
            continue
        if stint.row is not None:
            return "id_number", f"与第 {stint.row} 行同一党员在同一党组织的流入时间重叠"
        if stint.ended_on is None:
            return "id_number", (f"该党员已在本党组织登记流入（流入日期{stint.from_date.isoformat()}），"
                                 "请先在系统中登记离开")
        return "from_date", (f"与已登记的流入（{stint.from_date.isoformat()}至{stint.ended_on.isoformat()}）"
                             "时间重叠")
    return None
