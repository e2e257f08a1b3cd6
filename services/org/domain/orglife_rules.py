"""How often each kind of 组织生活 is required (RULES.md §6), as versioned data: one
`orglife_rules/rules_*.json` per version, in force from its `effective_from` day; a year is judged
by the version in force on its 1 January. Only the organization types listed in `applies_to`
(党支部, 联合党支部) are required to hold them; meetings of other organizations count as held.

Completion (pure): per organization and kind, what was held counts up to what was required (a
branch's fifth 支部党员大会 does not make up for another's missing one); a subtree's completion is
the sum of those over the sum required.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, code_value, iso_date, optional_text
from services.shared.rule_versions import in_force, load_versions

from .meetings import MEETING_KINDS

RULES_DIR = Path(__file__).with_name("orglife_rules")
PERIODS = {"month": 12, "quarter": 4, "year": 1}
KEYS = frozenset({"version", "title", "effective_from", "source", "applies_to", "kinds"})


@dataclass(frozen=True)
class Frequency:
    kind: str
    period: str
    per_year: int
    source: str


@dataclass(frozen=True)
class OrgLifeRules:
    version: str
    title: str
    effective_from: date
    applies_to: frozenset[str]
    kinds: Mapping[str, Frequency]

    def required(self, kind: str) -> int:
        """Meetings of `kind` one organization it applies to must hold in a year."""
        frequency = self.kinds.get(kind)
        return frequency.per_year if frequency else 0


def parse(data: Mapping) -> OrgLifeRules:
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"组织生活规则：未知的键 {sorted(unknown)}")
    kinds = {}
    for kind, spec in data["kinds"].items():
        if kind not in MEETING_KINDS:
            raise ValueError(f"组织生活规则：未知的类型 {kind}")
        if PERIODS.get(spec["period"]) != spec["per_year"]:
            raise ValueError(f"组织生活规则：{kind} 的周期与每年次数不符")
        kinds[kind] = Frequency(kind, spec["period"], spec["per_year"], spec.get("source", ""))
    return OrgLifeRules(str(data["version"]), data["title"], date.fromisoformat(data["effective_from"]),
                        frozenset(data["applies_to"]), kinds)


VERSIONS = load_versions(RULES_DIR, parse)


def rules_for(year: int) -> OrgLifeRules:
    return in_force(VERSIONS, date(year, 1, 1))


def ratio(done: int, required: int) -> float | None:
    """done / required rounded half up to 4 places (None when nothing is required); a JSON number."""
    if not required:
        return None
    return float((Decimal(done) / Decimal(required)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def summary(rules: OrgLifeRules, held: Mapping[str, int], met: Mapping[str, int], organizations: int,
            people: Mapping[str, tuple[int, int]] | None = None) -> dict:
    """The subtree's year: per kind held, required (per organization × organizations it applies
    to) and met (held up to each organization's requirement); completion over the required kinds.
    `held` and `met` come from the counts (met: Σ min(held, required) over those organizations);
    `people` per kind (attended, listed) — members present and members on the records — gives the
    attendance rate per kind and in all (流入 members are in no rate)."""
    people = people or {}
    kinds = {}
    for kind, name in MEETING_KINDS.items():
        required = rules.required(kind) * organizations
        attended, listed = (int(n) for n in people.get(kind, (0, 0)))
        entry = {"name": name, "held": int(held.get(kind, 0)), "required": required,
                 "met": min(int(met.get(kind, 0)), required), "attended": attended, "listed": listed,
                 "attendance": ratio(attended, listed)}
        entry["completion"] = ratio(entry["met"], required)
        kinds[kind] = entry
    required = sum(entry["required"] for entry in kinds.values())
    met_total = sum(entry["met"] for entry in kinds.values())
    attended = sum(entry["attended"] for entry in kinds.values())
    listed = sum(entry["listed"] for entry in kinds.values())
    return {"kinds": kinds, "required_total": required, "met_total": met_total,
            "completion": ratio(met_total, required), "organizations": organizations,
            "attended": attended, "listed": listed, "attendance": ratio(attended, listed),
            "rules": {"version": rules.version, "title": rules.title}}


# --- periods, what is due, the yearly plan (pure) ---------------------------------------------------
# A required kind is held once per period of its frequency: a month ("M03"), a quarter ("Q1") or
# the year ("Y"). What is due is the current period's kinds not held yet; an organization is behind
# (工作督查) on a kind when it held none in the last completed period (the previous month, quarter
# or year). Each period is judged by the rules in force in its year.

PERIOD_NAMES = {"month": "每月", "quarter": "每季度", "year": "每年"}


def period_key(period: str, month: int) -> str:
    """The key of the period of `month` (1–12): "M03", "Q1" or "Y"."""
    if not 1 <= month <= 12:
        raise ValueError("月份应为1–12")
    if period == "month":
        return f"M{month:02d}"
    if period == "quarter":
        return f"Q{(month - 1) // 3 + 1}"
    if period == "year":
        return "Y"
    raise ValueError(f"未知的周期 {period}")


def period_months(key: str) -> range:
    """The months of a period key."""
    if key == "Y":
        return range(1, 13)
    if key[0] == "Q":
        first = (int(key[1:]) - 1) * 3 + 1
        return range(first, first + 3)
    return range(int(key[1:]), int(key[1:]) + 1)


def period_label(year: int, key: str) -> str:
    if key == "Y":
        return f"{year}年"
    if key[0] == "Q":
        return f"{year}年第{key[1:]}季度"
    return f"{year}年{int(key[1:])}月"


def period_end(year: int, key: str) -> date:
    last = period_months(key)[-1]
    return date(year, 12, 31) if last == 12 else date(year, last + 1, 1) - timedelta(days=1)


def previous_key(period: str, day: date) -> tuple[int, str]:
    """(year, key) of the last completed period of `period` before `day`'s."""
    if period == "year":
        return day.year - 1, "Y"
    step = 1 if period == "month" else 3
    first = period_months(period_key(period, day.month))[0]
    month, year = first - step, day.year
    if month < 1:
        month, year = month + 12, year - 1
    return year, period_key(period, month)


@dataclass(frozen=True)
class PeriodDue:
    kind: str
    name: str
    period: str  # month / quarter / year
    year: int
    key: str
    label: str  # 2026年第1季度
    ends_on: date


def _periods(today: date, when: Callable[[str], tuple[int, str]]) -> list[PeriodDue]:
    """Each required kind's period as `when` picks it from a frequency; a period in another year
    is judged by that year's rules."""
    out = []
    for kind, name in MEETING_KINDS.items():
        frequency = rules_for(today.year).kinds.get(kind)
        if frequency is None:
            continue
        year, key = when(frequency.period)
        if year != today.year:
            frequency = rules_for(year).kinds.get(kind)
            if frequency is None:
                continue
            year, key = when(frequency.period)
        out.append(PeriodDue(kind, name, frequency.period, year, key, period_label(year, key), period_end(year, key)))
    return out


def current_periods(today: date) -> list[PeriodDue]:
    """Each required kind's period that `today` is in (by the rules of this year)."""
    return _periods(today, lambda period: (today.year, period_key(period, today.month)))


def last_periods(today: date) -> list[PeriodDue]:
    """Each required kind's last completed period before today (by the rules of that period's year)."""
    return _periods(today, lambda period: previous_key(period, today))


def not_done(periods: list[PeriodDue], done: Mapping[tuple[str, int, str], int], organizations: int) -> list[dict]:
    """Per period, the organizations (of `organizations` it applies to) that held no meeting of its
    kind: `done` counts those that did, by (kind, year, key). Only periods someone still owes."""
    out = []
    for due in periods:
        owing = max(organizations - int(done.get((due.kind, due.year, due.key), 0)), 0)
        if owing:
            out.append({"kind": due.kind, "name": due.name, "period": due.period, "year": due.year, "key": due.key,
                        "label": due.label, "ends_on": due.ends_on.isoformat(), "organizations": owing})
    return out


PLAN_ITEMS_MAX = 300


def plan_template(year: int) -> list[dict]:
    """A plan following the frequencies: monthly kinds each month, quarterly ones in the last month
    of each quarter, yearly ones in December (组织生活会 usually in Q4, RULES.md §6)."""
    rules = rules_for(year)
    items = []
    for kind, frequency in rules.kinds.items():
        months = {"month": range(1, 13), "quarter": (3, 6, 9, 12), "year": (12,)}[frequency.period]
        items += [{"kind": kind, "month": month, "planned_on": None, "topic": ""} for month in months]
    return sorted(items, key=lambda item: (item["month"], item["kind"]))


def plan_shortfall(year: int, items: list[dict]) -> list[dict]:
    """Required kinds whose periods the plan leaves without a meeting: [{kind, name, missing: [label]}]."""
    rules = rules_for(year)
    planned = {(item["kind"], period_key(rules.kinds[item["kind"]].period, item["month"]))
               for item in items if item["kind"] in rules.kinds}
    out = []
    for kind, frequency in rules.kinds.items():
        keys = sorted({period_key(frequency.period, month) for month in range(1, 13)})
        missing = [period_label(year, key) for key in keys if (kind, key) not in planned]
        if missing:
            out.append({"kind": kind, "name": MEETING_KINDS.name(kind), "missing": missing})
    return out


def validate_plan(items, year: int) -> list[dict]:
    """A yearly plan's items [{kind, month | planned_on, topic?}], normalized and sorted; FieldErrors
    naming the item (第n项) at fault. A date must lie in the plan's year (its month is taken from it)."""
    if not isinstance(items, list):
        raise FieldErrors({"items": "应为计划项的数组"})
    if len(items) > PLAN_ITEMS_MAX:
        raise FieldErrors({"items": f"计划项不能超过{PLAN_ITEMS_MAX}项"})
    out, errors = [], []
    for number, item in enumerate(items, 1):
        try:
            out.append(_plan_item(item, year))
        except ValueError as exc:
            errors.append(f"第{number}项{exc}")
    if errors:
        raise FieldErrors({"items": "；".join(errors[:10])})
    return sorted(out, key=lambda i: (i["month"], i["planned_on"] or "", i["kind"], i["topic"]))


def _plan_item(item, year: int) -> dict:
    if not isinstance(item, Mapping):
        raise ValueError("应为 {kind, month, planned_on, topic}")
    try:
        kind = code_value(item.get("kind"), MEETING_KINDS, "未知的组织生活类型")
    except ValueError as exc:
        raise ValueError(f"类型{exc}") from None
    planned_on = None
    if not blank(item.get("planned_on")):
        try:
            planned_on = iso_date(item["planned_on"])
        except ValueError as exc:
            raise ValueError(f"日期{exc}") from None
        if planned_on.year != year:
            raise ValueError(f"日期应在{year}年内")
    month = item.get("month")
    if blank(month):
        if planned_on is None:
            raise ValueError("须填写月份或日期")
        month = planned_on.month
    if isinstance(month, str) and month.strip().isdigit():
        month = int(month.strip())
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError("月份应为1–12")
    if planned_on is not None and planned_on.month != month:
        raise ValueError("月份与日期不一致")
    try:
        topic = optional_text(item.get("topic"), 200) or ""
    except ValueError as exc:
        raise ValueError(f"主题{exc}") from None
    return {"kind": kind, "month": month, "planned_on": planned_on.isoformat() if planned_on else None,
            "topic": topic}
