"""Recovery after kill -9: `python -m bench.recovery [ROUNDS]`.

On a private system with one stats ingester, each round kills with SIGKILL, one after the
other: the member relay, the only stats ingester, the member service, the gateway and the
local S3 store. For each it records
- restarted: kill → the supervisor has started a replacement (a new pid),
- recovered: kill → the replacement does its work:
  relay: a member created right after the kill has left the outbox;
  ingester: that member is counted (the root's counters reconcile, nothing pending);
  service: a health RPC answers (a call sent while it was down waits in its queue);
  gateway: /readyz answers 200; S3: a signed request answers.
A child killed again within a minute waits longer before its restart (backoff 0.5, 1, 2 s …),
so every round's figures are kept apart, with the delay the supervisor chose.
"""
import os
import signal
import sys
import time

from launcher.supervisor import backoff_seconds
from tests.support.factories import code, member_data

from .harness import admin_client, record, running_system


def wait_until(check, timeout: float = 120) -> float:
    """Seconds (monotonic clock) at which `check()` first held."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(check)
        time.sleep(0.02)
    return time.monotonic()


def consistent(rpc, root_id: int) -> bool:
    pending = sum(rpc.call(s, "health")["outbox_pending"] for s in ("org", "member", "stats"))
    return not pending and not rpc.call("stats", "reconcile", org_id=root_id)["differences"]


def measure(system, name: str, work, recovered) -> dict:
    """Kill child `name`, start `work()` at once, time the restart and the recovery."""
    child = system.children[name]
    old = child.process.pid
    killed = time.monotonic()
    os.kill(old, signal.SIGKILL)
    work()
    restarted = wait_until(lambda: system.processes[name].pid != old)
    done = wait_until(recovered)
    return {"child": name, "backoff_s": backoff_seconds(child.restarts), "restarted_s": round(restarted - killed, 2),
            "recovered_s": round(done - killed, 2)}


def main(rounds: int = 3) -> None:
    # A long RPC timeout: the VM is shared, and logging in (argon2) can take over 10 s under load.
    with running_system(PMIS_STATS_INGESTERS="1", PMIS_RPC_TIMEOUT="60") as (system, rpc, env):
        client = admin_client(system, env)
        root_id = rpc.call("org", "root")["id"]
        branch = client.post("/orgs", json={"name": "恢复测试支部", "code": code(), "type": "党支部",
                                            "parent_id": root_id})
        branch.raise_for_status()
        branch_id = branch.json()["id"]

        def create_member() -> None:
            # Through the gateway, which is up for every case but its own.
            client.post("/members", json=member_data(branch_id, name="恢复党员")).raise_for_status()

        cases = [
            ("member-relay", create_member, lambda: rpc.call("member", "health")["outbox_pending"] == 0),
            ("stats-ingest-1", create_member, lambda: consistent(rpc, root_id)),
            ("member", lambda: None, lambda: rpc.call("member", "health")["ok"]),
            ("gateway", lambda: None, lambda: system.ready("gateway")),
            ("s3", lambda: None, system.local_s3.ready),
        ]
        samples = []
        for number in range(1, rounds + 1):
            for name, work, recovered in cases:
                wait_until(lambda: consistent(rpc, root_id))
                sample = {"round": number, **measure(system, name, work, recovered)}
                print(sample, flush=True)
                samples.append(sample)
        client.close()
    # The VM is shared with other work: its load average says how much the figures are stretched.
    record("recovery", {"rounds": rounds, "load_average_1m_at_end": os.getloadavg()[0], "samples": samples})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
