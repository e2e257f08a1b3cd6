"""Property: counters folded from shuffled, duplicated, redelivered event streams, in batches
of any size, equal a recount from the final facts; and a report of any year equals a direct
count of who was a member at that year end (effective dates, not entry dates).

The fold is the ingester's (domain/fold.py); `MemoryStore` stands in for its tables: an inbox
of event ids, the counted states, and the counters the deltas add up to.
"""
import uuid
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from services.stats.domain.counters import member_entries, org_entries, rolled
from services.stats.domain.fold import NOTHING, Fact, fold
from services.stats.domain.tables import TABLES, evaluate, figures

PATHS = {2: "/1/2/", 3: "/1/2/3/", 4: "/1/4/"}
ROOT = 1
YEARS = range(1995, 2027)


class MemoryStore:
    def __init__(self):
        self.inbox: set = set()
        self.orgs: dict = {}
        self.members: dict = {}
        self.counters: Counter = Counter()

    def apply(self, batch: list) -> list:
        """One ingester transaction; returns the deferred events (to be delivered again)."""
        fresh = list({e["event_id"]: e for e in batch if e["event_id"] not in self.inbox}.values())
        result = fold(fresh, self.orgs, self.members, known_paths={})
        self.orgs.update(result.orgs)
        self.members.update(result.members)
        self.counters.update(result.deltas)
        deferred = {e["event_id"] for e in result.deferred}
        self.inbox.update(e["event_id"] for e in fresh if e["event_id"] not in deferred)
        return result.deferred

    def nonzero(self) -> Counter:
        return Counter({k: n for k, n in self.counters.items() if n})


def iso(year: int, month: int = 6, day: int = 15) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


@st.composite
def member_state(draw) -> dict | None:
    if draw(st.integers(0, 9)) == 0:
        return None  # no member at all (a state that counts nothing)
    org_id = draw(st.sampled_from(sorted(PATHS)))
    joined = draw(st.integers(1996, 2025))
    full = draw(st.one_of(st.none(), st.integers(joined, 2026)))
    left = draw(st.one_of(st.none(), st.integers(joined, 2026)))
    evaluations = draw(st.dictionaries(st.sampled_from([str(y) for y in range(2018, 2026)]),
                                       st.sampled_from("1234"), max_size=3))
    return {"org_id": org_id, "org_path": PATHS[org_id], "status": "left" if left else "active",
            "sex": draw(st.sampled_from("12")), "category": draw(st.sampled_from(["01", "02"])),
            "ethnicity": draw(st.sampled_from(["01", "03", None])),
            "birth_date": iso(draw(st.integers(1940, 2000)), 1, 1), "joined_on": iso(joined, draw(st.integers(1, 12))),
            "full_on": iso(full) if full else None,
            "leave_kind": draw(st.sampled_from(["10", "21", "25", "30"])) if left else None,
            "left_on": iso(left, 12, 20) if left else None,
            "education": draw(st.sampled_from(["10", "20", "80", None])),
            "occupation": draw(st.sampled_from(["1", "3", None])), "evaluations": evaluations}


@st.composite
def org_state(draw, org_id: int) -> dict:
    status = draw(st.sampled_from(["active", "active", "revoked", "deleted"]))
    return {"id": org_id, "parent_id": None, "path": PATHS[org_id], "code": str(org_id), "name": "x",
            "type": draw(st.sampled_from(["11", "31"])), "status": status,
            "established_on": draw(st.one_of(st.none(), st.builds(iso, st.integers(1990, 2020)))),
            "revoked_on": iso(draw(st.integers(2021, 2026))) if status == "revoked" else None}


def envelope(kind: str, subject: int, version: int, payload) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": kind, "aggregate_id": str(subject), "aggregate_version": version,
            "payload": payload}


@st.composite
def histories(draw):
    """Events of a few members and organizations, and their final states."""
    events, final_members, final_orgs = [], {}, {}
    for member_id in range(1, draw(st.integers(1, 6)) + 1):
        states = draw(st.lists(member_state(), min_size=1, max_size=4))
        for version, after in enumerate(states, start=1):
            before = states[version - 2] if version > 1 else None
            events.append(envelope("member_created" if version == 1 else "member_updated", member_id, version,
                                   {"member_id": member_id, "before": before, "after": after}))
        final_members[member_id] = states[-1]
    for org_id in draw(st.lists(st.sampled_from(sorted(PATHS)), unique=True)):
        states = draw(st.lists(org_state(org_id), min_size=1, max_size=3))
        for version, state in enumerate(states, start=1):
            events.append(envelope("org_created" if version == 1 else "org_updated", org_id, version, state))
        final_orgs[org_id] = states[-1]
    return events, final_members, final_orgs


@st.composite
def deliveries(draw):
    """A history, delivered shuffled, with redeliveries and republished states, in batches."""
    events, final_members, final_orgs = draw(histories())
    stream = list(events)
    stream += draw(st.lists(st.sampled_from(events), max_size=len(events)))  # redelivered (same id)
    stream += [{**e, "event_id": str(uuid.uuid4())}  # republished (new id, same version)
               for e in draw(st.lists(st.sampled_from(events), max_size=3))]
    stream = draw(st.permutations(stream))
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=len(stream)))
    batches, start = [], 0
    for size in sizes * (len(stream) // len(sizes) + 1):
        if start >= len(stream):
            break
        batches.append(stream[start:start + size])
        start += size
    return batches, final_members, final_orgs


def recount(final_members: dict, final_orgs: dict) -> Counter:
    expected: Counter = Counter()
    for facts in final_members.values():
        if facts:
            expected.update(rolled(member_entries(facts), facts["org_path"]))
    for state in final_orgs.values():
        expected.update(rolled(org_entries(state), state["path"]))
    return Counter({k: n for k, n in expected.items() if n})


def fold_all(batches: list) -> MemoryStore:
    store = MemoryStore()
    for batch in batches:
        assert store.apply(batch) == []  # every member event carries its org_path
    return store


@settings(max_examples=150, deadline=None)
@given(deliveries())
def test_counters_equal_a_recount_whatever_the_order_and_repetition(delivered):
    batches, final_members, final_orgs = delivered
    store = fold_all(batches)
    assert store.nonzero() == recount(final_members, final_orgs)
    for member_id, facts in final_members.items():
        assert store.members[member_id].facts == facts


def member_at_end(facts: dict | None, year: int) -> bool:
    if not facts:
        return False
    joined, left = int(facts["joined_on"][:4]), facts["left_on"] and int(facts["left_on"][:4])
    return joined <= year and not (facts["status"] == "left" and left <= year)


def probationary_at_end(facts: dict, year: int) -> bool:
    full = facts["full_on"] and int(facts["full_on"][:4])
    return full > year if full else facts["category"] == "02"


def root_rows(store: MemoryStore, org_id: int = ROOT) -> list:
    return [(d, v, y, n) for (o, d, v, y), n in store.counters.items() if o == org_id and n]


@settings(max_examples=100, deadline=None)
@given(deliveries())
def test_reports_of_every_year_equal_a_direct_count_at_that_year_end(delivered):
    batches, final_members, _ = delivered
    store = fold_all(batches)
    rows = root_rows(store)
    members = [f for f in final_members.values() if f]
    for year in YEARS:
        report = {t.key: evaluate(t, figures(rows, year))["rows"][0]["cells"] for t in TABLES}
        present = [f for f in members if member_at_end(f, year)]
        t1, t2 = report["t1"], report["t2"]
        assert t1["year_end"] == len(present)
        assert t1["year_start"] == sum(member_at_end(f, year - 1) for f in members)
        assert t1["increase_develop"] == sum(int(f["joined_on"][:4]) == year for f in members)
        assert t1["decrease_total"] == sum(bool(f["left_on"]) and int(f["left_on"][:4]) == year for f in members)
        assert t1["difference"] == 0
        assert t2["female"] == sum(f["sex"] == "2" for f in present)
        assert t2["probationary"] == sum(probationary_at_end(f, year) for f in present)
        assert sum(t2[k] for k in ("a30", "a35", "a40", "a45", "a50", "a55", "a60", "a61")) == len(present)
        assert report["t8"]["participants"] == sum(str(year) in f["evaluations"] for f in members)


def test_a_member_event_waits_for_its_organization_when_it_names_no_path():
    no_path = {"org_id": 9, "status": "active", "sex": "1", "category": "01", "joined_on": "2010-01-01"}
    member = envelope("member_created", 1, 1, {"member_id": 1, "before": None, "after": no_path})
    org = envelope("org_created", 9, 1, {"id": 9, "path": "/1/9/", "type": "31"})
    store = MemoryStore()
    assert store.apply([member]) == [member] and not store.nonzero()
    store.apply([member, org])  # the organization's event is folded first
    assert store.members[1] == Fact(1, "/1/9/", no_path)
    assert store.nonzero()[(1, "total", "", 2010)] == 1 and store.nonzero()[(9, "total", "", 2010)] == 1
    assert fold([member], {}, {}, known_paths={9: "/1/9/"}).members[1].path == "/1/9/"
    assert store.members.get(2, NOTHING) == NOTHING
