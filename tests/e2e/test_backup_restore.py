"""Backup and restore round trip (系统工具): `python -m ops.backup` of a running system with
organizations, members, a photo, a transfer and dues; `python -m ops.restore` into a fresh database
and bucket; a second PMIS started on the copy serves the same records and the same file bytes, and
its statistics reconcile clean. A tampered backup, a manifest the copy does not match and a target
that is not empty are refused with exit code ≠ 0."""
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from psycopg import sql

from launcher.system import System
from services.shared.service_list import SERVICES
from tests.support import environment as environments
from tests.support.api import complete_member, create_org
from tests.support.factories import member_data
from tests.support.helpers import wait_for
from tests.support.rpc import SyncRpc

from ..conftest import ADMIN_PASSWORD, login
from .test_member_photo import attach, download, jpeg_with_gps

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
MONTH = f"{TODAY.year}-{TODAY.month:02d}"
S3_SETTINGS = ("PMIS_S3_ENDPOINT", "PMIS_S3_ACCESS_KEY", "PMIS_S3_SECRET_KEY", "PMIS_S3_SECURE")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def run(module: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def world(system, api, root_id) -> dict:
    """What the backup must keep, and the GET paths whose answers the copy must repeat exactly."""
    committee = create_org(api, root_id, "备份测试党委", "党委")
    one, two = create_org(api, committee, "备份第一支部"), create_org(api, committee, "备份第二支部")
    pictured = ok(api.post("/members", json=member_data(one, name="有照片党员")), 201)["id"]
    attach(api, pictured, jpeg_with_gps(), "image/jpeg")
    moving = complete_member(api, one, "备份转出党员")
    transfer = ok(api.post("/transfers", json={
        "member_id": moving, "kind": "within", "to_org_id": two, "reason": "01", "dues_paid_to": MONTH,
        "phone": "13900000000", "address": "某某市某某路1号", "postcode": "100020"}), 201)
    paying = ok(api.post("/members", json=member_data(two, name="交党费党员")), 201)["id"]
    wait_for(lambda: api.get(f"/members/{paying}/dues").status_code, lambda status: status == 200,
             what="the dues service's projection of the new member")
    ok(api.put(f"/orgs/{two}/dues/settings", json={"registration_start": MONTH}))
    ok(api.put(f"/members/{paying}/dues/base", json={"kind": "employed", "amount": "5000", "from_month": MONTH}))
    ok(api.post(f"/orgs/{two}/dues/payments", json={"month": MONTH, "payments": [
        {"member_id": paying, "amount": "50.00", "paid_on": TODAY.isoformat()}]}), 201)
    paths = [f"/orgs/{org}" for org in (committee, one, two)] + [
        f"/orgs/{committee}/stats", f"/members/{pictured}", f"/members/{moving}", f"/members/{paying}",
        f"/transfers/{transfer['id']}", f"/members/{paying}/dues?year={TODAY.year}",
        f"/orgs/{two}/dues/month?month={MONTH}"]
    assert system.wait_consistent() == []
    return {"paths": paths, "pictured": pictured, "answers": {path: ok(api.get(path)) for path in paths}}


@pytest.fixture(scope="module")
def backup(system, world, tmp_path_factory) -> Path:
    assert system.wait_consistent() == []
    dest = tmp_path_factory.mktemp("backup") / "pmis-backup"
    done = run("ops.backup", dest, env=system.system.env)
    assert done.returncode == 0, done.stderr
    assert "备份完成" in done.stdout
    return dest


@pytest.fixture(scope="module")
def targets(system):
    """Fresh (not yet created) databases and buckets on the session's servers; dropped afterwards."""
    made = []

    def target(tag: str) -> dict:
        database = f"{system.environment.database}_{tag}"
        made.append(database)
        url = system.env["PMIS_DATABASE_URL"].rsplit("/", 1)[0]
        return {**system.system.env, "PMIS_DATABASE_URL": f"{url}/{database}",
                "PMIS_S3_BUCKET": f"pmis-{tag}".replace("_", "-")}
    yield target
    with psycopg.connect(system.environment.admin_dsn, autocommit=True) as conn:
        for database in made:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


def tables_in(env: dict) -> int | None:
    """The user tables of the target's database; None when it does not exist."""
    dsn = env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn) as conn:
            return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                                "('pg_catalog', 'information_schema')").fetchone()[0]
    except psycopg.OperationalError:
        return None


def test_the_manifest_lists_every_schema_table_and_object(backup, world):
    manifest = json.loads((backup / "manifest.json").read_text())
    schemas = manifest["database"]["schemas"]
    assert set(SERVICES) <= set(schemas)
    assert all(schemas[service]["heads"] for service in SERVICES)  # each schema's alembic head
    # The session's system is shared: other modules' photos and attachments may be in it too.
    assert schemas["org"]["tables"]["orgs"] >= 4 and schemas["media"]["tables"]["photos"] >= 1
    assert schemas["transfer"]["tables"]["transfers"] >= 1
    assert manifest["app"]["version"] and manifest["snapshot_at"]
    objects = manifest["storage"]["objects"]
    # At least this module's photo and its thumbnail (the copy serves their very bytes: see below).
    assert len(objects) >= 2 and manifest["storage"]["missing"] == []
    for item in objects:
        stored = backup / "objects" / item["sha256"][:2] / item["sha256"]
        assert stored.stat().st_size == item["size"] > 0
    assert (backup / "database.dump").stat().st_size == manifest["database"]["size"]


def test_a_second_backup_never_overwrites_one(system, backup):
    done = run("ops.backup", backup, env=system.system.env)
    assert done.returncode != 0 and "不为空" in done.stderr


@pytest.mark.parametrize("damage", ["object", "dump"])
def test_a_tampered_backup_is_refused_and_nothing_is_written(backup, targets, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(backup, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    if damage == "object":
        sha = manifest["storage"]["objects"][0]["sha256"]
        path = copy / "objects" / sha[:2] / sha
    else:
        path = copy / "database.dump"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, the size unchanged
    path.write_bytes(bytes(data))
    target = targets(f"tampered_{damage}")
    done = run("ops.restore", copy, env=target)
    assert done.returncode == 2 and "校验和与清单不符" in done.stderr, done.stderr
    assert tables_in(target) is None  # refused before the database was even created


def test_a_copy_that_differs_from_the_manifest_fails_the_check_after_restoring(backup, targets, tmp_path):
    """The manifest claims one member more than the dump holds: the restore runs, then says so."""
    copy = tmp_path / "copy"
    shutil.copytree(backup, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["database"]["schemas"]["member"]["tables"]["members"] += 1
    (copy / "manifest.json").write_text(json.dumps(manifest))
    done = run("ops.restore", copy, env=targets("differs"))
    assert done.returncode == 3, done.stderr
    assert "表 member.members 的行数" in done.stderr and "请勿使用" in done.stderr


@pytest.fixture(scope="module")
def restored(system, backup):
    """The backup restored into a new database and bucket, and a second PMIS started on them (its own
    vhost and ports; the session's S3 server)."""
    environment = environments.TestEnvironment()  # not imported by name: pytest would collect it
    env = {**environment.start(), **{name: system.system.env[name] for name in S3_SETTINGS},
           "PMIS_S3_BUCKET": f"pmis-restored-{environment.tag}".replace("_", "-"),
           # Fewer database connections beside the session's system (PostgreSQL is shared).
           "PMIS_MAX_WORKERS": "3", "PMIS_STATS_INGESTERS": "1"}
    copy = System(env, ROOT / "test-artifacts" / "logs" / f"{environment.tag}-restored")
    rpc = None
    try:
        done = run("ops.restore", backup, env=env)
        assert done.returncode == 0, done.stderr
        assert "恢复完成" in done.stdout
        copy.start(timeout=120)
        rpc = SyncRpc(env["PMIS_AMQP_URI"])
        yield copy, env, rpc
    finally:
        if rpc:
            rpc.close()
        copy.stop()
        environment.stop()


def test_the_copy_serves_the_same_records_files_and_a_clean_reconcile(system, api, world, restored):
    copy, env, rpc = restored
    client = login(copy.gateway_url, "admin", ADMIN_PASSWORD)  # the changed password came along too
    for path in world["paths"]:
        assert ok(client.get(path)) == world["answers"][path], path
    photo = world["answers"][f"/members/{world['pictured']}"]["photo"]
    copied = ok(client.get(f"/members/{world['pictured']}"))["photo"]
    for url in ("photo_url", "thumb_url"):
        assert download(SimpleNamespace(url=copy.gateway_url), client, copied[url]) == download(system, api, photo[url])
    # The events sent in the hour before the snapshot are published again; the inboxes drop them.
    wait_for(lambda: sum(rpc.call(service, "health")["outbox_pending"] for service in SERVICES), lambda n: n == 0,
             timeout=60, what="the copy's relays to publish the replayed events")
    root = rpc.call("org", "root")["id"]
    assert rpc.call("stats", "reconcile", org_id=root)["differences"] == []
    for path in world["paths"]:  # and nothing changed by the replay
        assert ok(client.get(path)) == world["answers"][path], path
    client.close()


def test_restoring_into_a_database_that_is_not_empty_is_refused(backup, restored):
    _copy, env, _rpc = restored
    done = run("ops.restore", backup, env=env)
    assert done.returncode == 2 and "目标数据库不为空" in done.stderr, done.stderr
