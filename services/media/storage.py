"""Object storage through the `minio` client, on the generic S3 API only (so any S3 server
can replace MinIO). Presigned requests are signed for the endpoint browsers use."""
import io
import zipfile
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from io import BytesIO

from minio import Minio
from minio.datatypes import Part, PostPolicy
from minio.error import S3Error

from services.shared.config import setting
from services.shared.errors import Unavailable


def _client(endpoint: str) -> Minio:
    if not endpoint:
        raise Unavailable("未配置对象存储（PMIS_S3_ENDPOINT）")
    return Minio(endpoint, access_key=setting("PMIS_S3_ACCESS_KEY"), secret_key=setting("PMIS_S3_SECRET_KEY"),
                 secure=setting("PMIS_S3_SECURE") == "1", region=setting("PMIS_S3_REGION"))


class Storage:
    def __init__(self):
        self.bucket = setting("PMIS_S3_BUCKET")
        self.client = _client(setting("PMIS_S3_ENDPOINT"))
        public = setting("PMIS_S3_PUBLIC_ENDPOINT") or setting("PMIS_S3_ENDPOINT")
        self.public_client = _client(public)
        scheme = "https" if setting("PMIS_S3_SECURE") == "1" else "http"
        self.public_bucket_url = f"{scheme}://{public}/{self.bucket}"

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as exc:  # two workers' first calls at once: the other one made it
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    def presigned_upload(self, key: str, max_bytes: int, minutes: int = 15) -> dict:
        policy = PostPolicy(self.bucket, datetime.now(timezone.utc) + timedelta(minutes=minutes))
        policy.add_equals_condition("key", key)
        policy.add_content_length_range_condition(1, max_bytes)
        fields = self.public_client.presigned_post_policy(policy)
        return {"url": self.public_bucket_url, "method": "POST", "fields": {**fields, "key": key}}

    def size(self, key: str) -> int | None:
        try:
            return self.client.stat_object(self.bucket, key).size
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
                return None
            raise

    def read(self, key: str, limit: int) -> bytes:
        response = self.client.get_object(self.bucket, key)
        try:
            return response.read(limit + 1)
        finally:
            response.close()
            response.release_conn()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(self.bucket, key, BytesIO(data), len(data), content_type=content_type)

    def remove(self, key: str) -> None:
        self.client.remove_object(self.bucket, key)

    # --- files in parts (组织生活 attachments): presigned PUTs, S3 multipart ------------------------

    def presigned_put(self, key: str, minutes: int) -> str:
        return self.public_client.presigned_put_object(self.bucket, key, expires=timedelta(minutes=minutes))

    def start_multipart(self, key: str, content_type: str) -> str:
        return self.client._create_multipart_upload(self.bucket, key, {"Content-Type": content_type})

    def presigned_part(self, key: str, multipart_id: str, number: int, minutes: int) -> str:
        return self.public_client.get_presigned_url(
            "PUT", self.bucket, key, expires=timedelta(minutes=minutes),
            extra_query_params={"partNumber": str(number), "uploadId": multipart_id})

    def list_parts(self, key: str, multipart_id: str) -> list[dict]:
        """The parts the store holds so far: [{number, etag, size}] (none once completed or aborted)."""
        parts, marker = [], None
        while True:
            try:
                page = self.client._list_parts(self.bucket, key, multipart_id, part_number_marker=marker)
            except S3Error as exc:
                if exc.code in ("NoSuchUpload", "NoSuchKey"):
                    return parts
                raise
            parts += [{"number": p.part_number, "etag": p.etag, "size": p.size} for p in page.parts]
            if not page.is_truncated:
                return parts
            marker = str(page.next_part_number_marker)

    def complete_multipart(self, key: str, multipart_id: str, parts: list[dict]) -> None:
        ordered = sorted(parts, key=lambda p: p["number"])
        self.client._complete_multipart_upload(self.bucket, key, multipart_id,
                                               [Part(p["number"], p["etag"]) for p in ordered])

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        try:
            self.client._abort_multipart_upload(self.bucket, key, multipart_id)
        except S3Error as exc:
            if exc.code != "NoSuchUpload":
                raise

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        response = self.client.get_object(self.bucket, key, offset=offset, length=length)
        try:
            return response.read(length)
        finally:
            response.close()
            response.release_conn()

    def zip_names(self, key: str, size: int) -> list[str]:
        """The names in a zip object's directory, read by ranges (never the whole file)."""
        with zipfile.ZipFile(_RangedObject(self, key, size)) as archive:
            return archive.namelist()

    def download_url(self, key: str, minutes: int = 10) -> str:
        return self.public_client.presigned_get_object(self.bucket, key, expires=timedelta(minutes=minutes))


class _RangedObject(io.RawIOBase):
    """A seekable read-only view of an object, each read a ranged GET (zipfile reads the end and
    the central directory only)."""

    def __init__(self, store: Storage, key: str, size: int):
        self.store, self.key, self.size, self.position = store, key, size, 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self.position
        size = min(size, self.size - self.position)
        if size <= 0:
            return b""
        data = self.store.read_range(self.key, self.position, size)
        self.position += len(data)
        return data


@lru_cache(maxsize=1)
def storage() -> Storage:
    store = Storage()
    store.ensure_bucket()
    return store
