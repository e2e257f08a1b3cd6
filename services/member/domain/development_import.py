"""导入发展纪实: one row of the 发展纪实采集表 (a step taken on paper) read into a Step. Pure.

What a row must be to be imported (else a preview error on the row): an applicant found by the
ID number, in scope, not deleted, not yet accepted, with the same name; a step of the pipeline
up to 上级党委派人谈话 (审批 and later create or change the member record: keyed, not imported);
a date not after today and not before the applicant's last recorded step (steps are stored in
the order they happened); whole numbers where numbers are asked; only the columns the step has;
not the same step on the same day twice.

What is NOT refused: steps out of order, too early or too late, an introducer not a full member,
a vote short of the majority, missing votes or results — the keyed-step rules run over the
imported history in the 工作督查 list instead (supervision.violations).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from services.shared.codes import CodeTable
from services.shared.field_rules import iso_date, text

from .development import VERSIONS
from .development.forms import TEXT_MAX, form_fields
from .development.machine import Step, rule_of

PENDING = ("applicant", "activist", "candidate")  # stages in which a history may still be imported
ACCEPTING = "approval"  # creates the 预备党员: keyed only
NUMBER_COLUMNS = ("days", "hours", "entitled", "present", "written", "yes")
PEOPLE_STEPS = ("contacts", "introducers")
_SPLIT = re.compile(r"[、,，;；/\s]+")
MAX_NUMBER = 100_000


def _importable(rule) -> bool:
    return set(rule.while_stages) <= set(PENDING) and rule.name != ACCEPTING


# The steps a sheet may name, by English name or Chinese label (the template's drop-down).
STEPS = CodeTable("发展步骤", list({rule.name: rule.label for rules in VERSIONS for rule in rules.steps.values()
                                  if _importable(rule)}.items()))


@dataclass(frozen=True)
class Known:
    """What the wiring found for a row's ID number (None: no applicant in scope)."""
    applicant_id: int
    name: str
    stage: str
    deleted: bool
    last_on: date | None  # the date of the applicant's last recorded step (not taken back)
    recorded: frozenset = field(default_factory=frozenset)  # (step, date) already recorded


def _number(value: str):
    cleaned = value.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) > MAX_NUMBER:
        raise ValueError(f"应为0到{MAX_NUMBER}之间的整数")
    return int(cleaned)


def _passed(value: str) -> bool:
    cleaned = value.strip()
    if cleaned in ("合格", "通过", "是"):
        return True
    if cleaned in ("不合格", "未通过", "否"):
        return False
    raise ValueError("应为“合格”或“不合格”")


def people_names(value: str) -> list[str]:
    return [name for name in _SPLIT.split(value.strip()) if name]


def read_row(row: Mapping, known: Known | None, today: date) -> tuple[Step | None, dict[str, str]]:
    """(the Step to import, {}) or (None, {column: message}). People are names only here
    ([{"name"}]); the wiring fills them from the roll."""
    errors: dict[str, str] = dict(row.get("sheet_problems") or {})
    value = {key: str(row.get(key) or "").strip() for key in row if key not in ("row", "sheet_problems")}
    if not value.get("id_number"):
        errors["id_number"] = "必填"
    elif known is None:
        errors["id_number"] = "未找到该公民身份号码的入党申请人（须在本账号管理范围内，先录入或导入入党申请人）"
    elif known.deleted:
        errors["id_number"] = f"入党申请人“{known.name}”已删除，请先找回"
    elif known.stage not in PENDING:
        errors["id_number"] = f"“{known.name}”已接收为预备党员，发展纪实不能再导入"
    elif value.get("name") != known.name:
        errors["name"] = f"与该公民身份号码的入党申请人姓名“{known.name}”不一致"
    name = STEPS.resolve(value.get("step")) if value.get("step") else None
    if not value.get("step"):
        errors["step"] = "必填"
    elif name is None:
        errors["step"] = f"不能导入的发展步骤：{value['step']}（审批及以后的步骤请在系统中办理）"
    try:
        on = iso_date(value.get("date"))
        if on > today:
            errors["date"] = "不能晚于今天"
        elif known is not None and known.last_on is not None and on < known.last_on:
            errors["date"] = f"早于该入党申请人已记录的最后一个步骤（{known.last_on.isoformat()}），请先回退或补录在后"
    except ValueError as error:
        errors["date"] = str(error)
        on = None
    if name is None or on is None:
        return None, errors
    rule = rule_of(name, on, VERSIONS)
    fields = _fields(rule, value, errors)
    if known is not None and (name, on) in known.recorded:
        errors["step"] = f"该入党申请人{on.isoformat()}的“{rule.label}”已记录，不能重复导入"
    return (None, errors) if errors else (Step(name, on, fields), {})


def _fields(rule, value: Mapping[str, str], errors: dict) -> dict:
    """The step's fields from the row's columns: only those its form has (others refused)."""
    names = {f.name for f in form_fields(rule)}
    out: dict = {}
    for key, raw in value.items():
        if key in ("id_number", "name", "step", "date") or not raw:
            continue
        target = next((p for p in PEOPLE_STEPS if p in names), None) if key == "people" else key
        if target is None or target not in names:
            errors[key] = f"“{rule.label}”没有此项"
            continue
        try:
            if key == "people":
                out[target] = [{"name": person} for person in people_names(raw)]
            elif key == "passed":
                out[key] = _passed(raw)
            elif key in NUMBER_COLUMNS:
                out[key] = _number(raw)
            else:
                out[key] = text(raw, TEXT_MAX)
        except ValueError as error:
            errors[key] = str(error)
    return out


def import_order(step: Step) -> tuple[date, int]:
    """Steps of one applicant are stored by date, one day's in the 细则's order."""
    rule = rule_of(step.name, step.on, VERSIONS)
    return step.on, rule.number if rule is not None else 0


def filled_person(name: str, matches: list[Mapping]) -> dict:
    """A person named on paper as the rules read them: the one member of that name in the branch's
    党委 (member_id, category, on the rolls or not), else the name alone (no category: the
    工作督查 lists them as not a full member)."""
    if len(matches) == 1:
        found = matches[0]
        return {"member_id": found["id"], "name": name, "category": found["category"], "status": found["status"]}
    return {"name": name}
