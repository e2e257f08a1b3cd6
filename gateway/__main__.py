"""`python -m gateway`: serve the gateway with uvicorn on PMIS_GATEWAY_HOST:PMIS_GATEWAY_PORT.

With PMIS_GATEWAY_WORKERS > 1, uvicorn runs that many gateway processes on the one port (a
single process is bound by one core's Python). Each keeps its own sessions and hears the session
change notices on its own queue (session_cache.py); their metrics are summed by the parent, which
serves /metrics (prometheus_client's multiprocess mode); each dies with the parent, as the
launcher's children die with the launcher. In k8s it stays 1: Pods scale instead."""
import os
import shutil
import tempfile

import uvicorn

from services.shared.config import int_setting, setting
from services.shared.observability import logs, metrics, tracing
from services.shared.parent_death import die_with_parent

from .app import create_app


def _options() -> dict:
    # log_config=None: uvicorn's own loggers write through ours (the format PMIS_LOG_FORMAT chose).
    return dict(host=setting("PMIS_GATEWAY_HOST"), port=int_setting("PMIS_GATEWAY_PORT"),
                log_level="warning", log_config=None, proxy_headers=True,
                # Idle connections outlive their clients' and proxies' (httpx 5 s, nginx 60 s): at uvicorn's
                # 5 s a client reusing a connection the gateway closed that instant got "Server disconnected"
                # (1 of 20 phones completing an upload after 6 s of PUTs to S3, bench/orglife_scale.py).
                timeout_keep_alive=int_setting("PMIS_GATEWAY_KEEPALIVE_SECONDS"))


def worker_app():
    """One of several gateway processes (uvicorn's factory, in a spawned interpreter)."""
    die_with_parent()  # a parent killed outright must not leave workers holding the port
    logs.configure("gateway")
    tracing.setup("gateway", "gateway")
    return create_app()


def main() -> None:
    logs.configure("gateway")
    workers = int_setting("PMIS_GATEWAY_WORKERS")
    if workers <= 1:
        tracing.setup("gateway", "gateway")
        metrics.serve()
        uvicorn.run(create_app(), **_options())
        return
    # Set before the workers start (they read it when prometheus_client is imported).
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="pmis-gateway-metrics-")
    try:
        metrics.serve_workers(directory)
        uvicorn.run("gateway.__main__:worker_app", factory=True, workers=workers, **_options())
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
