"""What an ingest batch's own statements cost, the way before and the way now, side by side in one
process (issue 18): `python -m bench.ingest_statements [ROUNDS]` (default 40).

The whole-system benchmarks (ingest_cpu, stats_scale) vary by a third between runs of the same code
on this VM, more than a change of a few per cent of the ingester's CPU; here both ways run
alternately on the same rows, so the machine's drift touches both alike. A private database at the
stats schema's head with 100,000 counted members (facts as a member event carries them); each round,
500 of them (a batch) are written both ways, in turn and in alternating order:
- the members' counted states: before, one UPDATE per member sent by executemany (pipelined); now,
  one UPDATE … FROM jsonb_to_recordset (consumers._write_members);
- the lookups by member and organization ids (transfers.member_moves, store.unit_kinds): before,
  `IN` with one parameter per id; now `= ANY(array)`.
The client's CPU (time.process_time) and its backend's (/proc/PID/stat, in 10 ms ticks: hence
means, not medians), milliseconds per batch over the rounds.
"""
import json
import random
import statistics
import sys
import time

import psycopg
from sqlalchemy import bindparam, create_engine, select, update
from sqlalchemy.orm import sessionmaker

from services.stats import consumers, store, transfers
from services.stats.domain.fold import Fact
from services.stats.models import member_facts, member_placements, orgs, transfer_facts

from .fold_rate import private_database
from .gateway_cpu import cpu_seconds
from .harness import exit_code, record

MEMBERS = 100_000
BATCH = 500
ORGS = 4_000


def facts(member_id: int, version: int) -> dict:
    rng = random.Random(member_id * 7 + version)
    return {"org_id": 1 + member_id % ORGS, "status": "active", "sex": rng.choice("12"), "ethnicity": "01",
            "birth_date": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "joined_on": f"20{rng.randint(10, 23)}-07-01", "education": rng.choice(["21", "31", "41", "61"]),
            "occupation": rng.choice(["01", "13", "21", "31"]), "category": "full", "full_on": None,
            "left_on": None, "leave_kind": None, "absences": [], "evaluations": {}, "training": [],
            "commendations": [], "arrived_on": None, "org_path": f"/1/{1 + member_id % ORGS}/"}


def write_before(session, changed: dict) -> None:
    """consumers._write_members before f265130: one UPDATE per member."""
    session.execute(update(member_facts).where(member_facts.c.member_id == bindparam("id")).values(
        version=bindparam("version"), org_path=bindparam("org_path"), facts=bindparam("facts")),
        [{"id": member_id, "version": f.version, "org_path": f.path, "facts": f.facts}
         for member_id, f in changed.items()])


def lookups_before(session, member_ids: list, org_ids: list) -> None:
    """member_moves and unit_kinds before f265130: IN lists."""
    session.execute(select(transfer_facts).where(transfer_facts.c.member_id.in_(member_ids),
                                                 transfer_facts.c.kind == "within")).all()
    session.execute(select(member_placements).where(member_placements.c.member_id.in_(member_ids))).all()
    session.execute(select(orgs.c.id, orgs.c.units).where(orgs.c.id.in_(org_ids))).all()


def lookups_now(session, member_ids: list, org_ids: list) -> None:
    transfers.member_moves(session, member_ids)
    store.unit_kinds(session, [f"/1/{org_id}/" for org_id in org_ids])


def measured(sessions, backend_pid: int, work) -> tuple[float, float]:
    """(client CPU ms, backend CPU ms) of `work(session)` in one transaction."""
    client, backend = time.process_time(), cpu_seconds(backend_pid)
    with sessions.begin() as session:
        work(session)
    return (time.process_time() - client) * 1000, (cpu_seconds(backend_pid) - backend) * 1000


def main(rounds: int = 40) -> None:
    with private_database() as dsn:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("INSERT INTO stats.orgs (id, path, type, version) "
                         "SELECT i, '/1/' || i || '/', '6', 1 FROM generate_series(1, %s) i", (ORGS,))
            with conn.cursor().copy("COPY stats.member_facts (member_id, version, org_path, facts) FROM STDIN") as copy:
                for member_id in range(1, MEMBERS + 1):
                    found = facts(member_id, 1)
                    copy.write_row((member_id, 1, found["org_path"], json.dumps(found)))
            conn.execute("VACUUM ANALYZE stats.member_facts")
        engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1, max_overflow=0)
        sessions = sessionmaker(engine)
        with engine.connect() as connection:
            backend_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        rng = random.Random(18)
        ways = {"write_before": [], "write_now": [], "lookups_before": [], "lookups_now": []}
        for round_no in range(rounds):
            ids = sorted(rng.sample(range(1, MEMBERS + 1), BATCH))
            org_ids = sorted({1 + member_id % ORGS for member_id in ids})
            changed = {member_id: Fact(round_no + 2, f"/1/{1 + member_id % ORGS}/", facts(member_id, round_no + 2))
                       for member_id in ids}
            order = ("before", "now") if round_no % 2 else ("now", "before")
            for way in order:
                write = write_before if way == "before" else consumers._write_members
                ways[f"write_{way}"].append(measured(sessions, backend_pid, lambda s: write(s, changed)))
                lookup = lookups_before if way == "before" else lookups_now
                ways[f"lookups_{way}"].append(measured(sessions, backend_pid, lambda s: lookup(s, ids, org_ids)))
        engine.dispose()
    per_batch = {name: {"client_cpu_ms": round(statistics.fmean(c for c, _ in found), 2),
                        "backend_cpu_ms": round(statistics.fmean(b for _, b in found), 2)}
                 for name, found in ways.items()}
    record("ingest_statements", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                                 "rounds": rounds, "batch": BATCH, "per_batch_mean": per_batch})


if __name__ == "__main__":
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
