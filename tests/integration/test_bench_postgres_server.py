"""PMIS_BENCH_POSTGRES=production: a benchmark's database on a private cluster started with the
production overlay's server parameters (bench/harness.py), removed afterwards; by default the
machine's PostgreSQL."""
import psycopg
import pytest

from bench import harness
from tests.support import private_backends

pytestmark = pytest.mark.skipif(private_backends.available() is not None, reason=private_backends.available() or "")


def test_the_production_server_runs_with_the_overlays_parameters(monkeypatch):
    monkeypatch.setenv("PMIS_BENCH_POSTGRES", "production")
    wanted = harness.production_settings()  # the overlay's Cluster, k8s/operators/postgres.yaml
    assert {"shared_buffers", "max_wal_size", "wal_compression"} <= set(wanted)
    with harness.database_server() as admin_dsn:
        assert ":5432/" not in admin_dsn
        with psycopg.connect(admin_dsn) as conn:
            for name in ("shared_buffers", "max_wal_size", "work_mem", "maintenance_work_mem"):
                assert conn.execute(f"SHOW {name}").fetchone()[0] == str(wanted[name]), name
            assert conn.execute("SHOW wal_compression").fetchone()[0] != "off"  # "on" shows as pglz
    with pytest.raises(psycopg.OperationalError):  # stopped and gone
        psycopg.connect(admin_dsn, connect_timeout=2)
    assert harness.machine()["postgres_server"] == "production"


def test_the_machines_server_by_default(monkeypatch):
    monkeypatch.delenv("PMIS_BENCH_POSTGRES", raising=False)
    with harness.database_server() as admin_dsn:
        assert admin_dsn is None
    assert harness.machine()["postgres_server"] == "machine"


def test_an_unknown_server_is_refused(monkeypatch):
    monkeypatch.setenv("PMIS_BENCH_POSTGRES", "mystery")
    with pytest.raises(SystemExit, match="machine or production"):
        with harness.database_server():
            pass
