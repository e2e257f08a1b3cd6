"""Rebuild: counters damaged then emptied, and counted states lost, are recounted from the member
and org services while members keep being created (events keep flowing); afterwards a
reconcile of the whole tree finds nothing, and the rebuild command says what it did."""
import subprocess
import sys
import threading

import psycopg

from services.stats.recount import REBUILD_LOCK
from tests.support.factories import member_data
from tests.support.helpers import plain_dsn, remote_error, wait_for


def audit_changes(system, action: str) -> list[dict]:
    with psycopg.connect(plain_dsn(system)) as conn:
        rows = conn.execute("SELECT changes FROM org.audit_entries WHERE entity = 'statistics' AND action = %s "
                            "ORDER BY id", (action,)).fetchall()
    return [{line["field"]: line["after"] for line in changes} for (changes,) in rows]


def create_members(rpc, org_id: int, count: int, done: list) -> None:
    for _ in range(count):
        done.append(rpc.call("member", "create_member", data=member_data(org_id))["id"])


def test_rebuild_recounts_damaged_counters_while_events_flow(system, rpc, tree):
    before: list = []
    create_members(rpc, tree["one"], 5, before)
    wait_for(lambda: rpc.call("stats", "subtree_stats", org_id=tree["one"])["members"]["total"], lambda n: n == 5,
             what="the first members to be counted")
    with psycopg.connect(plain_dsn(system)) as conn:
        conn.execute("UPDATE stats.counters SET n = n + 3 WHERE org_id = %s", (tree["one"],))
        conn.execute("INSERT INTO stats.counter_deltas (org_id, dimension, value, year, n) "
                     "VALUES (%s, 'total', '', 2020, 40)", (tree["two"],))
        conn.execute("DELETE FROM stats.member_facts WHERE member_id = ANY(%s)", (before[:2],))
    with psycopg.connect(plain_dsn(system)) as conn:  # then every counter of the province, gone
        conn.execute("DELETE FROM stats.counters")
        conn.execute("DELETE FROM stats.counter_deltas")
    damage = rpc.call("stats", "reconcile", org_id=system.root_id)
    assert 0 < len(damage["differences"]) <= min(1000, damage["total_differences"])

    during: list = []
    logged_before = len(audit_changes(system, "重新统计"))  # other rebuilds on this system are logged too
    flowing = threading.Thread(target=create_members, args=(rpc, tree["two"], 15, during))
    flowing.start()
    try:
        result = rpc.call("stats", "rebuild")
    finally:
        flowing.join()
    assert result["synced"]["members"] >= 2 and result["members"] >= 5 and result["corrected"] > 0
    assert len(during) == 15
    # 重新统计 writes counters: it is in the 操作日志 with what it did (org's audit consumer).
    logged = wait_for(lambda: audit_changes(system, "重新统计"), lambda found: len(found) > logged_before,
                      what="this rebuild's 重新统计 entry")
    assert logged[-1]["修正计数"] == str(result["corrected"])
    assert logged[-1]["重新统计党员"] == str(result["members"])
    assert system.wait_consistent() == []
    assert rpc.call("stats", "subtree_stats", org_id=tree["committee"])["members"]["total"] == 20


def test_reconcile_command(system, tree):
    result = subprocess.run([sys.executable, "-m", "services.stats.reconcile", str(tree["committee"])],
                            env={**system.env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"核对完成：党组织 {tree['committee']} 及其下级，差异 0 处" in result.stdout


def test_rebuild_command(system):
    result = subprocess.run([sys.executable, "-m", "services.stats.rebuild"], env={**system.env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("重建完成")
    assert system.wait_consistent() == []


def test_one_rebuild_at_a_time(system, rpc):
    """A second rebuild while one corrects would apply the same corrections twice: refused."""
    with psycopg.connect(plain_dsn(system)) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (REBUILD_LOCK,))  # as a running rebuild holds it
        error = remote_error(lambda: rpc.call("stats", "rebuild"))
    assert error.exc_type == "Conflict" and "正在重建" in error.exc_args[0]


def erase(system, org_id: int, facts: str, dimensions: tuple) -> None:
    """An organization's `facts` (a stats.orgs column) and every count of `dimensions` gone, as
    counted before the events carried them. Callers repeat it until it holds: a compaction in
    flight may put deltas read before the delete into the counters after it."""
    with psycopg.connect(plain_dsn(system)) as conn:
        conn.execute(f"UPDATE stats.orgs SET {facts} = '[]' WHERE id = %s", (org_id,))
        for table in ("counters", "counter_deltas"):
            conn.execute(f"DELETE FROM stats.{table} WHERE dimension = ANY(%s)", (list(dimensions),))


def test_rebuild_brings_in_units_recorded_before_org_events_carried_them(system, rpc, tree):
    """An organization counted at its version without its 村 unit (as after the upgrade that made
    org events carry units): reconcile lists it, rebuild applies the source state again and the unit,
    the organization and its member count under 村."""
    branch = tree["one"]
    rpc.call("org", "save_entry", org_id=branch, kind="unit",
             data={"name": "重建村", "category": "51", "party_setup": "1"})
    member_id = rpc.call("member", "create_member", data=member_data(branch))["id"]

    def village_members():
        with psycopg.connect(plain_dsn(system)) as conn:
            return conn.execute("SELECT coalesce(sum(n), 0) FROM (SELECT n FROM stats.counters WHERE org_id = %s "
                                "AND dimension = 'unit_members' AND value = '51' UNION ALL SELECT n FROM "
                                "stats.counter_deltas WHERE org_id = %s AND dimension = 'unit_members' "
                                "AND value = '51') AS counted", (branch, branch)).fetchone()[0]

    wait_for(village_members, lambda n: n == 1, what=f"member {member_id} counted under 村")

    def erased() -> int:  # as counted before stats_0017: no units anywhere
        erase(system, branch, "units", ("unit", "org_unit_kind", "unit_members"))
        return village_members()

    wait_for(erased, lambda n: n == 0, what="the unit counters erased")
    damage = rpc.call("stats", "reconcile", org_id=tree["committee"])
    assert {d["dimension"] for d in damage["differences"]} == {"unit", "org_unit_kind"}
    result = rpc.call("stats", "rebuild")
    assert result["synced"]["orgs"] >= 1
    assert village_members() == 1
    assert system.wait_consistent() == []


def test_rebuild_brings_in_org_rewards_recorded_before_org_events_carried_them(system, rpc, tree):
    """An organization counted at its version without its 奖励 (as after the upgrade that made org
    events carry them, stats_0019): reconcile lists the 表12 cells it lacks, rebuild applies the
    source state again and the reward counts at the organization and above (表12 表彰)."""
    branch = tree["two"]
    rpc.call("org", "save_entry", org_id=branch, kind="sanction", data={
        "kind": "奖励", "name": "重建先进支部", "approved_on": "2023-06-01", "approver": "某县委", "level": "县级"})

    def commended(org_id: int) -> int:
        with psycopg.connect(plain_dsn(system)) as conn:
            return conn.execute("SELECT coalesce(sum(n), 0) FROM (SELECT n FROM stats.counters WHERE org_id = %s "
                                "AND dimension = 'org_commended' AND value = '4' AND year = 2023 UNION ALL SELECT n "
                                "FROM stats.counter_deltas WHERE org_id = %s AND dimension = 'org_commended' "
                                "AND value = '4' AND year = 2023) AS counted", (org_id, org_id)).fetchone()[0]

    wait_for(lambda: (commended(branch), commended(tree["committee"])), lambda found: found == (1, 1),
             what="the branch's 奖励 counted")

    def erased() -> tuple:  # as counted before stats_0019: no 奖励 anywhere
        erase(system, branch, "commendations", ("org_commended", "commended_orgs"))
        return commended(branch), commended(tree["committee"])

    wait_for(erased, lambda found: found == (0, 0), what="the 奖励 counters erased")
    damage = rpc.call("stats", "reconcile", org_id=tree["committee"])
    assert {d["dimension"] for d in damage["differences"]} == {"org_commended", "commended_orgs"}
    result = rpc.call("stats", "rebuild")
    assert result["synced"]["orgs"] >= 1
    assert commended(branch) == commended(tree["committee"]) == 1
    assert rpc.call("stats", "reconcile", org_id=tree["committee"])["total_differences"] == 0
