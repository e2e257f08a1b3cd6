"""Object storage through the `minio` client, on the generic S3 API only (so any S3 server
can replace MinIO). Presigned requests are signed for the endpoint browsers use."""
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from io import BytesIO

from minio import Minio
from minio.datatypes import PostPolicy
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
            self.client.make_bucket(self.bucket)

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

    def download_url(self, key: str, minutes: int = 10) -> str:
        return self.public_client.presigned_get_object(self.bucket, key, expires=timedelta(minutes=minutes))


@lru_cache(maxsize=1)
def storage() -> Storage:
    store = Storage()
    store.ensure_bucket()
    return store
