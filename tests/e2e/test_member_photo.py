"""A member's photo over HTTP: begin an upload, post the file straight to object storage with the
presigned form, complete it, and download the re-encoded photo. The server trusts neither the
declared type nor the declared size: it checks what arrived. The store enforces the upload
policy too (the local SeaweedFS does), so an oversized file is also refused at the door."""
import io
import uuid

import httpx
import pytest
from minio import Minio
from PIL import Image

from tests.support.helpers import assert_error

from ..conftest import login
from ..support.factories import code, member_data

MB = 1024 * 1024
GPS_IFD = 0x8825


# --- images, made in memory --------------------------------------------------------------------

def jpeg_with_gps(size=(800, 600)) -> bytes:
    exif = Image.Exif()
    exif[GPS_IFD] = {2: (39.0, 54.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert GPS_IFD in Image.open(io.BytesIO(data)).getexif()  # the source really carries GPS
    return data


def transparent_png(size=(300, 400)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))  # fully transparent black
    image.paste((20, 120, 20, 255), (100, 100, 200, 300))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def gif(size=(320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("P", size, 3).save(out, "GIF")
    return out.getvalue()


def bmp(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 10, 200)).save(out, "BMP")
    return out.getvalue()


# --- HTTP helpers ------------------------------------------------------------------------------

def begin(client, member_id: int, content_type: str, size: int) -> httpx.Response:
    return client.post("/media/uploads", json={"member_id": member_id, "content_type": content_type, "size": size})


def post_to_storage(upload: dict, data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"):
    """The browser's part: a multipart form straight to the S3 endpoint, `file` last."""
    response = httpx.post(upload["url"], data=upload["fields"], files={"file": (filename, data, content_type)},
                          timeout=60)
    assert 200 <= response.status_code < 300, response.text


def upload(client, member_id: int, data: bytes, content_type: str, declared_size: int | None = None) -> str:
    """Begin, post the bytes; returns the upload id (not yet completed)."""
    started = begin(client, member_id, content_type, declared_size or len(data))
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["url"] and body["fields"]["key"]
    post_to_storage(body, data, content_type=content_type)
    return body["upload_id"]


def attach(client, member_id: int, data: bytes, content_type: str) -> dict:
    completed = client.post(f"/media/uploads/{upload(client, member_id, data, content_type)}/complete")
    assert completed.status_code == 200, completed.text
    return completed.json()


def photo_of(client, member_id: int) -> dict | None:
    response = client.get(f"/members/{member_id}")
    assert response.status_code == 200, response.text
    return response.json()["photo"]


def download(system, client, path: str) -> bytes:
    response = client.get(f"{system.url}{path}", follow_redirects=True)
    assert response.status_code == 200, response.text
    assert response.history and response.history[0].status_code == 302
    return response.content


# --- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def branch(api, root_id):
    committee = api.post("/orgs", json={"name": "照片测试党委", "code": code(), "type": "党委", "parent_id": root_id})
    assert committee.status_code == 201, committee.text
    created = api.post("/orgs", json={"name": "照片测试支部", "code": code(), "type": "党支部",
                                      "parent_id": committee.json()["id"]})
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture
def member(api, branch) -> int:
    """A new member, without a photo."""
    created = api.post("/members", json=member_data(branch, name="照片党员"))
    assert created.status_code == 201, created.text
    assert photo_of(api, created.json()["id"]) is None
    return created.json()["id"]


@pytest.fixture
def member_with_photo(api, member) -> tuple[int, str]:
    """A member who already has a photo: (member id, photo id)."""
    return member, attach(api, member, jpeg_with_gps(), "image/jpeg")["photo_id"]


# --- the flow ----------------------------------------------------------------------------------

def test_a_jpeg_photo_is_stored_without_exif_and_with_a_thumbnail(system, api, member):
    """The whole flow; the stored photo and thumbnail are JPEGs with no EXIF (GPS removed)."""
    started = begin(api, member, "image/jpeg", len(jpeg_with_gps()))
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["url"].startswith("http") and body["fields"]["key"].startswith("uploads/")
    assert body["max_bytes"] == 5 * MB
    post_to_storage(body, jpeg_with_gps())

    completed = api.post(f"/media/uploads/{body['upload_id']}/complete")
    assert completed.status_code == 200, completed.text
    assert completed.json()["member_id"] == member
    assert (completed.json()["width"], completed.json()["height"]) == (800, 600)

    photo = photo_of(api, member)
    assert photo["photo_id"] == completed.json()["photo_id"]
    for url, largest in ((photo["thumb_url"], (240, 320)), (photo["photo_url"], (800, 600))):
        data = download(system, api, url)
        assert data[:2] == b"\xff\xd8"
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert image.width <= largest[0] and image.height <= largest[1]
        exif = image.getexif()
        assert GPS_IFD not in exif and len(exif) == 0, dict(exif)
        assert "exif" not in image.info
    assert Image.open(io.BytesIO(download(system, api, photo["photo_url"]))).size == (800, 600)


def test_a_new_photo_replaces_the_previous_one(api, member_with_photo):
    member, first = member_with_photo
    second = attach(api, member, bmp(), "image/bmp")["photo_id"]
    assert second != first and photo_of(api, member)["photo_id"] == second


@pytest.mark.parametrize("make, content_type, size", [
    (transparent_png, "image/png", (300, 400)),
    (gif, "image/gif", (320, 240)),
    (bmp, "image/bmp", (640, 480)),
], ids=["png-transparent", "gif", "bmp"])
def test_png_gif_and_bmp_are_accepted_and_stored_as_jpeg(system, api, member, make, content_type, size):
    """The official formats JPG/PNG/GIF/BMP are all accepted; what is stored is a JPEG."""
    result = attach(api, member, make(), content_type)
    assert (result["width"], result["height"]) == size
    photo = photo_of(api, member)
    data = download(system, api, photo["photo_url"])
    image = Image.open(io.BytesIO(data))
    assert data[:2] == b"\xff\xd8" and image.size == size
    thumb = Image.open(io.BytesIO(download(system, api, photo["thumb_url"])))
    assert thumb.width <= 240 and thumb.height <= 320
    if content_type == "image/png":  # transparent areas become white, not black
        assert all(channel > 240 for channel in image.convert("RGB").getpixel((5, 5)))


# --- rejections at begin -----------------------------------------------------------------------

@pytest.mark.parametrize("content_type, size, field", [
    ("image/jpeg", 6 * MB, "size"),
    ("application/pdf", 1000, "content_type"),
    ("image/jpeg", 0, "size"),
], ids=["6MB", "pdf", "empty"])
def test_begin_refuses_what_could_never_be_a_photo(api, member, content_type, size, field):
    error = assert_error(begin(api, member, content_type, size), 400, "validation")
    assert field in error["fields"]
    assert photo_of(api, member) is None


def test_begin_for_an_unknown_member_is_not_found(api):
    assert_error(begin(api, 999999, "image/jpeg", 1000), 404, "not_found")


# --- rejections at complete: what arrived is checked ------------------------------------------

def text_file() -> bytes:
    return "这不是图片，只是一段文字。\n".encode() * 20


def truncated_jpeg() -> bytes:
    return jpeg_with_gps()[:200]


def oversized_bmp() -> bytes:
    """A real, decodable image of more than 5 MB (uncompressed BMP)."""
    data = bmp((1400, 1300))
    assert len(data) > 5 * MB
    return data


@pytest.mark.parametrize("make, content_type, declared, reason", [
    (text_file, "image/jpeg", None, "格式"),
    (truncated_jpeg, "image/jpeg", None, "损坏"),
], ids=["text-as-jpeg", "truncated-jpeg"])
def test_complete_refuses_a_bad_file_and_keeps_the_previous_photo(api, member_with_photo, make, content_type,
                                                                  declared, reason):
    """Content, not the declared type or size, decides; a refused file changes nothing."""
    member, previous = member_with_photo
    upload_id = upload(api, member, make(), content_type, declared)
    error = assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 400, "validation")
    assert reason in error["fields"]["file"], error
    assert photo_of(api, member)["photo_id"] == previous
    # A refused upload is finished: completing it again is a conflict, not a second try.
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 409, "conflict")
    assert photo_of(api, member)["photo_id"] == previous


def test_over_5mb_declared_small_is_refused_by_the_store_and_by_complete(system, api, member_with_photo):
    """The presigned policy caps the size, so the store itself refuses the file; and should a
    store not enforce it (the object put there with the service's own keys), complete refuses."""
    member, previous = member_with_photo
    data = oversized_bmp()
    started = begin(api, member, "image/bmp", 100_000)
    assert started.status_code == 201, started.text
    body = started.json()
    refused = httpx.post(body["url"], data=body["fields"], files={"file": ("big.bmp", data, "image/bmp")}, timeout=60)
    assert refused.status_code in (400, 403) and "EntityTooLarge" in refused.text, refused.text
    env = system.system.env
    store = Minio(env["PMIS_S3_ENDPOINT"], access_key=env["PMIS_S3_ACCESS_KEY"], secret_key=env["PMIS_S3_SECRET_KEY"],
                  secure=False, region=env.get("PMIS_S3_REGION") or "us-east-1")
    store.put_object(env["PMIS_S3_BUCKET"], body["fields"]["key"], io.BytesIO(data), len(data))
    error = assert_error(api.post(f"/media/uploads/{body['upload_id']}/complete"), 400, "validation")
    assert "5MB" in error["fields"]["file"], error
    assert photo_of(api, member)["photo_id"] == previous


def test_a_bad_file_for_a_member_without_a_photo_leaves_none(api, member):
    upload_id = upload(api, member, text_file(), "image/png")
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 400, "validation")
    assert photo_of(api, member) is None


def test_complete_before_the_file_arrived_is_refused(api, member):
    """Nothing posted to storage yet → 400; the upload stays open, so the file can still come."""
    started = begin(api, member, "image/jpeg", len(jpeg_with_gps()))
    assert started.status_code == 201
    upload_id = started.json()["upload_id"]
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 400, "validation")
    assert photo_of(api, member) is None
    post_to_storage(started.json(), jpeg_with_gps())
    assert api.post(f"/media/uploads/{upload_id}/complete").status_code == 200
    assert photo_of(api, member) is not None


def test_completing_twice_is_a_conflict(api, member):
    """One upload makes at most one photo."""
    upload_id = upload(api, member, jpeg_with_gps(), "image/jpeg")
    first = api.post(f"/media/uploads/{upload_id}/complete")
    assert first.status_code == 200, first.text
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 409, "conflict")
    assert photo_of(api, member)["photo_id"] == first.json()["photo_id"]


@pytest.mark.parametrize("upload_id", [str(uuid.uuid4()), "not-a-uuid"], ids=["unknown-uuid", "not-a-uuid"])
def test_completing_an_unknown_upload_is_not_found(api, upload_id):
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 404, "not_found")


@pytest.mark.parametrize("path", ["/media/photos/{random}/thumb", "/media/photos/not-a-uuid/photo",
                                  "/media/photos/{random}/original"])
def test_downloading_an_unknown_photo_is_not_found(api, path):
    assert_error(api.get(path.format(random=uuid.uuid4())), 404, "not_found")


# --- scope -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def outsider(system, api, root_id):
    """An account (made through the API) scoped to another committee than the photo branch's."""
    other = api.post("/orgs", json={"name": "照片测试外单位党委", "code": code(), "type": "党委", "parent_id": root_id})
    assert other.status_code == 201, other.text
    username = f"photo{code()}".lower()
    created = api.post("/accounts", json={"username": username, "password": "First#Pass2026",
                                          "org_id": other.json()["id"]})
    assert created.status_code == 201, created.text
    first = login(system.url, username, "First#Pass2026")
    changed = first.post("/session/password", json={"old_password": "First#Pass2026",
                                                    "new_password": "Other#Pass2026"})
    first.close()
    assert changed.status_code == 204, changed.text
    client = login(system.url, username, "Other#Pass2026")
    yield client
    client.close()


def test_begin_for_a_member_outside_the_scope_is_forbidden(api, outsider, member):
    assert_error(begin(outsider, member, "image/jpeg", 1000), 403, "forbidden")
    assert photo_of(api, member) is None


def test_others_cannot_complete_or_download_a_members_photo(system, api, outsider, member_with_photo):
    """Scope is checked at complete and at download too, not only at begin."""
    member, previous = member_with_photo
    upload_id = upload(api, member, bmp(), "image/bmp")
    assert_error(outsider.post(f"/media/uploads/{upload_id}/complete"), 403, "forbidden")
    assert photo_of(api, member)["photo_id"] == previous
    photo = photo_of(api, member)
    assert_error(outsider.get(f"{system.url}{photo['thumb_url']}"), 403, "forbidden")
    assert_error(outsider.get(f"/members/{member}"), 403, "forbidden")
    # The owner's session can still finish the upload the outsider was refused.
    assert api.post(f"/media/uploads/{upload_id}/complete").status_code == 200
    assert photo_of(api, member)["photo_id"] != previous
