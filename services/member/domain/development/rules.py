"""The development rules as versioned data (发展党员工作细则, RULES.md §2).

One JSON file per version in `rules/` (`rules_2014.json`, …) holds the steps (their order,
stage, prerequisites, time limits, checks and source) and the probation limits. A version is
in force from its `effective_from` date; a step is judged by the version in force on the day it
happens (`rules_on`). A new version of the 细则 is a new file, not a code change, as long as it
uses the check kinds of `checks.py` (a new kind of check needs code).

Loading validates the file: unknown keys of a step, unknown steps in prerequisites or anchors,
unknown stages or check kinds raise ValueError at import, not at a user's request.
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from services.shared.rule_versions import in_force, load_versions

RULES_DIR = Path(__file__).with_name("rules")
APPLICATION = "application"  # anchor: the date the application was received (申请日期)
PROBATION_END = "probation_end"  # anchor: the end of the (possibly extended) probation
# The 细则's five stages (its chapters 二 to 六), as the steps' `phase` numbers them.
PHASES = {1: "申请入党", 2: "入党积极分子的确定和培养", 3: "发展对象的确定和考察", 4: "预备党员的接收",
          5: "预备党员的教育、考察和转正"}
CHECK_KINDS = frozenset({"contacts", "introducers", "result", "training", "votes", "not_temporary", "probation"})
STEP_KEYS = frozenset({"name", "number", "label", "phase", "while", "requires", "enters", "repeat", "undo", "optional",
                       "deadline", "earliest", "latest", "every", "checks", "source"})


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier if negative), the month's last day when it has none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Limit:
    """A time limit counted from an anchor: a step's date, the application, or the probation end."""
    after: str
    months: int
    extended_months: int | None = None  # `latest` only: the limit when an extension was granted
    while_stages: tuple[str, ...] = ()  # `every` only: the stages in which the repetition is due

    @classmethod
    def of(cls, data: Mapping | None) -> Limit | None:
        if data is None:
            return None
        return cls(data["after"], int(data["months"]), data.get("extended_months"), tuple(data.get("while", ())))


@dataclass(frozen=True)
class StepRule:
    name: str
    number: int
    label: str
    phase: int
    while_stages: tuple[str, ...]
    requires: Mapping[str, int]
    enters: str | None = None
    repeat: bool = False
    undo: bool = True
    optional: bool = False  # never listed as due (a choice, e.g. 延长预备期)
    deadline: Limit | None = None  # due by: reminders, overdue lists
    earliest: Limit | None = None  # refused before (too early)
    latest: Limit | None = None  # refused after (too late)
    every: Limit | None = None  # a repeating step due again this long after the last one
    checks: Mapping[str, Mapping] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Probation:
    months: int
    extension_min_months: int
    extension_max_months: int
    extensions: int
    approval_within_months: int
    source: str = ""


@dataclass(frozen=True)
class RuleSet:
    version: str
    title: str
    effective_from: date
    stages: Mapping[str, str]
    min_age_years: int
    temporary_org_kinds: frozenset[str]
    steps: Mapping[str, StepRule]  # in the 细则's order
    probation: Probation

    def step(self, name: str) -> StepRule | None:
        return self.steps.get(name)

    def label(self, name: str) -> str:
        if name == APPLICATION:
            return "提出入党申请"
        if name == PROBATION_END:
            return "预备期满"
        return self.steps[name].label


def parse(data: Mapping) -> RuleSet:
    """A version from its JSON object; ValueError when it names what does not exist."""
    stages = dict(data["stages"])
    steps: dict[str, StepRule] = {}
    for raw in data["steps"]:
        unknown = set(raw) - STEP_KEYS
        if unknown:
            raise ValueError(f"step {raw.get('name')}: unknown keys {sorted(unknown)}")
        rule = StepRule(
            name=raw["name"], number=int(raw["number"]), label=raw["label"], phase=int(raw["phase"]),
            while_stages=tuple(raw["while"]), requires=dict(raw.get("requires", {})),
            enters=raw.get("enters"), repeat=bool(raw.get("repeat", False)), undo=bool(raw.get("undo", True)),
            optional=bool(raw.get("optional", False)),
            deadline=Limit.of(raw.get("deadline")), earliest=Limit.of(raw.get("earliest")),
            latest=Limit.of(raw.get("latest")), every=Limit.of(raw.get("every")),
            checks=dict(raw.get("checks", {})), source=raw.get("source", ""))
        if rule.name in steps:
            raise ValueError(f"step {rule.name} appears twice")
        steps[rule.name] = rule
    for rule in steps.values():
        _validate(rule, steps, stages)
    return RuleSet(
        version=str(data["version"]), title=data["title"], effective_from=date.fromisoformat(data["effective_from"]),
        stages=stages, min_age_years=int(data["application"]["min_age_years"]),
        temporary_org_kinds=frozenset(data.get("temporary_org_kinds", ())), steps=steps,
        probation=Probation(**data["probation"]))


def _validate(rule: StepRule, steps: Mapping[str, StepRule], stages: Mapping[str, str]) -> None:
    anchors = set(steps) | {APPLICATION, PROBATION_END}
    problems = [f"unknown stage {s}" for s in (*rule.while_stages, rule.enters) if s is not None and s not in stages]
    problems += [f"requires unknown step {name}" for name in rule.requires if name not in steps]
    problems += [f"unknown anchor {limit.after}" for limit in (rule.deadline, rule.earliest, rule.latest, rule.every)
                 if limit is not None and limit.after not in anchors]
    problems += [f"unknown check {kind}" for kind in rule.checks if kind not in CHECK_KINDS]
    problems += [f"unknown phase {rule.phase}"] if rule.phase not in PHASES else []
    if problems:
        raise ValueError(f"step {rule.name}: " + "; ".join(problems))


def load(directory: Path = RULES_DIR) -> tuple[RuleSet, ...]:
    """Every `rules_*.json` of a directory, oldest first; two versions from one day are refused."""
    return load_versions(directory, parse, "day")


VERSIONS = load()


def rules_on(day: date, versions: Iterable[RuleSet] = VERSIONS) -> RuleSet:
    """The version in force on `day`; before the first version, the first one (PMIS keeps no
    older rules: a step of 2013 is judged by the 2014 细则)."""
    return in_force(versions, day)
