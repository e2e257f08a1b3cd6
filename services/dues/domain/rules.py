"""The dues rules as versioned data (RULES.md §1, the 2008 规定).

One JSON file per version in `rules/` (`rules_2008.json`, …): the bracket tables (one rate on
the whole base, each upper bound inclusive), the kinds of member (在职, 年薪制, 个体, 离退休 on a
table; 农民, 学生, 下岗失业, 抚恤救济, 低保 at a fixed amount or range), rounding, the 大额党费
threshold, the 补交/预交 limits and the arrears thresholds, each with its source. A version is
in force from its `effective_from` month; a due is computed by the version in force in the
month it applies to (`rules_for`). A new 规定 is a new file, not a code change.

Loading checks each file (unknown keys, brackets not ascending or without an open last one,
rates outside (0, 1), amounts finer than a fen, unknown tables or base formations) and raises
ValueError at import, not at a user's request.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from services.shared.rule_versions import in_force, load_versions

from .money import FEN, percent
from .months import Month

RULES_DIR = Path(__file__).with_name("rules")
# How a kind's base is formed (code knows these; data picks one): a relatively fixed monthly pay
# or pension (art. 1, 5), the month's actual pay (年薪制, art. 3), the last quarter's average
# monthly net income (个体, art. 4).
BASE_FORMS = frozenset({"monthly_pay", "month_actual", "last_quarter_average"})
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
KEYS = frozenset({"version", "title", "effective_from", "source", "rounding", "bracket_tables", "kinds",
                  "large_dues_min", "backpay_months", "prepay_months", "arrears", "exemption_max_months"})
KIND_KEYS = frozenset({"label", "table", "base", "fixed", "source"})


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # inclusive; None: no upper bound
    rate: Decimal
    label: str


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    brackets: tuple[Bracket, ...]
    source: str

    def bracket(self, base: Decimal) -> Bracket:
        return next(b for b in self.brackets if b.up_to is None or base <= b.up_to)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    table: Table | None  # a bracket kind …
    base: str | None  # … and how its base is formed
    fixed: tuple[Decimal, Decimal] | None  # … or a fixed amount (min, max; equal when one amount)
    source: str

    @property
    def needs_amount(self) -> bool:
        """A base amount is needed: a bracket kind, or a fixed range the branch chooses in (农民)."""
        return self.fixed is None or self.fixed[0] != self.fixed[1]

    @property
    def fixed_label(self) -> str:
        low, high = self.fixed
        text = f"{_yuan(low)}元" if low == high else f"{_yuan(low)}–{_yuan(high)}元"
        return f"{self.label}党员每月{text}"


@dataclass(frozen=True)
class RuleSet:
    version: str
    title: str
    effective_from: Month
    quantum: Decimal
    rounding: str
    kinds: Mapping[str, Kind]
    large_dues_min: Decimal
    backpay_months: int
    prepay_months: int
    report_months: int
    lapse_months: int
    exemption_max_months: int
    source: str


def _yuan(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _money(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}: not an amount: {value!r}") from None
    if number < 0 or number != number.quantize(FEN):
        raise ValueError(f"{where}: amounts are non-negative yuan with at most two decimals: {value!r}")
    return number


def _bracket_label(low: Decimal | None, high: Decimal | None, rate: Decimal) -> str:
    if low is None:
        text = f"{_yuan(high)}元以下（含{_yuan(high)}元）"
    elif high is None:
        text = f"{_yuan(low)}元以上"
    else:
        text = f"{_yuan(low)}元以上至{_yuan(high)}元（含{_yuan(high)}元）"
    return f"{text}，按{percent(rate)}"


def _table(name: str, data: Mapping) -> Table:
    brackets, low = [], None
    for index, raw in enumerate(data["brackets"]):
        where = f"table {name} bracket {index + 1}"
        high = None if raw["up_to"] is None else _money(raw["up_to"], where)
        rate = Decimal(str(raw["rate"]))
        if not 0 < rate < 1:
            raise ValueError(f"{where}: rate {rate} outside (0, 1)")
        if (high is None) != (index == len(data["brackets"]) - 1):
            raise ValueError(f"{where}: only the last bracket is open (up_to null)")
        if high is not None and low is not None and high <= low:
            raise ValueError(f"{where}: upper bounds must ascend")
        brackets.append(Bracket(high, rate, _bracket_label(low, high, rate)))
        low = high
    return Table(name, data["label"], tuple(brackets), data.get("source", ""))


def _kind(name: str, data: Mapping, tables: Mapping[str, Table]) -> Kind:
    unknown = set(data) - KIND_KEYS
    if unknown:
        raise ValueError(f"kind {name}: unknown keys {sorted(unknown)}")
    if ("table" in data) == ("fixed" in data):
        raise ValueError(f"kind {name}: either a table or a fixed amount")
    if "table" in data:
        if data["table"] not in tables:
            raise ValueError(f"kind {name}: unknown table {data['table']}")
        if data.get("base") not in BASE_FORMS:
            raise ValueError(f"kind {name}: unknown base {data.get('base')}")
        return Kind(name, data["label"], tables[data["table"]], data["base"], None, data.get("source", ""))
    low, high = (_money(data["fixed"][key], f"kind {name}") for key in ("min", "max"))
    if not 0 < low <= high:
        raise ValueError(f"kind {name}: fixed amounts need 0 < min <= max")
    return Kind(name, data["label"], None, None, (low, high), data.get("source", ""))


def parse(data: Mapping) -> RuleSet:
    """A version from its JSON object; ValueError when it is malformed or names what does not exist."""
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"version {data.get('version')}: unknown keys {sorted(unknown)}")
    tables = {name: _table(name, raw) for name, raw in data["bracket_tables"].items()}
    kinds = {name: _kind(name, raw, tables) for name, raw in data["kinds"].items()}
    rounding = data["rounding"]
    if rounding["mode"] not in ROUNDING_MODES:
        raise ValueError(f"unknown rounding mode {rounding['mode']}")
    months = {key: int(data[key]["months"]) for key in ("backpay_months", "prepay_months", "exemption_max_months")}
    arrears = data["arrears"]
    if not 0 < int(arrears["report_months"]) <= int(arrears["lapse_months"]):
        raise ValueError("arrears: need 0 < report_months <= lapse_months")
    return RuleSet(
        version=str(data["version"]), title=data["title"], effective_from=Month.parse(data["effective_from"]),
        quantum=Decimal(rounding["quantum"]), rounding=ROUNDING_MODES[rounding["mode"]], kinds=kinds,
        large_dues_min=_money(data["large_dues_min"]["amount"], "large_dues_min"),
        report_months=int(arrears["report_months"]), lapse_months=int(arrears["lapse_months"]),
        source=data.get("source", ""), **months)


def load(directory: Path = RULES_DIR) -> tuple[RuleSet, ...]:
    """Every `rules_*.json` of a directory, oldest first; two versions from one month are refused."""
    return load_versions(directory, parse, "month")


VERSIONS = load()


def rules_for(month: Month, versions: Iterable[RuleSet] = VERSIONS) -> RuleSet:
    """The version in force in `month`; before the first version, the first one (PMIS keeps no
    older rules: a month of 2007 is computed by the 2008 规定)."""
    return in_force(versions, month)
