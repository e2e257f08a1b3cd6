"""What an applicant (入党申请人) counts in the annual report, dated by the effective dates the
member service's applicant events carry (docs/DEVELOPMENT.md, Statistics). Pure.

An applicant counts at their organization and every one above, in the stock `applicant_stage`
by the stage they were in: 入党申请人 from the 申请日期, 入党积极分子 from the step 确定为入党积极分子
(`activist_on`), 发展对象 from 列为发展对象 (`candidate_on`), until the accepting 支部大会
(`joined_on`: from then on they are a 预备党员, counted by the member's own facts) or the
applicant's deletion (`deleted_on`). A stage taken back by 回退 has no date any more and counts
nowhere. The flow `applied` counts the applications received in a year (as a member who left
still counts for the years they belonged, a deleted applicant's application stays counted).

发展党员 by sex, age, education and occupation, and 转正 / 延长预备期 / 取消预备党员资格, are the
members' own facts (counters.member_entries); only the applicants on hand need these.
"""
from collections import Counter

from .counters import CALENDAR, span, year_of

APPLICANT_EVENTS = ("applicant_created", "applicant_updated")
APPLICANT, ACTIVIST, CANDIDATE = "applicant", "activist", "candidate"
# The stages an applicant is on hand in, each with the fact that dates its start.
STAGE_DATES = ((APPLICANT, "applied_on"), (ACTIVIST, "activist_on"), (CANDIDATE, "candidate_on"))


def stage_spans(facts: dict) -> list[tuple[str, str, str | None]]:
    """(stage, from, until) of each stage the applicant was in (ISO dates; until None: still in
    it), in order; a stage entered and left on one day is left out."""
    dated = [(stage, facts.get(key)) for stage, key in STAGE_DATES if facts.get(key)]
    ends = [day for day in (facts.get("joined_on"), facts.get("deleted_on")) if day]
    last = min(ends) if ends else None
    spans = []
    for index, (stage, since) in enumerate(dated):
        until = dated[index + 1][1] if index + 1 < len(dated) else last
        if last is not None and until is not None and last < until:
            until = last
        if until is None or since < until:
            spans.append((stage, since, until))
        if until is not None and until == last:
            break
    return spans


def applicant_entries(facts: dict | None, cutoff: tuple = CALENDAR) -> Counter:
    """(dimension, value, year) → n of one applicant, counted at their organization's path, each date
    in its report year (`cutoff`: the report date, counters.year_of)."""
    entries: Counter = Counter()
    if not facts or not facts.get("applied_on"):
        return entries
    for stage, since, until in stage_spans(facts):
        years = (year_of(since, cutoff), year_of(until, cutoff))
        span(entries, "applicant_stage", stage, *years, within=years)
    entries[("applied", "", year_of(facts["applied_on"], cutoff))] += 1  # a later deletion does not undo it
    return entries


def applicant_of(event: dict) -> int:
    return int(event["aggregate_id"])


def counted_path(facts: dict | None) -> str | None:
    return (facts or {}).get("org_path")
