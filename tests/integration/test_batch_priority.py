"""Background work yields the CPU (services/shared/priority.py): a batch process and the
PostgreSQL backend of a batch connection get the batch nice *and* their autogroup's (Linux
schedules autogroups first, so a plain renice of a session leader would change nothing)."""
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from services.shared import priority
from services.shared.db import make_engine
from tests.support.environment import LOCAL_PG
from tests.support.helpers import wait_for

ADMIN_DSN = os.environ.get("PMIS_TEST_ADMIN_DSN", LOCAL_PG)  # a backend of this machine's server
AUTOGROUPS = Path("/proc/self/autogroup").exists()


def nice_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def autogroup_nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/autogroup").read_text().split("nice")[1])


@pytest.fixture
def own_session_process():
    process = subprocess.Popen(["sleep", "30"], start_new_session=True)
    yield process.pid
    process.kill()
    process.wait()


@pytest.mark.skipif(not AUTOGROUPS, reason="no autogroup scheduling in this kernel")
def test_a_session_leader_is_lowered_with_its_autogroup(own_session_process):
    assert autogroup_nice(own_session_process) == 0
    assert priority.lower(own_session_process, 7)
    assert nice_of(own_session_process) == 7 and autogroup_nice(own_session_process) == 7


def test_a_process_sharing_a_session_keeps_the_session_group():
    """Lowering the group of a process that is not its session's leader would lower the whole
    session (the bench's report reader, a shell) with it: only the process itself is lowered."""
    process = subprocess.Popen(["sleep", "30"])  # in pytest's session
    try:
        before = Path(f"/proc/{process.pid}/autogroup").read_text() if AUTOGROUPS else None
        assert priority.lower(process.pid, 5)
        assert nice_of(process.pid) == 5
        if AUTOGROUPS:
            assert Path(f"/proc/{process.pid}/autogroup").read_text() == before
    finally:
        process.kill()
        process.wait()


def test_only_a_local_postgres_backend_is_taken_for_one():
    assert not priority.is_local_backend(os.getpid(), "127.0.0.1")  # a python, not a postgres
    with psycopg.connect(ADMIN_DSN) as conn:
        assert priority.is_local_backend(conn.info.backend_pid, conn.info.host)
        # The same number on another machine is not a process of this one.
        assert not priority.is_local_backend(conn.info.backend_pid, "db.example.internal")


@pytest.mark.skipif(os.geteuid() != 0, reason="renicing the postgres user's backends needs root here")
def test_a_batch_engine_s_backends_are_lowered_and_others_are_not(monkeypatch):
    monkeypatch.setenv("PMIS_DATABASE_URL", ADMIN_DSN.replace("postgresql://", "postgresql+psycopg://"))
    monkeypatch.setenv("PMIS_BATCH_NICE", "9")
    batch, ordinary = make_engine(pool_size=1, batch=True), make_engine(pool_size=1)
    try:
        with batch.connect() as b, ordinary.connect() as o:
            batch_pid = b.connection.dbapi_connection.info.backend_pid
            other_pid = o.connection.dbapi_connection.info.backend_pid
            assert nice_of(batch_pid) == 9 and nice_of(other_pid) == 0
            # its parallel workers would run at the postmaster's priority: it plans none
            assert b.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"
            assert o.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() != "0"
            if AUTOGROUPS:
                assert autogroup_nice(batch_pid) == 9 and autogroup_nice(other_pid) == 0
    finally:
        batch.dispose()
        ordinary.dispose()


def test_nice_zero_turns_it_off(monkeypatch):
    monkeypatch.setenv("PMIS_BATCH_NICE", "0")
    with psycopg.connect(ADMIN_DSN) as conn:
        assert not priority.lower_backend_priority(conn)
        assert nice_of(conn.info.backend_pid) == 0


@pytest.mark.skipif(not AUTOGROUPS, reason="no autogroup scheduling in this kernel")
def test_a_service_s_background_part_lowers_itself_and_beats(tmp_path):
    """What the launcher runs as `<service>-background` (services/shared/service_parts.py)."""
    nameko = str(Path(sys.executable).with_name("nameko"))
    env = {**os.environ, "PMIS_BATCH_NICE": "7", "PMIS_RELAY_HEARTBEAT_DIR": str(tmp_path)}
    process = subprocess.Popen([nameko, "run", "tests.support.parts_probe:probe_background"], env=env,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: (tmp_path / "pmis-probe-background.heartbeat").exists(), bool, timeout=60, what="heartbeat")
        assert nice_of(process.pid) == 7 and autogroup_nice(process.pid) == 7
    finally:
        process.kill()
        process.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="renicing the postgres user's backends needs root here")
def test_the_compactor_s_backend_runs_at_its_own_nice(monkeypatch):
    """PMIS_COMPACTOR_NICE lowers the compactor's own connection (issue 19: between the people's
    requests and the batch work); 0 leaves it with the requests."""
    from services.stats.compaction import Compactor

    monkeypatch.setenv("PMIS_DATABASE_URL", ADMIN_DSN.replace("postgresql://", "postgresql+psycopg://"))
    for nice in (6, 0):
        monkeypatch.setenv("PMIS_COMPACTOR_NICE", str(nice))
        compactor = Compactor()
        engine = compactor.engine()
        try:
            with engine.connect() as connection:
                assert nice_of(connection.connection.dbapi_connection.info.backend_pid) == nice
        finally:
            engine.dispose()
