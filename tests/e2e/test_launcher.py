"""`make run` runs `python -m launcher`: it prints the URL and the one-time password, serves,
and a Ctrl-C stops every process it started; killed outright, its children die with it."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.environment import TestEnvironment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment():
    env = TestEnvironment()
    env.start()
    yield env
    env.stop()


def start_launcher(environment, state_dir) -> tuple[subprocess.Popen, str, dict]:
    """`python -m launcher` with the session's database and vhost; returns it, its output up to
    "PMIS 已启动" and its environment."""
    env = {**os.environ, **environment.env, "PMIS_STATE_DIR": str(state_dir)}
    env.pop("PMIS_SECRET_KEY")  # make run generates and keeps one
    env.pop("PMIS_ADMIN_PASSWORD")  # and a random one-time password
    process = subprocess.Popen([sys.executable, "-m", "launcher"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "PMIS 已启动" in line or process.poll() is not None:
            break
    return process, "".join(lines), env


def test_make_run_prints_url_and_password_and_ctrl_c_stops_everything(environment, tmp_path):
    process, output, env = start_launcher(environment, tmp_path / "state")
    assert "PMIS 已启动" in output, output
    url = f"http://127.0.0.1:{env['PMIS_GATEWAY_PORT']}"
    assert url in output
    assert "本地 S3 端点（SeaweedFS" in output  # no PMIS_S3_ENDPOINT: it says it started its own
    password = output.split("一次性密码：")[1].split()[0]
    login = httpx.post(f"{url}/api/v1/session", json={"username": "admin", "password": password})
    assert login.status_code == 200 and login.json()["must_change_password"] is True
    assert (tmp_path / "state" / "secret_key").exists()
    identities = tmp_path / "state" / "s3" / "identities.json"  # the local store's generated keys
    assert identities.exists() and identities.stat().st_mode & 0o777 == 0o600

    children = psutil.Process(process.pid).children(recursive=True)
    assert len(children) >= 15  # SeaweedFS, six services, six relays, an ingester, the gateway
    assert any(Path(child.exe()).name == "weed" for child in children)
    process.send_signal(signal.SIGINT)
    # The launcher gives the services 10 s together, then SeaweedFS 2 s (its own graceful stop takes
    # 15 s), then kills what is left; on a loaded CI machine the whole stop once took more than 30 s.
    process.wait(timeout=60)
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], f"still running after Ctrl-C: {[p.cmdline() for p in alive]}"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/healthz", timeout=2)


def test_children_die_with_a_launcher_killed_outright(environment, tmp_path):
    """kill -9 of the launcher leaves nothing behind holding ports (PR_SET_PDEATHSIG)."""
    process, output, env = start_launcher(environment, tmp_path / "state")
    assert "PMIS 已启动" in output, output
    children = psutil.Process(process.pid).children(recursive=True)
    assert len(children) >= 15
    process.kill()
    process.wait(timeout=10)
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], f"orphaned after kill -9 of the launcher: {[p.cmdline() for p in alive]}"
    for port in (env["PMIS_GATEWAY_PORT"], env["PMIS_S3_LOCAL_PORT"]):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
