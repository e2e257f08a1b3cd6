"""What a mobile member (流动党员) counts in the annual report's 流动党员情况 table, dated by the
effective dates the transfer service's events carry (docs/MOBILITY.md, Statistics). Pure.

An outflow counts at its home organization and every one above (the member's formal
relationship stays there, RULES.md §7): in the stock `outflow` by 流向 (`area`) from the year it
began until the year it ended (返回, or the member left the rolls), in `outflow_lost` for each
失联 period (clipped to the outflow), and as flows `outflow_new` (by 流向) in the year it began and
`outflow_ended` (returned / closed) in the year it ended. An inflow counts at the receiving
organization and above in the stock `inflow`, by source (`in_system`: an outflow of this
deployment; `outside`: keyed in from elsewhere), and as the flow `inflow_new`. So for every year
上年底 + 本年流出 − 本年返回 − 本年终止 = 本年底, like table 1's identity.
"""
from collections import Counter

from .counters import CALENDAR, span, year_of

OUTFLOW_EVENTS = ("outflow_opened", "outflow_changed", "outflow_closed")
INFLOW_EVENTS = ("inflow_opened", "inflow_ended")
MOBILITY_EVENTS = OUTFLOW_EVENTS + INFLOW_EVENTS
OUTFLOW, INFLOW = "outflow", "inflow"
KINDS = (OUTFLOW, INFLOW)

# 流向 (no source gives the table's columns, RULES.md §7 ❌): 省内, 跨省, 出国（境）.
WITHIN, CROSS, ABROAD = "within_province", "cross_province", "abroad"
AREAS = ((WITHIN, "省内"), (CROSS, "跨省"), (ABROAD, "出国（境）"))
IN_SYSTEM, OUTSIDE = "in_system", "outside"
SOURCES = ((IN_SYSTEM, "本系统内流入"), (OUTSIDE, "系统外流入"))
RETURNED, CLOSED = "returned", "closed"


def record_of(event: dict) -> tuple[str, int]:
    """(kind, id) of an outflow or inflow event, from its aggregate id ("outflow-12")."""
    kind, _, number = str(event["aggregate_id"]).partition("-")
    if kind not in KINDS or not number.isdigit():
        raise ValueError(f"not a mobility aggregate: {event['aggregate_id']!r}")
    return kind, int(number)


def area(facts: dict, province: str) -> str:
    """流向 of an outflow: a receiving organization of this deployment (one province) is 省内;
    abroad is 出国（境）; otherwise the 行政区划 code's first two digits against the deployment's
    province (PMIS_PROVINCE_DIVISION). With no province configured it cannot be told: 省内."""
    kind = facts.get("destination_kind")
    if kind == ABROAD:
        return ABROAD
    code = str(facts.get("destination_code") or "")
    if kind != "in_system" and province and len(code) >= 2 and code[:2] != province[:2]:
        return CROSS
    return WITHIN


def outflow_entries(facts: dict | None, province: str, cutoff: tuple = CALENDAR) -> Counter:
    entries: Counter = Counter()
    start = year_of((facts or {}).get("from_date"), cutoff)
    if start is None:
        return entries
    ended = year_of(facts.get("ended_on"), cutoff)
    years = (start, ended)
    where = area(facts, province)
    span(entries, OUTFLOW, where, *years, within=years)
    entries[("outflow_new", where, start)] += 1
    if ended is not None:
        entries[("outflow_ended", RETURNED if facts.get("state") == RETURNED else CLOSED, ended)] += 1
    for since, found_on in facts.get("lost_periods") or ():
        lost = year_of(since, cutoff)
        if lost is not None:
            span(entries, "outflow_lost", "", lost, year_of(found_on, cutoff), within=years)
    return entries


def inflow_entries(facts: dict | None, cutoff: tuple = CALENDAR) -> Counter:
    entries: Counter = Counter()
    start = year_of((facts or {}).get("from_date"), cutoff)
    if start is None:
        return entries
    source = IN_SYSTEM if facts.get("outflow_id") else OUTSIDE
    years = (start, year_of(facts.get("ended_on"), cutoff))
    span(entries, INFLOW, source, *years, within=years)
    entries[("inflow_new", source, start)] += 1
    return entries


def mobility_entries(kind: str, facts: dict | None, province: str, cutoff: tuple = CALENDAR) -> Counter:
    """(dimension, value, year) → n of one outflow or inflow, counted at its organization's path, each
    date in its report year (`cutoff`: the report date, counters.year_of)."""
    return outflow_entries(facts, province, cutoff) if kind == OUTFLOW else inflow_entries(facts, cutoff)


def counted_path(kind: str, facts: dict) -> str | None:
    """The path the facts themselves give (the home or receiving organization's)."""
    return facts.get("home_org_path") if kind == OUTFLOW else facts.get("org_path")


def counted_org(kind: str, facts: dict):
    return facts.get("home_org_id") if kind == OUTFLOW else facts.get("org_id")
