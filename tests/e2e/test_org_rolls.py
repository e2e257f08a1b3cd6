"""撤销 of an organization racing a new member or 入党申请人 into it: whichever the system takes
first, it never ends with a revoked organization holding someone on its rolls (the member
service holds the rolls closed while the org service revokes: services/member/org_holds.py)."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg

from tests.support.api import create_org
from tests.support.factories import id_number, member_data
from tests.support.helpers import plain_dsn

TRIALS = 8


def on_rolls(system, org_id: int) -> int:
    with psycopg.connect(plain_dsn(system)) as db:
        members = db.execute("SELECT count(*) FROM member.members WHERE org_id = %s AND status = 'active'",
                             (org_id,)).fetchone()[0]
        waiting = db.execute("SELECT count(*) FROM member.applicants WHERE org_id = %s AND deleted_at IS NULL",
                             (org_id,)).fetchone()[0]
    return members + waiting


def test_a_revoke_and_a_newcomer_at_once_never_leave_a_revoked_org_occupied(system, api, root_id):
    committee = create_org(api, root_id, "撤销竞争党委", "11")
    with ThreadPoolExecutor(max_workers=2) as pool:
        for trial in range(TRIALS):
            branch = create_org(api, committee, f"撤销竞争支部{trial}", "31")
            if trial % 2:
                newcomer = ("/applicants", {"org_id": branch, "name": "竞争申请人", "ethnicity": "汉族",
                                            "id_number": id_number(date(1998, 1, 2)), "applied_on": "2025-03-01"})
            else:
                newcomer = ("/members", member_data(branch))
            api.get(f"/orgs/{branch}")  # the member service has it projected or asks once
            revoke = pool.submit(api.post, f"/orgs/{branch}/revoke", json={"date": "2026-01-01", "reason": "撤并"})
            add = pool.submit(api.post, newcomer[0], json=newcomer[1])
            revoked, added = revoke.result().status_code, add.result().status_code
            assert revoked in (200, 409) and added in (201, 400, 409), (revoked, added)
            assert (revoked == 200) != (added == 201), (trial, revoked, added)  # exactly one of them won
            assert on_rolls(system, branch) == (0 if revoked == 200 else 1)
