"""The object-storage side of backup and restore, through the `minio` client and the PMIS_S3_*
settings the media service reads. With no PMIS_S3_ENDPOINT it is `make run`'s local store
(SeaweedFS under PMIS_STATE_DIR, which must be running)."""
import hashlib
import os
from pathlib import Path

from launcher.local_s3 import LocalS3
from services.media.storage import Storage
from services.shared.config import setting

from .manifest import CHUNK, object_path


def storage() -> Storage:
    if not setting("PMIS_S3_ENDPOINT"):
        local = LocalS3(Path(setting("PMIS_STATE_DIR")) / "s3", int(setting("PMIS_S3_LOCAL_PORT")))
        os.environ.update(local.settings())
    return Storage()


def copy_out(store: Storage, key: str, backup: Path) -> dict | None:
    """Stream one object into the backup, stored by its sha256; None when the store lacks it."""
    try:
        stat = store.client.stat_object(store.bucket, key)
    except Exception as exc:
        if getattr(exc, "code", None) in ("NoSuchKey", "NoSuchObject", "NotFound"):
            return None
        raise
    partial = backup / "objects" / ".partial"
    partial.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    response = store.client.get_object(store.bucket, key)
    try:
        with open(partial, "wb") as out:
            for block in response.stream(CHUNK):
                digest.update(block)
                size += len(block)
                out.write(block)
    finally:
        response.close()
        response.release_conn()
    sha256 = digest.hexdigest()
    target = object_path(backup, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, target)
    return {"key": key, "size": size, "sha256": sha256, "content_type": stat.content_type}


def bucket_has_objects(store: Storage) -> bool:
    if not store.client.bucket_exists(store.bucket):
        return False
    return next(iter(store.client.list_objects(store.bucket, recursive=True)), None) is not None


def copy_in(store: Storage, item: dict, backup: Path) -> None:
    store.client.fput_object(store.bucket, item["key"], str(object_path(backup, item["sha256"])),
                             content_type=item.get("content_type") or "application/octet-stream")


def fingerprint(store: Storage, key: str) -> tuple[int, str] | None:
    """(size, sha256) of an object as the store returns it, read back in full; None if missing."""
    try:
        response = store.client.get_object(store.bucket, key)
    except Exception as exc:
        if getattr(exc, "code", None) in ("NoSuchKey", "NoSuchObject", "NotFound"):
            return None
        raise
    digest, size = hashlib.sha256(), 0
    try:
        for block in response.stream(CHUNK):
            digest.update(block)
            size += len(block)
    finally:
        response.close()
        response.release_conn()
    return size, digest.hexdigest()
