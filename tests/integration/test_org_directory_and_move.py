"""The organization directory (a projection of org's tree in member's and media's schemas, fed
by org events, with a fallback for what has not arrived) and moving an organization: its
subtree, its members and every projection follow by events, the stats counters are re-homed
(not rebuilt) and reconcile stays clean."""
import json
import uuid
from datetime import date, datetime, timezone

import aio_pika
import psycopg
import pytest

from services.shared.context import Caller
from tests.support.factories import code, member_data
from tests.support.helpers import plain_dsn, remote_error, wait_for

TODAY = date.today().isoformat()


def create_org(rpc, parent_id, name, type_="31") -> dict:
    return rpc.call("org", "create_org", data={"name": name, "code": code("M"), "type": type_, "parent_id": parent_id})


def directory(system, schema: str, org_id: int):
    with psycopg.connect(plain_dsn(system)) as conn:
        return conn.execute(f"SELECT path, name, status, version FROM {schema}.org_directory WHERE id = %s",
                            (org_id,)).fetchone()


def projected(system, schema: str, org: dict, **expected):
    """Wait until `schema`'s directory holds the organization as the org service has it."""
    state = {"path": org["path"], **expected}
    return wait_for(lambda: directory(system, schema, org["id"]),
                    lambda row: row is not None and all(getattr_row(row, k) == v for k, v in state.items()),
                    what=f"{schema} to project organization {org['id']} as {state}")


def getattr_row(row, key):
    return dict(zip(("path", "name", "status", "version"), row))[key]


def member_paths(system, org_id: int) -> set:
    with psycopg.connect(plain_dsn(system)) as conn:
        return {row[0] for row in conn.execute("SELECT org_path FROM member.members WHERE org_id = %s", (org_id,))}


def stats_total(rpc, org_id: int) -> int:
    return rpc.call("stats", "subtree_stats", org_id=org_id)["members"]["total"]


def version_of(rpc, org_id: int) -> int:
    return rpc.call("org", "get_org", org_id=org_id)["version"]


def move(rpc, org_id, parent_id, caller=None, **overrides):
    data = {"parent_id": parent_id, "date": TODAY, "reason": "隶属关系调整", "version": version_of(rpc, org_id),
            **overrides}
    return rpc.call("org", "move_org", caller=caller, org_id=org_id, data=data)


@pytest.fixture
def layout(rpc, root_id):
    """Committees A (with branch A1 and committee A2 holding branch A21) and B; members in A1 and A21."""
    a = create_org(rpc, root_id, "移动测试甲党委", "11")
    b = create_org(rpc, root_id, "移动测试乙党委", "11")
    a1 = create_org(rpc, a["id"], "甲第一支部")
    a2 = create_org(rpc, a["id"], "甲第二党委", "11")
    a21 = create_org(rpc, a2["id"], "甲第二党委第一支部")
    members = [rpc.call("member", "create_member", data=member_data(org_id))["id"]
               for org_id in (a1["id"], a1["id"], a21["id"])]
    return {"a": a, "b": b, "a1": a1, "a2": a2, "a21": a21, "members": members}


def test_member_and_media_project_org_events(system, rpc, root_id):
    org = create_org(rpc, root_id, "投影测试支部")
    projected(system, "member", org, name="投影测试支部", status="active")
    projected(system, "media", org, name="投影测试支部")
    renamed = rpc.call("org", "rename_org", org_id=org["id"], name="投影测试支部（更名）")
    projected(system, "member", org, name="投影测试支部（更名）", version=renamed["version"])
    projected(system, "media", org, name="投影测试支部（更名）", version=renamed["version"])
    rpc.call("org", "revoke_org", org_id=org["id"], data={"date": TODAY, "reason": "撤并"})
    projected(system, "member", org, status="revoked")


def test_an_older_event_changes_nothing(system, rpc, root_id):
    org = create_org(rpc, root_id, "版本测试支部")
    rpc.call("org", "rename_org", org_id=org["id"], name="版本测试支部新名")
    projected(system, "member", org, name="版本测试支部新名", version=2)
    stale = {"event_id": str(uuid.uuid4()), "type": "org_renamed", "aggregate_id": str(org["id"]),
             "aggregate_version": 1, "occurred_at": datetime.now(timezone.utc).isoformat(), "actor": "test",
             "payload": {"id": org["id"], "parent_id": root_id, "path": org["path"], "code": "X", "name": "旧名",
                         "type": "31", "status": "active"}}

    async def publish():
        connection = await aio_pika.connect(system.env["PMIS_AMQP_URI"])
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.declare_exchange("org.events", aio_pika.ExchangeType.TOPIC, durable=True)
            await exchange.publish(aio_pika.Message(json.dumps(stale).encode(), content_type="application/json"),
                                   routing_key="org_renamed")
    rpc.run(publish())
    with psycopg.connect(plain_dsn(system)) as conn:
        wait_for(lambda: conn.execute("SELECT count(*) FROM member.inbox WHERE event_id = %s",
                                      (stale["event_id"],)).fetchone()[0], lambda n: n == 1,
                 what="member to receive the stale event")
    assert directory(system, "member", org["id"])[1:] == ("版本测试支部新名", "active", 2)


def test_an_organization_not_projected_yet_is_asked_for_once_and_kept(system, rpc, root_id):
    org = create_org(rpc, root_id, "回退测试支部")
    projected(system, "member", org)
    with psycopg.connect(plain_dsn(system), autocommit=True) as conn:
        conn.execute("DELETE FROM member.org_directory WHERE id = %s", (org["id"],))
    created = rpc.call("member", "create_member", data=member_data(org["id"]))
    assert rpc.call("member", "get_member", member_id=created["id"])["org_path"] == org["path"]
    assert directory(system, "member", org["id"])[0] == org["path"]  # the fallback's answer is kept
    outsider = Caller(user_id="t", scope_path=f"{org['path']}999999/")
    assert remote_error(lambda: rpc.call("member", "create_member", caller=outsider,
                                         data=member_data(org["id"]))).exc_type == "Forbidden"
    unknown = remote_error(lambda: rpc.call("member", "create_member", data=member_data(10**9)))
    assert unknown.exc_type == "ValidationFailed"


def test_a_moved_subtree_takes_its_members_projections_and_counts_along(system, rpc, layout):
    a, b, a2, a21 = layout["a"], layout["b"], layout["a2"], layout["a21"]
    wait_for(lambda: stats_total(rpc, a["id"]), lambda n: n == 3, what="stats to count the members")
    moved = move(rpc, a2["id"], b["id"])
    new_a2 = f"{b['path']}{a2['id']}/"
    new_a21 = f"{new_a2}{a21['id']}/"
    assert moved == {"id": a2["id"], "parent_id": b["id"], "path": new_a2, "version": moved["version"]}
    got = rpc.call("org", "get_org", org_id=a21["id"])
    assert got["path"] == new_a21 and got["parent_id"] == a2["id"]
    for schema in ("member", "media"):
        projected(system, schema, {"id": a2["id"], "path": new_a2}, version=moved["version"])
        projected(system, schema, {"id": a21["id"], "path": new_a21})
    wait_for(lambda: member_paths(system, a21["id"]), lambda paths: paths == {new_a21},
             what="members to follow their organization")
    wait_for(lambda: (stats_total(rpc, a["id"]), stats_total(rpc, b["id"])), lambda t: t == (2, 1),
             what="the counters to follow the move")
    assert stats_total(rpc, a2["id"]) == 1
    # Scope follows: the member in A21 is now B's, no longer A's.
    moved_member = layout["members"][2]
    of_b, of_a = Caller(user_id="b", scope_path=b["path"]), Caller(user_id="a", scope_path=a["path"])
    assert rpc.call("member", "get_member", caller=of_b, member_id=moved_member)["org_path"] == new_a21
    assert remote_error(lambda: rpc.call("member", "get_member", caller=of_a,
                                         member_id=moved_member)).exc_type == "Forbidden"
    history = rpc.call("org", "org_history", org_id=a2["id"])
    assert (history["items"][0]["action"], history["items"][0]["action_name"]) == ("moved", "移动")
    assert system.wait_consistent() == []  # reconcile: the counters equal a recount


def test_a_branch_moves_too_and_a_new_member_counts_under_the_new_parent(system, rpc, layout):
    a, b, a1 = layout["a"], layout["b"], layout["a1"]
    move(rpc, a1["id"], b["id"])
    new_a1 = f"{b['path']}{a1['id']}/"
    projected(system, "member", {"id": a1["id"], "path": new_a1})
    rpc.call("member", "create_member", data=member_data(a1["id"]))
    wait_for(lambda: (stats_total(rpc, a["id"]), stats_total(rpc, b["id"])), lambda t: t == (1, 3),
             what="the counters to follow the move")
    assert member_paths(system, a1["id"]) == {new_a1}
    assert system.wait_consistent() == []


def test_moves_that_are_refused(system, rpc, layout, root_id):
    a, b, a1, a2, a21 = (layout[k] for k in ("a", "b", "a1", "a2", "a21"))

    def refused(org, parent_id, caller=None, **overrides):
        return remote_error(lambda: move(rpc, org["id"], parent_id, caller=caller, **overrides))

    error = refused(a, a21["id"])
    assert error.exc_type == "ValidationFailed" and "本组织或其下级" in str(error)
    assert refused(a, a["id"]).exc_type == "ValidationFailed"
    assert refused(a2, a1["id"]).exc_type == "ValidationFailed"      # a branch cannot have sub-organizations
    assert refused(a2, a["id"]).exc_type == "ValidationFailed"       # already there
    read = version_of(rpc, a2["id"])
    rpc.call("org", "rename_org", org_id=a2["id"], name="甲第二党委（更名）")
    assert refused(a2, b["id"], version=read).exc_type == "Conflict"  # read before someone else's change
    assert refused(a2, b["id"], date="2999-01-01").exc_type == "ValidationFailed"
    assert refused(a2, b["id"], date="不是日期").exc_type == "ValidationFailed"
    assert refused(a2, 10**9).exc_type == "ValidationFailed"          # no such target
    assert refused({"id": root_id}, b["id"]).exc_type == "Conflict"  # the root stays the root
    history = create_org(rpc, root_id, "移动测试历史党委", "11")
    rpc.call("org", "revoke_org", org_id=history["id"], data={"date": TODAY, "reason": "撤并"})
    assert "已撤销" in str(refused(a2, history["id"]))
    # Scope: an account of committee A may not move out of A, nor move A itself; one of B may not take from A.
    of_a = Caller(user_id="a", scope_path=a["path"])
    assert refused(a2, b["id"], caller=of_a).exc_type == "Forbidden"
    assert refused(a, b["id"], caller=of_a).exc_type == "Forbidden"
    assert refused(a2, b["id"], caller=Caller(user_id="b", scope_path=b["path"])).exc_type == "Forbidden"
    assert move(rpc, a21["id"], a["id"], caller=of_a)["parent_id"] == a["id"]  # within its scope: fine
    assert rpc.call("org", "get_org", org_id=a2["id"])["parent_id"] == a["id"]  # nothing half-written
