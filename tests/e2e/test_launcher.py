"""`make run` runs `python -m launcher`: it prints the URL and the one-time password, serves,
and a Ctrl-C stops every process it started."""
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


def test_make_run_prints_url_and_password_and_ctrl_c_stops_everything(environment, tmp_path):
    env = {**os.environ, **environment.env, "PMIS_STATE_DIR": str(tmp_path / "state")}
    env.pop("PMIS_SECRET_KEY")  # make run generates and keeps one
    env.pop("PMIS_ADMIN_PASSWORD")  # and a random one-time password
    process = subprocess.Popen([sys.executable, "-m", "launcher"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "PMIS 已启动" in line or process.poll() is not None:
            break
    output = "".join(lines)
    assert "PMIS 已启动" in output, output
    url = f"http://127.0.0.1:{env['PMIS_GATEWAY_PORT']}"
    assert url in output
    assert "本地 S3 端点" in output  # no PMIS_S3_ENDPOINT: it says it started its own
    password = output.split("一次性密码：")[1].split()[0]
    login = httpx.post(f"{url}/api/v1/session", json={"username": "admin", "password": password})
    assert login.status_code == 200 and login.json()["must_change_password"] is True
    assert (tmp_path / "state" / "secret_key").exists()

    children = psutil.Process(process.pid).children(recursive=True)
    assert len(children) >= 13  # six services, six relays, the gateway
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], f"still running after Ctrl-C: {[p.cmdline() for p in alive]}"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/healthz", timeout=2)
