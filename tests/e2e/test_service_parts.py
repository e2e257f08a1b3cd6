"""Each service runs as an answering part (RPCs) and a background part (events and timers):
with the org service's background part frozen, its RPCs still answer at once and the events it
consumes wait in their queue; thawed, it applies them (services/shared/service_parts.py)."""
import os
import signal
import time

import psycopg

from tests.support.api import create_org
from tests.support.helpers import plain_dsn, wait_for

AUDITED = "SELECT count(*) FROM org.audit_entries WHERE entity = 'org' AND entity_id = %s"


def audit_entries(system, org_id: int) -> int:
    with psycopg.connect(plain_dsn(system), autocommit=True) as connection:
        return connection.execute(AUDITED, (str(org_id),)).fetchone()[0]


def test_rpcs_answer_while_the_background_part_is_stopped(system, api, root_id):
    background = system.system.processes["org-background"]
    os.kill(background.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        org_id = create_org(api, root_id, "分部测试党委", "党委")  # org.create_org, an RPC
        assert api.get(f"/orgs/{org_id}").status_code == 200
        answered = time.monotonic() - started
        time.sleep(2)  # the audit event is published by now; only the background part consumes it
        assert audit_entries(system, org_id) == 0, f"answered in {answered:.1f} s"
    finally:
        os.kill(background.pid, signal.SIGCONT)
    wait_for(lambda: audit_entries(system, org_id), lambda n: n == 1, timeout=60, what="the org's audit entry")
