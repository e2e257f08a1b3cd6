"""The launcher's local SeaweedFS store keeps its keys and its objects across restarts (`make run`
stopped and started again), although its internal ports change every time."""
import io
import subprocess
import sys
import time

import pytest

from launcher.local_s3 import LocalS3, credentials
from launcher.ports import free_port
from launcher.system import StartupFailed, System


def started(store: LocalS3, log) -> subprocess.Popen:
    process = subprocess.Popen(store.command(), cwd=store.directory, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not store.ready():
        assert process.poll() is None and time.monotonic() < deadline, "SeaweedFS did not start"
        time.sleep(0.25)
    return process


def stopped(process: subprocess.Popen) -> None:
    """As the launcher stops it: SIGTERM, then SIGKILL after 2 s (weed's own graceful stop takes 15 s)."""
    process.terminate()
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_keys_are_generated_once_and_private(tmp_path):
    keys = credentials(tmp_path)
    assert keys == credentials(tmp_path)
    assert len(keys["secret_key"]) >= 30 and keys["access_key"] != keys["secret_key"]
    assert (tmp_path / "identities.json").stat().st_mode & 0o777 == 0o600
    assert credentials(tmp_path / "other") != keys


def test_objects_and_keys_survive_a_restart(tmp_path):
    port = free_port()
    with open(tmp_path / "weed.log", "ab") as log:
        store = LocalS3(tmp_path / "s3", port)
        process = started(store, log)
        try:
            client = store.client()
            client.make_bucket("pmis-kept")
            client.put_object("pmis-kept", "a/b.txt", io.BytesIO(b"kept"), 4)
        finally:
            stopped(process)
        again = LocalS3(tmp_path / "s3", port)
        assert again.keys == store.keys
        process = started(again, log)
        try:
            assert again.client().get_object("pmis-kept", "a/b.txt").read() == b"kept"
        finally:
            stopped(process)


def test_without_weed_or_an_endpoint_the_launcher_says_what_to_install(tmp_path, monkeypatch):
    # No `weed` beside the interpreter nor on PATH: the production image has none either.
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("PMIS_S3_ENDPOINT", raising=False)
    system = System({"PMIS_STATE_DIR": str(tmp_path / "state")}, tmp_path / "logs")
    try:
        with pytest.raises(StartupFailed) as failed:
            system.start(timeout=5)
    finally:
        system.stop()
    assert "requirements-local.txt" in str(failed.value) and "PMIS_S3_ENDPOINT" in str(failed.value)
    assert not system.children  # nothing was started


def test_a_bucket_made_meanwhile_by_another_worker_is_not_an_error(tmp_path, monkeypatch):
    """Two media workers' first calls check and make the bucket at once: the later make_bucket
    meets BucketAlreadyOwnedByYou, which means the bucket is there."""
    from services.media.storage import Storage

    store = LocalS3(tmp_path / "s3", free_port())
    with open(tmp_path / "weed.log", "ab") as log:
        process = started(store, log)
        try:
            for name, value in {**store.settings(), "PMIS_S3_BUCKET": "pmis-raced"}.items():
                monkeypatch.setenv(name, value)
            storage = Storage()
            storage.client.make_bucket("pmis-raced")  # the other worker, between check and make
            monkeypatch.setattr(storage.client, "bucket_exists", lambda bucket: False)
            storage.ensure_bucket()
        finally:
            stopped(process)
