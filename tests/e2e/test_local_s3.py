"""The local S3 store the launcher starts (SeaweedFS) is a real one: a stored photo is reachable
only through a valid, unexpired presigned link; anonymous and tampered requests get 403."""
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from minio import Minio

from ..support.api import create_org
from ..support.factories import member_data
from .test_member_photo import attach, jpeg_with_gps, photo_of


@pytest.fixture(scope="module")
def stored(system, api, root_id) -> str:
    """The presigned URL of a member's stored photo, as the gateway's download link gives it."""
    if not system.system.local_s3:
        pytest.skip("PMIS_S3_ENDPOINT is set: no local store started")
    committee = create_org(api, root_id, "存储测试党委", "党委")
    member = api.post("/members", json=member_data(create_org(api, committee, "存储测试支部"), name="存储党员"))
    assert member.status_code == 201, member.text
    attach(api, member.json()["id"], jpeg_with_gps(), "image/jpeg")
    link = api.get(f"{system.url}{photo_of(api, member.json()['id'])['photo_url']}", follow_redirects=False)
    assert link.status_code == 302, link.text
    return link.headers["location"]


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_the_presigned_link_works(stored):
    response = httpx.get(stored)
    assert response.status_code == 200 and response.content[:2] == b"\xff\xd8"  # a JPEG


def test_anonymous_reads_are_refused(stored):
    parts = urlsplit(stored)
    assert httpx.get(urlunsplit(parts._replace(query=""))).status_code == 403  # the object itself
    bucket = parts.path.split("/")[1]
    assert httpx.get(f"{parts.scheme}://{parts.netloc}/{bucket}").status_code == 403  # listing the bucket
    assert httpx.get(f"{parts.scheme}://{parts.netloc}/").status_code == 403  # listing the buckets


def test_a_tampered_link_is_refused(stored):
    signature = parse_qs(urlsplit(stored).query)["X-Amz-Signature"][0]
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]
    assert httpx.get(with_query(stored, **{"X-Amz-Signature": forged})).status_code == 403
    # A valid signature does not cover a longer lifetime than it was made for.
    assert httpx.get(with_query(stored, **{"X-Amz-Expires": "604800"})).status_code == 403


def test_an_expired_link_is_refused(system, stored):
    env = system.system.env
    store = Minio(env["PMIS_S3_ENDPOINT"], access_key=env["PMIS_S3_ACCESS_KEY"], secret_key=env["PMIS_S3_SECRET_KEY"],
                  secure=False, region=env.get("PMIS_S3_REGION") or "us-east-1")
    bucket, key = urlsplit(stored).path.lstrip("/").split("/", 1)
    short = store.presigned_get_object(bucket, key, expires=timedelta(seconds=1))
    time.sleep(2.5)
    assert httpx.get(short).status_code == 403
