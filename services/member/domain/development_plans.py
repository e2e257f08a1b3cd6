"""发展计划: an organization's annual development plan and what happened that year. Pure.

A plan (per organization and year; a branch's, or a 党委's own for its whole subtree) holds the
planned numbers of 发展党员, 确定入党积极分子 and 确定发展对象, optionally the applicants it names,
and a note. What happened is counted from the recorded pipeline (the applicant's stage dates,
which every step and 回退 keeps): 申请入党 by 申请日期, 入党积极分子 by the step 确定为入党积极分子,
发展对象 by 列为发展对象, 发展党员 by the accepting 支部大会 of the accepted (as the annual report
counts them). docs/DEVELOPMENT.md "发展计划" says why.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, optional_text

# (key, label): the planned numbers, in the order a plan is printed
PLANNED = (("members", "计划发展党员数"), ("activists", "计划确定入党积极分子数"), ("candidates", "计划确定发展对象数"))
# (key, label): what happened in the year, counted from the recorded pipeline
ACTUAL = (("applied", "申请入党人数"), ("activists", "确定入党积极分子数"), ("candidates", "确定发展对象数"),
          ("members", "发展党员数"))
MAX_NUMBER = 100_000
MAX_NAMED = 200
NOTE_MAX = 500
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Counts:
    applied: int = 0
    activists: int = 0
    candidates: int = 0
    members: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, k) + getattr(other, k) for k, _ in ACTUAL))

    def view(self) -> dict:
        return {key: getattr(self, key) for key, _ in ACTUAL}


def parse_year(value, today: date) -> int:
    """The plan's year: a whole number from 2000 to next year (a plan is made the November before)."""
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= today.year + 1:
        raise FieldErrors({"year": f"年度应为{FIRST_YEAR}至{today.year + 1}之间的年份"})
    return int(text)


def year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _number(value, label: str) -> int:
    if blank(value):
        raise ValueError(f"请填写{label}")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
        raise ValueError(f"{label}应为0到{MAX_NUMBER}之间的整数")
    return value


def _named(value) -> list[int]:
    if blank(value) or value == []:
        return []
    if not isinstance(value, list) or len(value) > MAX_NAMED:
        raise ValueError(f"应为最多{MAX_NAMED}名入党申请人的编号列表")
    ids = []
    for item in value:
        if isinstance(item, str) and item.strip().isascii() and item.strip().isdigit():
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
            raise ValueError("入党申请人编号应为正整数")
        ids.append(item)
    if len(set(ids)) != len(ids):
        raise ValueError("同一人不能重复列入")
    return ids


def parse_plan(raw) -> dict:
    """{members, activists, candidates, named: [applicant ids], note} from the input (FieldErrors).
    Unknown keys are refused; `version` (optimistic locking) is the wiring's."""
    if not isinstance(raw, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors, out = {}, {}
    for key in sorted(set(raw) - {k for k, _ in PLANNED} - {"named", "note", "version"}):
        errors[key] = "发展计划没有此项"
    for key, label in PLANNED:
        try:
            out[key] = _number(raw.get(key), label)
        except ValueError as error:
            errors[key] = str(error)
    try:
        out["named"] = _named(raw.get("named"))
    except ValueError as error:
        errors["named"] = str(error)
    try:
        out["note"] = optional_text(raw.get("note"), NOTE_MAX) or ""
    except ValueError as error:
        errors["note"] = str(error)
    if errors:
        raise FieldErrors(errors)
    return out


def _under(path: str, root: str) -> bool:
    return path.startswith(root)


def completion(planned: int | None, actual: int) -> int | None:
    """完成率 in whole percent (None without a plan or with a plan of 0)."""
    if not planned:
        return None
    return round(actual * 100 / planned)


def plan_vs_actual(root: str, orgs: Mapping[str, str], plans: Mapping[str, Mapping],
                   actuals: Mapping[str, Counts]) -> tuple[list[dict], dict]:
    """The report of the organization at path `root`: one row per organization of its subtree that
    has a plan or held counted applicants (and the root itself), in tree order, each with its plan
    (None: no plan) and what happened in its own subtree; and the total: what happened in the
    whole subtree, against the plan of the subtree — the root's own plan when it has one, else
    the sum of the plans of the topmost planning organizations below (a plan nested under another
    one is part of it, not added again). `orgs` maps path → name, `plans` path → plan,
    `actuals` path → Counts of the applicants held directly there."""
    paths = sorted({root, *(p for p in plans if _under(p, root)), *(p for p in actuals if _under(p, root))},
                   key=lambda p: [int(i) for i in p.strip("/").split("/")])
    rows = []
    for path in paths:
        actual = sum((c for p, c in actuals.items() if _under(p, path)), Counts())
        plan = plans.get(path)
        rows.append({"path": path, "name": orgs.get(path, ""), "depth": path.count("/") - root.count("/"),
                     "plan": _plan_numbers(plan), "actual": actual.view(),
                     "completion": completion(plan["members"], actual.members) if plan else None})
    top = [p for p in plans if _under(p, root) and not any(q != p and _under(p, q) and _under(q, root) for q in plans)]
    total_plan = None
    if top:
        total_plan = {key: sum(plans[p][key] for p in top) for key, _ in PLANNED}
    total_actual = sum((c for p, c in actuals.items() if _under(p, root)), Counts())
    return rows, {"plan": total_plan, "actual": total_actual.view(), "planned_by": len(top),
                  "completion": completion(total_plan["members"], total_actual.members) if total_plan else None}


def _plan_numbers(plan: Mapping | None) -> dict | None:
    return {key: plan[key] for key, _ in PLANNED} if plan else None


def named_outcome(year: int, stage_name: str, joined_on: date | None, deleted: bool) -> str:
    """What became of an applicant named in the year's plan."""
    if deleted:
        return "已删除"
    if joined_on is not None and joined_on.year == year:
        return "已发展"
    if joined_on is not None:
        return f"{joined_on.year}年已发展"
    return f"未发展（{stage_name}）"


def counts_of(rows: Iterable) -> dict[str, Counts]:
    """path → Counts from rows (org_path, applied, activists, candidates, members)."""
    out: dict[str, Counts] = {}
    for row in rows:
        out[row[0]] = out.get(row[0], Counts()) + Counts(*row[1:5])
    return out
