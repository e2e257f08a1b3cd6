"""What the fold's rules cost the stats ingester per event, in one process, no system (issue 18):
`python -m bench.fold_rules [ROUNDS]` (default 15).

domain/fold.fold — the pure part of applying a batch: each event's counted entries before and after,
rolled up its organization's path — over one batch (the default PMIS_STATS_BATCH) of member_updated
events, as an ingest round of bench/stats_scale.py changes members: 1 in 50 dies, the others get a
higher education or another occupation. The members are counted at organizations five levels deep
(a province, its cities, counties, 党委 and 1,900 branches, as bench/province.py's at 100k). CPU
(time.process_time) per event, median over the rounds; and the deltas per event it returns. Run it at
two commits one after the other, alternately, to compare a change of the rules.
"""
import random
import statistics
import sys
import time
from datetime import date
from types import SimpleNamespace

from services.shared.config import setting
from services.stats.domain.fold import Fact, fold

from .harness import exit_code, record
from .stats_scale import change

TODAY = date(2026, 12, 1)


def counted_member(member_id: int) -> tuple[str, dict]:
    rng = random.Random(member_id)
    branch = member_id % 1_900
    path = f"/1/{10 + branch % 10}/{100 + branch % 100}/{1_000 + branch % 950}/{5_000 + branch}/"
    facts = {"org_id": 5_000 + branch, "org_path": path, "status": "active", "sex": rng.choice("12"),
             "ethnicity": rng.choice(["01", "01", "01", "02"]),
             "birth_date": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
             "joined_on": f"{rng.randint(1970, 2025)}-07-01", "education": rng.choice(["20", "30", "40", "60"]),
             "occupation": rng.choice(["1", "2", "3", "4"]), "category": "full", "full_on": None,
             "left_on": None, "leave_kind": None, "absences": [], "evaluations": {"2025": "1"}, "training": [],
             "commendations": [], "arrived_on": None}
    return path, facts


def year_end_change(facts: dict, number: int) -> dict:
    """bench/stats_scale.py's change() of a member, on the facts (a date as the events carry it)."""
    values = change(SimpleNamespace(**facts), number, TODAY)
    return {**facts, **{key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}}


def batch(size: int) -> tuple[dict, list]:
    members, events = {}, []
    for number in range(size):
        member_id = 1 + number * 37
        path, facts = counted_member(member_id)
        members[member_id] = Fact(3, path, facts)
        events.append({"event_id": f"bench-{number}", "type": "member_updated", "aggregate_id": member_id,
                       "aggregate_version": 4, "payload": {"after": year_end_change(facts, number)}})
    return members, events


def main(rounds: int = 15) -> None:
    size = int(setting("PMIS_STATS_BATCH"))
    members, events = batch(size)
    per_event, deltas = [], 0
    for _ in range(rounds):
        started = time.process_time()
        folded = fold(events, {}, members, {})
        per_event.append((time.process_time() - started) / size * 1e6)
        deltas = len(folded.deltas)
    record("fold_rules", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "), "batch": size,
                          "rounds": rounds, "us_per_event": round(statistics.median(per_event), 1),
                          "deltas_per_event": round(deltas / size, 2)})


if __name__ == "__main__":
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
