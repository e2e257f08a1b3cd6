"""Uploads as a state machine, through the gateway and the real database and object storage:
parallel completes of one upload give one photo and no orphaned object; an object written
before a failed commit, an abandoned upload and a dead worker's claim are cleaned up by the
sweeper; the general (owner_kind, owner_id) form of an upload."""
import threading
import uuid
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from minio import Minio
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from services.media import sweeper
from services.media.storage import Storage
from services.media.store import SWEEP_GRACE
from tests.support.factories import code, member_data
from tests.support.helpers import CJK, assert_error, plain_dsn
from tests.support.images import black_png

from .test_member_photo import bmp, jpeg_with_gps, photo_of, post_to_storage, upload


@pytest.fixture(scope="module")
def branch(api, root_id) -> int:
    created = api.post("/orgs", json={"name": "上传状态测试支部", "code": code(), "type": "31", "parent_id": root_id})
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture
def member(api, branch) -> int:
    created = api.post("/members", json=member_data(branch, name="上传状态党员"))
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture(scope="module")
def s3_env(system) -> dict:
    return {k: v for k, v in system.system.env.items() if k.startswith("PMIS_S3_")}


@pytest.fixture(scope="module")
def bucket(s3_env):
    client = Minio(s3_env["PMIS_S3_ENDPOINT"], access_key=s3_env.get("PMIS_S3_ACCESS_KEY", "pmis-local"),
                   secret_key=s3_env.get("PMIS_S3_SECRET_KEY", "pmis-local-secret"),
                   secure=s3_env.get("PMIS_S3_SECURE") == "1", region=s3_env.get("PMIS_S3_REGION", "us-east-1"))

    def keys(prefix: str) -> set[str]:
        return {o.object_name for o in client.list_objects(s3_env["PMIS_S3_BUCKET"], prefix=prefix, recursive=True)}

    return keys


@pytest.fixture
def sweep(system, s3_env, monkeypatch):
    """The media service's sweeper, run here on the session's database and bucket, `ahead` of now."""
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    engine = create_engine(system.env["PMIS_DATABASE_URL"])
    sessions = sessionmaker(engine, expire_on_commit=False)
    store = Storage()

    def run(ahead: timedelta) -> dict:
        return sweeper.sweep(sessions, store, SWEEP_GRACE, now=datetime.now(timezone.utc) + ahead)

    yield run
    engine.dispose()


@pytest.fixture
def db(system):
    with psycopg.connect(plain_dsn(system), autocommit=True) as conn:
        yield conn


def photos_in_db(db, member: int) -> int:
    return db.execute("SELECT count(*) FROM media.photos WHERE member_id = %s", (member,)).fetchone()[0]


def pending_keys(db, prefix: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT key FROM media.pending_objects WHERE key LIKE %s", (prefix + "%",))}


# --- parallel completes --------------------------------------------------------------------------

def test_parallel_completes_of_one_upload_give_one_photo_and_no_orphans(api, db, bucket, member):
    upload_id = upload(api, member, jpeg_with_gps((2400, 1800)), "image/jpeg")
    start = threading.Barrier(6)
    answers = []

    def complete():
        start.wait()
        answers.append(api.post(f"/media/uploads/{upload_id}/complete"))

    threads = [threading.Thread(target=complete) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 409, 409, 409, 409, 409], [a.text for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 200)
    for loser in (a for a in answers if a.status_code == 409):
        assert_error(loser, 409, "conflict")
    assert photo_of(api, member)["photo_id"] == winner["photo_id"]
    assert photos_in_db(db, member) == 1
    photo_id = winner["photo_id"]
    assert bucket(f"photos/{member}/") == {f"photos/{member}/{photo_id}.jpg", f"photos/{member}/{photo_id}-thumb.jpg"}
    assert bucket(f"uploads/{upload_id}") == set()  # the source is gone too
    assert pending_keys(db, f"photos/{member}/") == set()  # nothing left for the sweeper
    assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 409, "conflict")


# --- the sweeper ---------------------------------------------------------------------------------

@pytest.fixture
def failing_photo_commit(db, member):
    """A real database failure at the commit that keeps this member's photo (a trigger)."""
    db.execute(f"""
        CREATE FUNCTION media.test_refuse_photo_{member}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'test: commit refused'; END $$;
        CREATE TRIGGER test_refuse_photo_{member} BEFORE INSERT ON media.photos FOR EACH ROW
        WHEN (NEW.member_id = {member}) EXECUTE FUNCTION media.test_refuse_photo_{member}();
    """)
    yield
    db.execute(f"DROP TRIGGER IF EXISTS test_refuse_photo_{member} ON media.photos;"
               f"DROP FUNCTION IF EXISTS media.test_refuse_photo_{member}()")


def test_objects_of_a_failed_commit_are_swept_and_the_upload_can_be_retried(api, db, bucket, sweep, member,
                                                                              failing_photo_commit):
    upload_id = upload(api, member, bmp(), "image/bmp")
    failed = assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 503, "unavailable")
    assert "Traceback" not in str(failed)
    written = bucket(f"photos/{member}/")
    assert len(written) == 2  # photo and thumbnail reached storage before the commit failed
    assert pending_keys(db, f"photos/{member}/") == written  # …recorded before they were written
    assert photo_of(api, member) is None and photos_in_db(db, member) == 0

    sweep(timedelta(0))
    assert bucket(f"photos/{member}/") == written  # not due yet: a commit may still be on its way
    assert sweep(SWEEP_GRACE + timedelta(minutes=1))["removed"] >= 2
    assert bucket(f"photos/{member}/") == set()
    assert pending_keys(db, f"photos/{member}/") == set()

    # The failure gave the upload back: once the database accepts, the same upload finishes.
    db.execute(f"DROP TRIGGER test_refuse_photo_{member} ON media.photos")
    done = api.post(f"/media/uploads/{upload_id}/complete")
    assert done.status_code == 200, done.text
    assert bucket(f"photos/{member}/") == {f"photos/{member}/{done.json()['photo_id']}.jpg",
                                          f"photos/{member}/{done.json()['photo_id']}-thumb.jpg"}


def test_an_abandoned_upload_expires_and_its_object_is_swept(api, db, bucket, sweep, member):
    upload_id = upload(api, member, bmp(), "image/bmp")
    assert bucket(f"uploads/{upload_id}") == {f"uploads/{upload_id}"}
    sweep(timedelta(minutes=16))  # past the presigned request's 15 minutes: expired, not yet swept
    status = db.execute("SELECT status FROM media.uploads WHERE id = %s", (upload_id,)).fetchone()[0]
    assert status == "expired"
    error = assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 409, "conflict")
    assert "过期" in error["message"]
    sweep(timedelta(minutes=15) + SWEEP_GRACE + timedelta(minutes=1))
    assert bucket(f"uploads/{upload_id}") == set()


def test_a_dead_workers_claim_is_given_back(api, db, sweep, member):
    """A `complete` whose process died mid-way leaves the upload verifying; the sweeper gives it
    back after the grace, and the upload can be completed."""
    upload_id = upload(api, member, bmp(), "image/bmp")
    db.execute("UPDATE media.uploads SET status = 'verifying', claim = %s, verifying_since = now() WHERE id = %s",
               (uuid.uuid4(), upload_id))
    error = assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 409, "conflict")
    assert "正在校验" in error["message"]
    assert sweep(timedelta(0))["reclaimed"] == 0
    assert sweep(SWEEP_GRACE + timedelta(minutes=1))["reclaimed"] >= 1
    assert api.post(f"/media/uploads/{upload_id}/complete").status_code == 200


def test_the_sweeper_never_removes_a_kept_photo(api, db, bucket, sweep, member):
    kept = api.post(f"/media/uploads/{upload(api, member, bmp(), 'image/bmp')}/complete").json()["photo_id"]
    key = f"photos/{member}/{kept}.jpg"
    db.execute("INSERT INTO media.pending_objects (key, upload_id, due_at) VALUES (%s, %s, now())",
               (key, uuid.uuid4()))
    sweep(timedelta(minutes=1))
    assert key in bucket(f"photos/{member}/")
    assert pending_keys(db, key) == set()


# --- owners --------------------------------------------------------------------------------------

def test_the_general_owner_form_uploads_a_member_photo(api, member):
    started = api.post("/media/uploads", json={"owner_kind": "member_photo", "owner_id": member,
                                               "content_type": "image/bmp", "size": len(bmp())})
    assert started.status_code == 201, started.text
    post_to_storage(started.json(), bmp(), content_type="image/bmp")
    done = api.post(f"/media/uploads/{started.json()['upload_id']}/complete")
    assert done.status_code == 200, done.text
    assert done.json()["owner_kind"] == "member_photo" and done.json()["owner_id"] == str(member)
    assert done.json()["member_id"] == member
    assert photo_of(api, member)["photo_id"] == done.json()["photo_id"]


@pytest.mark.parametrize("body, field", [
    ({"owner_kind": "meeting_attachment", "owner_id": 1}, "owner_kind"),
    ({"owner_kind": "member_photo"}, "owner_id"),
    ({"owner_kind": 7, "owner_id": 1}, "owner_kind"),
], ids=["unknown-kind", "no-owner", "kind-not-text"])
def test_an_unknown_owner_kind_or_a_missing_owner_is_refused(api, body, field):
    error = assert_error(api.post("/media/uploads", json={**body, "content_type": "image/png", "size": 100}),
                         400, "validation")
    assert field in error["fields"] and CJK.search(error["fields"][field])


# --- a decompression bomb, end to end -------------------------------------------------------------

def test_a_png_declaring_8900_square_pixels_is_refused_and_leaves_nothing(api, bucket, member):
    upload_id = upload(api, member, black_png(8900, 8900), "image/png")
    error = assert_error(api.post(f"/media/uploads/{upload_id}/complete"), 400, "validation")
    assert error["fields"]["file"] == "图片像素过大（最大 1600 万像素）"
    assert photo_of(api, member) is None
    assert bucket(f"photos/{member}/") == set() and bucket(f"uploads/{upload_id}") == set()


def test_two_uploads_of_one_member_completed_at_once_leave_one_current_photo(api, db, member):
    uploads = [upload(api, member, bmp(), "image/bmp") for _ in range(3)]
    start = threading.Barrier(len(uploads))
    answers = []

    def complete(upload_id):
        start.wait()
        answers.append(api.post(f"/media/uploads/{upload_id}/complete"))

    threads = [threading.Thread(target=complete, args=(u,)) for u in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    assert photos_in_db(db, member) == 3
    current = db.execute("SELECT id::text FROM media.photos WHERE member_id = %s AND current", (member,)).fetchall()
    assert len(current) == 1 and photo_of(api, member)["photo_id"] == current[0][0]
