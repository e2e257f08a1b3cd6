"""What a member contributes to an organization's counters, and how a change moves them.

Pure functions: the consumer applies `delta(old, new)` where old is the last state it counted
and new the event's state, so the result does not depend on event order or repetition.
"""
from collections import Counter

TOTAL = ("total", "")


def contributions(facts: dict | None) -> Counter:
    """Counter keys (org_id, dimension, value) a member adds while active; empty otherwise."""
    if not facts or facts.get("status") != "active":
        return Counter()
    org_id = int(facts["org_id"])
    return Counter({
        (org_id, *TOTAL): 1,
        (org_id, "sex", facts["sex"]): 1,
        (org_id, "category", facts["category"]): 1,
    })


def delta(old: dict | None, new: dict | None) -> dict:
    """Per-key change in counts when a member goes from `old` to `new` (zeros omitted)."""
    change = Counter(contributions(new))
    change.subtract(contributions(old))
    return {key: n for key, n in change.items() if n}


def summarize(rows) -> dict:
    """(dimension, value, n) rows → {"total": N, "by_sex": {...}, "by_category": {...}}."""
    result = {"total": 0, "by_sex": {}, "by_category": {}}
    for dimension, value, n in rows:
        if dimension == "total":
            result["total"] += int(n)
        else:
            bucket = result[f"by_{dimension}"]
            bucket[value] = bucket.get(value, 0) + int(n)
    return result


def expected_counters(groups) -> Counter:
    """Recount from source rows {org_id, sex, category, n} into counter keys."""
    expected = Counter()
    for group in groups:
        facts = {"status": "active", "org_id": group["org_id"], "sex": group["sex"], "category": group["category"]}
        for key in contributions(facts):
            expected[key] += group["n"]
    return expected


def differences(expected: Counter, actual: Counter) -> list[dict]:
    keys = sorted(set(expected) | set(actual), key=lambda k: (k[0], k[1], k[2]))
    return [{"org_id": key[0], "dimension": key[1], "value": key[2],
             "expected": expected.get(key, 0), "actual": actual.get(key, 0)}
            for key in keys if expected.get(key, 0) != actual.get(key, 0)]
