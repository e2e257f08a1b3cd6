"""Many members at once: rows and their member_created outbox events written straight into
the member schema in one transaction per batch — what that many create commands would leave
behind, without their RPCs. The relay and the stats service then treat them like any other."""
import json
import uuid
from datetime import datetime, timezone

import psycopg

from services.member.domain.id_number import check_char


def id_number(i: int) -> str:
    """A valid ID number unique for i < 10,000,000 (region code varies with i)."""
    first17 = f"{110000 + i // 1000:06d}19800101{i % 1000:03d}"
    return first17 + check_char(first17)


def write_members(dsn: str, org: dict, n: int, start: int = 0, batch: int = 1000) -> None:
    with psycopg.connect(dsn) as conn:
        for first in range(start, start + n, batch):
            with conn.transaction():
                events = []
                for i in range(first, min(start + n, first + batch)):
                    sex = "1" if i % 2 else "2"
                    member_id = conn.execute(
                        "INSERT INTO member.members (org_id, org_path, name, id_number, sex, birth_date, ethnicity,"
                        " category, joined_on) VALUES (%s,%s,%s,%s,%s,'1980-01-01','01','01','2000-07-01') "
                        "RETURNING id", (org["id"], org["path"], f"成员{i}", id_number(i), sex)).fetchone()[0]
                    event = {"event_id": str(uuid.uuid4()), "type": "member_created", "aggregate_id": str(member_id),
                             "aggregate_version": 1, "occurred_at": datetime.now(timezone.utc).isoformat(),
                             "actor": "bulk", "request_id": "bulk",
                             "payload": {"member_id": member_id, "before": None,
                                         "after": {"org_id": org["id"], "status": "active", "sex": sex,
                                                   "category": "01", "ethnicity": "01", "birth_date": "1980-01-01",
                                                   "joined_on": "2000-07-01", "leave_kind": None,
                                                   "left_on": None}}}
                    events.append((event["event_id"], "member_created", json.dumps(event)))
                with conn.cursor() as cursor:
                    cursor.executemany("INSERT INTO member.outbox (event_id, event_type, envelope) VALUES (%s,%s,%s)",
                                       events)
