"""组织生活 attachments against the real local S3 server (SeaweedFS, which checks signatures): the
bytes go straight from the client to storage with presigned PUTs, in parts for a large file, an
interrupted upload resumes, the content decides what a file is (422 when it does not match), photos
lose their EXIF, completing twice gives one attachment, an abandoned upload's parts are aborted,
signed links are given only in scope and only for their own key, and a video gets one poster frame
(drawn by the browser, uploaded by the photos' path) as its thumbnail."""
import io
import os
import zipfile
from datetime import datetime, timedelta

import httpx
import pytest
from PIL import Image

from services.media.storage import Storage
from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error

from .test_media_uploads import bucket, db, s3_env, sweep  # noqa: F401 (fixtures)
from .test_member_photo import GPS_IFD, jpeg_with_gps, post_to_storage

MB = 1024 * 1024


@pytest.fixture(scope="module")
def world(api, root_id):
    branch = create_org(api, root_id, "附件测试支部")
    elsewhere = create_org(api, root_id, "附件测试外支部")
    member = api.post("/members", json=member_data(branch, name="附件党员")).json()["id"]
    held = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    meeting = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "主题党日", "held_at": held, "place": "社区", "host": "甲", "recorder": "乙", "topic": "志愿服务",
        "attendees": [member]})
    assert meeting.status_code == 201, meeting.text
    return {"branch": branch, "elsewhere": elsewhere, "meeting": meeting.json()["id"]}


def begin(client, meeting: int, filename: str, content_type: str, size: int) -> httpx.Response:
    return client.post(f"/meetings/{meeting}/attachments",
                       json={"filename": filename, "content_type": content_type, "size": size})


def put(url: str, data: bytes) -> str:
    """The browser's part: one PUT straight to storage; the part's ETag."""
    response = httpx.put(url, content=data, timeout=120)
    assert 200 <= response.status_code < 300, response.text
    return response.headers.get("etag", "")


def chunks(started: dict, data: bytes) -> dict[int, bytes]:
    size = started["part_size"]
    return {part["number"]: data[(part["number"] - 1) * size:part["number"] * size] for part in started["parts"]}


def upload(client, meeting: int, filename: str, content_type: str, data: bytes) -> dict:
    started = begin(client, meeting, filename, content_type, len(data))
    assert started.status_code == 201, started.text
    body = started.json()
    pieces = chunks(body, data)
    for part in body["parts"]:
        put(part["url"], pieces[part["number"]])
    return body


def complete(client, upload_id: str, **body) -> httpx.Response:
    return client.post(f"/attachments/{upload_id}/complete", json=body)


def mp4(size: int) -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + os.urandom(size - 24)


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr({"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind], "<x/>")
    return out.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_photo_is_verified_stripped_of_exif_and_completed_twice_is_one_attachment(api, world, bucket):  # noqa: F811
    started = upload(api, world["meeting"], "现场.jpg", "image/jpeg", jpeg_with_gps((1600, 1200)))
    assert len(started["parts"]) == 1 and "X-Amz-Signature" in started["parts"][0]["url"]
    done = complete(api, started["upload_id"])
    assert done.status_code == 200, done.text
    photo = done.json()
    assert photo["kind"] == "image" and photo["width"] == 1600 and photo["thumbnail_url"] and photo["url"]
    again = complete(api, started["upload_id"])
    assert again.status_code == 200 and again.json()["id"] == photo["id"]
    listed = api.get(f"/meetings/{world['meeting']}/attachments").json()["items"]
    assert [item["id"] for item in listed].count(photo["id"]) == 1
    link = api.get(photo["url"].removeprefix("/api/v1"), follow_redirects=False)
    assert link.status_code == 302
    kept = httpx.get(link.headers["location"], timeout=30)
    assert kept.status_code == 200
    assert GPS_IFD not in Image.open(io.BytesIO(kept.content)).getexif()
    thumb = httpx.get(api.get(photo["thumbnail_url"].removeprefix("/api/v1"), follow_redirects=False)
                      .headers["location"], timeout=30)
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320
    assert bucket(f"uploads/{started['upload_id']}") == set()  # the source with its GPS is gone


def test_a_large_video_goes_in_parts_and_resumes_after_an_interruption(api, world):
    data = mp4(17 * MB + 123)
    started = begin(api, world["meeting"], "会议.mp4", "video/mp4", len(data))
    assert started.status_code == 201, started.text
    body = started.json()
    assert [p["number"] for p in body["parts"]] == [1, 2, 3] and body["part_size"] == 8 * MB
    pieces = chunks(body, data)
    etags = {n: put(body["parts"][n - 1]["url"], pieces[n]) for n in (1, 3)}  # part 2 lost: the phone went offline
    unfinished = assert_error(complete(api, body["upload_id"]), 400, "validation")
    assert "2/3" in unfinished["message"]
    resumed = api.post(f"/attachments/{body['upload_id']}/resume").json()
    assert sorted(p["number"] for p in resumed["parts_done"]) == [1, 3]
    assert [p["number"] for p in resumed["parts"]] == [2]
    etags[2] = put(resumed["parts"][0]["url"], pieces[2])
    parts = [{"number": n, "etag": etag or done["etag"]}
             for n, etag in sorted(etags.items()) for done in [next(
                 (p for p in resumed["parts_done"] if p["number"] == n), {"etag": ""})]]
    if all(p["etag"] for p in parts):
        done = complete(api, body["upload_id"], parts=parts)
    else:  # the store did not expose ETag to this client: the server lists the parts itself
        done = complete(api, body["upload_id"])
    assert done.status_code == 200, done.text
    video = done.json()
    assert video["kind"] == "video" and video["size"] == len(data) and "thumbnail_url" not in video
    link = api.get(video["url"].removeprefix("/api/v1"), follow_redirects=False).headers["location"]
    head = httpx.get(link, headers={"Range": "bytes=0-31"}, timeout=30)
    assert head.content == data[:32]


def test_content_decides_what_a_file_is(api, world):
    fake = upload(api, world["meeting"], "材料.pdf", "application/pdf", jpeg_with_gps((200, 100)))
    error = assert_error(complete(api, fake["upload_id"]), 422, "refused")
    assert "不符" in error["message"]
    assert_error(complete(api, fake["upload_id"]), 409, "conflict")  # refused once, for good
    wrong_office = upload(api, world["meeting"], "表格.docx", DOCX, office("xlsx"))
    assert_error(complete(api, wrong_office["upload_id"]), 422, "refused")
    unknown = upload(api, world["meeting"], "说明.pdf", "application/pdf", b"just some text, not a PDF")
    assert_error(complete(api, unknown["upload_id"]), 422, "refused")
    docx = complete(api, upload(api, world["meeting"], "纪要.docx", DOCX, office("docx"))["upload_id"])
    assert docx.status_code == 200 and docx.json()["kind"] == "document", docx.text
    pdf = complete(api, upload(api, world["meeting"], "通知.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")["upload_id"])
    assert pdf.status_code == 200 and pdf.json()["content_type"] == "application/pdf", pdf.text


def test_declared_refusals_write_nothing(api, world):
    too_big = assert_error(begin(api, world["meeting"], "长.mp4", "video/mp4", 501 * MB), 400, "validation")
    assert "500MB" in too_big["fields"]["size"]
    kind = assert_error(begin(api, world["meeting"], "a.exe", "application/x-msdownload", 10), 400, "validation")
    assert "content_type" in kind["fields"]
    assert_error(begin(api, world["meeting"], "", "image/jpeg", 10), 400, "validation")
    assert_error(begin(api, 999999999, "a.jpg", "image/jpeg", 10), 404, "not_found")


def test_signed_links_only_in_scope_and_only_for_their_key(system, api, world):
    mine = complete(api, upload(api, world["meeting"], "a.pdf", "application/pdf", b"%PDF-1.7\n")["upload_id"]).json()
    outsider = staff_client(system, api, world["elsewhere"], "attach")
    try:
        assert_error(begin(outsider, world["meeting"], "b.pdf", "application/pdf", 9), 403, "forbidden")
        assert_error(outsider.get(f"/meetings/{world['meeting']}/attachments"), 403, "forbidden")
        assert_error(outsider.get(mine["url"].removeprefix("/api/v1"), follow_redirects=False), 403, "forbidden")
    finally:
        outsider.close()
    link = api.get(mine["url"].removeprefix("/api/v1"), follow_redirects=False).headers["location"]
    assert httpx.get(link, timeout=30).status_code == 200
    other_key = link.replace(link.split("?")[0].rsplit("/", 1)[1], "00000000-0000-0000-0000-000000000000", 1)
    assert httpx.get(other_key, timeout=30).status_code == 403  # the signature covers the key
    assert httpx.get(link.split("?")[0], timeout=30).status_code == 403  # no anonymous reads


def test_an_abandoned_upload_in_parts_is_aborted(api, db, world, sweep):  # noqa: F811
    data = mp4(17 * MB)
    body = begin(api, world["meeting"], "中断.mp4", "video/mp4", len(data)).json()
    put(body["parts"][0]["url"], data[:8 * MB])
    key, multipart_id = db.execute("SELECT object_key, multipart_id FROM media.uploads WHERE id = %s",
                                   (body["upload_id"],)).fetchone()
    store = Storage()
    assert [p["number"] for p in store.list_parts(key, multipart_id)] == [1]
    sweep(timedelta(minutes=121))
    assert db.execute("SELECT status FROM media.uploads WHERE id = %s", (body["upload_id"],)).fetchone()[0] == "expired"
    assert store.list_parts(key, multipart_id) == []  # the parts are gone
    assert_error(complete(api, body["upload_id"]), 409, "conflict")
    assert db.execute("SELECT count(*) FROM media.attachments WHERE upload_id = %s",
                      (body["upload_id"],)).fetchone()[0] == 0


def poster_begin(client, attachment_id: str, size: int, content_type: str = "image/jpeg") -> httpx.Response:
    return client.post("/media/uploads", json={"owner_kind": "video_poster", "owner_id": attachment_id,
                                               "content_type": content_type, "size": size})


def poster(client, attachment_id: str, data: bytes) -> httpx.Response:
    """What attachments.js does after a video's upload: the frame it drew, by the photos' path."""
    started = poster_begin(client, attachment_id, len(data))
    assert started.status_code == 201, started.text
    post_to_storage(started.json(), data)
    return client.post(f"/media/uploads/{started.json()['upload_id']}/complete")


def test_a_video_gets_one_poster_frame_as_its_thumbnail(system, api, world, bucket):  # noqa: F811
    video = complete(api, upload(api, world["meeting"], "录像.mp4", "video/mp4", mp4(60_000))["upload_id"]).json()
    assert video["kind"] == "video" and "thumbnail_url" not in video
    kept = poster(api, video["id"], jpeg_with_gps((1920, 1080)))
    assert kept.status_code == 200, kept.text
    assert (kept.json()["attachment_id"], kept.json()["owner_kind"]) == (video["id"], "video_poster")
    listed = {item["id"]: item for item in api.get(f"/meetings/{world['meeting']}/attachments").json()["items"]}
    assert listed[video["id"]]["kind"] == "video" and listed[video["id"]]["thumbnail_url"]
    link = api.get(listed[video["id"]]["thumbnail_url"].removeprefix("/api/v1"), follow_redirects=False)
    thumb = Image.open(io.BytesIO(httpx.get(link.headers["location"], timeout=30).content))
    assert thumb.format == "JPEG" and max(thumb.size) <= 320 and GPS_IFD not in thumb.getexif()
    # The video itself is untouched, and the larger re-encoded frame is not kept.
    file_link = api.get(video["url"].removeprefix("/api/v1"), follow_redirects=False).headers["location"]
    assert httpx.get(file_link, headers={"Range": "bytes=0-7"}, timeout=30).content == mp4(60_000)[:8]
    assert len(bucket(f"photos/{video['id']}/")) == 1
    # One poster per video: a second is refused before anything is uploaded.
    assert_error(poster_begin(api, video["id"], 1000), 409, "conflict")


def test_a_poster_must_be_an_image_of_a_video_in_scope(system, api, world):
    video = complete(api, upload(api, world["meeting"], "录像2.mp4", "video/mp4", mp4(30_000))["upload_id"]).json()
    document = complete(api, upload(api, world["meeting"], "c.pdf", "application/pdf", b"%PDF-1.7\n")["upload_id"])
    assert "owner_id" in assert_error(poster_begin(api, document.json()["id"], 1000), 400, "validation")["fields"]
    assert "size" in assert_error(poster_begin(api, video["id"], 3 * MB), 400, "validation")["fields"]
    assert "content_type" in assert_error(poster_begin(api, video["id"], 100, "video/mp4"), 400, "validation")["fields"]
    assert_error(poster_begin(api, "00000000-0000-0000-0000-000000000000", 1000), 404, "not_found")
    refused = poster(api, video["id"], b"not an image at all")
    assert_error(refused, 400, "validation")
    assert "thumbnail_url" not in {item["id"]: item for item in api.get(
        f"/meetings/{world['meeting']}/attachments").json()["items"]}[video["id"]]
    outsider = staff_client(system, api, world["elsewhere"], "poster")
    try:
        assert_error(poster_begin(outsider, video["id"], 1000), 403, "forbidden")
    finally:
        outsider.close()
    assert poster(api, video["id"], jpeg_with_gps((640, 360))).status_code == 200  # a real frame still may
