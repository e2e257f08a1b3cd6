"""The object-storage side of backup and restore, through the `minio` client and the PMIS_S3_*
settings the media service reads. With no PMIS_S3_ENDPOINT it is `make run`'s local store
(SeaweedFS under PMIS_STATE_DIR, which must be running)."""
import hashlib
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import urllib3
from minio.error import S3Error

from launcher.local_s3 import LocalS3
from services.media.storage import Storage
from services.shared.config import setting

from .manifest import CHUNK, object_path

JOBS = 8  # objects copied or read back at once: each is a round trip to the store, mostly waiting


def each(work, items) -> list:
    """work(item) for every item, JOBS at a time, results in order (the minio client is thread-safe)."""
    with ThreadPoolExecutor(JOBS) as pool:
        return list(pool.map(work, items))


# What a store that cannot be reached or refuses raises (for the commands' one-line answer).
UNAVAILABLE = (S3Error, urllib3.exceptions.HTTPError)


def storage() -> Storage:
    if not setting("PMIS_S3_ENDPOINT"):
        directory = Path(setting("PMIS_STATE_DIR")) / "s3"
        if not (directory / "identities.json").is_file():  # LocalS3 would generate new keys
            raise ValueError(f"未设置 PMIS_S3_ENDPOINT，且 {directory} 中没有本地 S3 存储：请设置 PMIS_S3_* "
                             f"或 PMIS_STATE_DIR（与运行中的系统相同）")
        os.environ.update(LocalS3(directory, int(setting("PMIS_S3_LOCAL_PORT"))).settings())
    return Storage()


MISSING = ("NoSuchKey", "NoSuchObject", "NotFound")


def _stream(store: Storage, key: str, out=None) -> tuple[int, str, str] | None:
    """(size, sha256, content type) of an object read in full (and written to `out`); None if missing."""
    try:
        response = store.client.get_object(store.bucket, key)
    except Exception as exc:
        if getattr(exc, "code", None) in MISSING:
            return None
        raise
    digest, size = hashlib.sha256(), 0
    try:
        for block in response.stream(CHUNK):
            digest.update(block)
            size += len(block)
            if out:
                out.write(block)
    finally:
        response.close()
        response.release_conn()
    return size, digest.hexdigest(), response.headers.get("Content-Type")


def copy_out(store: Storage, key: str, backup: Path) -> dict | None:
    """Stream one object into the backup, stored by its sha256; None when the store lacks it."""
    partial = backup / "objects" / f".partial-{uuid.uuid4().hex}"  # one per thread (see each)
    partial.parent.mkdir(parents=True, exist_ok=True)
    with open(partial, "wb") as out:
        read = _stream(store, key, out)
    if read is None:
        partial.unlink()
        return None
    size, sha256, content_type = read
    target = object_path(backup, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, target)
    return {"key": key, "size": size, "sha256": sha256, "content_type": content_type}


def bucket_has_objects(store: Storage) -> bool:
    if not store.client.bucket_exists(store.bucket):
        return False
    return next(iter(store.client.list_objects(store.bucket, recursive=True)), None) is not None


def copy_in(store: Storage, item: dict, backup: Path) -> None:
    store.client.fput_object(store.bucket, item["key"], str(object_path(backup, item["sha256"])),
                             content_type=item.get("content_type") or "application/octet-stream")


def fingerprint(store: Storage, key: str) -> tuple[int, str] | None:
    """(size, sha256) of an object as the store returns it, read back in full; None if missing."""
    read = _stream(store, key)
    return read and read[:2]
