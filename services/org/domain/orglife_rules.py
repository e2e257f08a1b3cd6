"""How often each kind of 组织生活 is required (RULES.md §6), as versioned data: one
`orglife_rules/rules_*.json` per version, in force from its `effective_from` day; a year is judged
by the version in force on its 1 January. Only the organization types listed in `applies_to`
(党支部, 联合党支部) are required to hold them; meetings of other organizations count as held.

Completion (pure): per organization and kind, what was held counts up to what was required (a
branch's fifth 支部党员大会 does not make up for another's missing one); a subtree's completion is
the sum of those over the sum required.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

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


def summary(rules: OrgLifeRules, held: Mapping[str, int], met: Mapping[str, int], organizations: int) -> dict:
    """The subtree's year: per kind held, required (per organization × organizations it applies
    to) and met (held up to each organization's requirement); completion over the required kinds.
    `held` and `met` come from the counts (met: Σ min(held, required) over those organizations)."""
    kinds = {}
    for kind, name in MEETING_KINDS.items():
        required = rules.required(kind) * organizations
        entry = {"name": name, "held": int(held.get(kind, 0)), "required": required,
                 "met": min(int(met.get(kind, 0)), required)}
        entry["completion"] = ratio(entry["met"], required)
        kinds[kind] = entry
    required = sum(entry["required"] for entry in kinds.values())
    met_total = sum(entry["met"] for entry in kinds.values())
    return {"kinds": kinds, "required_total": required, "met_total": met_total,
            "completion": ratio(met_total, required), "organizations": organizations,
            "rules": {"version": rules.version, "title": rules.title}}
