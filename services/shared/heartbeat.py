"""Liveness of a process that answers no request (relays, ingesters, a service's background
part): it touches a file while it works, and its `--check` (the probe) asks whether the file
was touched within MAX_AGE seconds. PMIS_RELAY_HEARTBEAT_DIR says where (default /tmp)."""
import os
import time
from pathlib import Path

MAX_AGE = 30


def path(name: str) -> Path:
    return Path(os.environ.get("PMIS_RELAY_HEARTBEAT_DIR", "/tmp")) / f"pmis-{name}.heartbeat"


def beat(name: str) -> None:
    path(name).touch()


def exit_code(name: str) -> int:
    """0 when `name`'s heartbeat is fresh, 1 otherwise (the probe's answer)."""
    beat_file = path(name)
    return 0 if beat_file.exists() and time.time() - beat_file.stat().st_mtime < MAX_AGE else 1
