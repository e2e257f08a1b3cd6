"""Media use cases: issue a presigned upload for an owner, then verify and keep what arrived.

`complete` is a small state machine on the upload row (domain/owners.py): the first call claims
the upload (pending → verifying) in its own short transaction, so a parallel call gets a conflict
instead of processing the file again; the keys it will write are recorded first, so an object
whose final commit fails is found and deleted by the sweeper (sweeper.py).
"""
import logging
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, PmisError, Unavailable, ValidationFailed
from services.shared.ids import uuid_or_not_found
from services.shared.messaging.outbox import record_event

from .domain.files import VIDEO
from .domain.images import ImageRejected, Photo, process_photo
from .domain.owners import (
    KINDS,
    MEETING_ATTACHMENT,
    MEMBER_PHOTO,
    PENDING,
    POSTER_TAKEN,
    REJECTED,
    VERIFIED,
    VERIFYING,
    VIDEO_POSTER,
    OwnerKind,
    claim_refusal,
)
from .events import MEMBER_PHOTO_ATTACHED
from .models import attachments, outbox, pending_objects, photos, uploads
from .storage import Storage
from .store import SWEEP_GRACE, load_upload

log = logging.getLogger("pmis.media")

UPLOAD_MINUTES = 15  # the presigned request's lifetime; `complete` is refused after it


def _now() -> datetime:
    return datetime.now(timezone.utc)


def owner_kind(name) -> OwnerKind:
    kind = KINDS.get(name)
    if kind is None:
        raise ValidationFailed("不支持的上传类型", {"owner_kind": "应为 " + "、".join(KINDS)})
    return kind


def begin_upload(sessions: sessionmaker, store: Storage, caller: Caller, owner_lookups: dict, kind_name,
                 owner_id, content_type, size) -> dict:
    """`owner_lookups[kind](owner_id)` asks the service that owns the owner for its `org_path`
    (the member service for a member photo, the attachment itself for a video's poster frame; it
    refuses owners outside the caller's scope)."""
    kind = owner_kind(kind_name)
    if not isinstance(kind, OwnerKind):  # files in parts have their own use case (attachments.py)
        raise ValidationFailed("该类型的上传请使用其附件接口",
                               {"owner_kind": f"应为 {MEMBER_PHOTO} 或 {VIDEO_POSTER}"})
    fields = kind.declared_errors(content_type, size)
    if fields:
        raise ValidationFailed("；".join(fields.values()), fields)
    if owner_id is None or owner_id == "":
        raise ValidationFailed("缺少上传对象", {"owner_id": "必填"})
    owner = owner_lookups[kind.name](owner_id)
    caller.require(owner["org_path"], kind.owner_noun)
    upload_id = uuid.uuid4()
    key = f"uploads/{upload_id}"
    expires_at = _now() + timedelta(minutes=UPLOAD_MINUTES)
    request = store.presigned_upload(key, kind.limits.max_bytes, UPLOAD_MINUTES)
    with sessions.begin() as session:
        session.execute(uploads.insert().values(
            id=upload_id, owner_kind=kind.name, owner_id=str(owner["id"]), org_path=owner["org_path"],
            member_id=owner["id"] if kind.name == MEMBER_PHOTO else None, object_key=key, expires_at=expires_at))
        # The browser writes the source object itself: swept once the upload can no longer finish.
        session.execute(pending_objects.insert().values(key=key, upload_id=upload_id,
                                                        due_at=expires_at + SWEEP_GRACE))
    return {"upload_id": str(upload_id), "max_bytes": kind.limits.max_bytes, **request}


def _photo_keys(upload, claim: uuid.UUID) -> tuple[str, str]:
    return f"photos/{upload.owner_id}/{claim}.jpg", f"photos/{upload.owner_id}/{claim}-thumb.jpg"


def _claim(sessions: sessionmaker, caller: Caller, upload_id, keys=_photo_keys) -> tuple:
    """pending → verifying, with the keys this claim will write (`keys(upload, claim)`) recorded
    (committed) first."""
    claim = uuid.uuid4()
    now = _now()
    with sessions.begin() as session:
        upload = load_upload(session, caller, upload_id, lock=True)  # a parallel complete waits here
        refusal = claim_refusal(upload.status, upload.expires_at, now)
        if refusal:
            raise Conflict(refusal)
        session.execute(update(uploads).where(uploads.c.id == upload.id).values(
            status=VERIFYING, claim=claim, verifying_since=now))
        session.execute(pending_objects.insert().values(
            [{"key": key, "upload_id": upload.id, "due_at": now + SWEEP_GRACE} for key in keys(upload, claim)]))
    return upload, claim


def _finish(session, upload, claim, **values) -> None:
    """verifying → `status`, only if this call still holds the claim (the sweeper may have
    given a dead claim back)."""
    done = session.execute(update(uploads).where(uploads.c.id == upload.id, uploads.c.status == VERIFYING,
                                                 uploads.c.claim == claim)
                           .values(completed_at=_now(), **values))
    if done.rowcount != 1:
        raise Conflict("该上传已处理，请重新上传")


def _release(sessions: sessionmaker, upload, claim) -> None:
    """verifying → pending after a failure that is not the file's fault, so it can be retried."""
    try:
        with sessions.begin() as session:
            session.execute(update(uploads).where(uploads.c.id == upload.id, uploads.c.claim == claim)
                            .values(status=PENDING, claim=None, verifying_since=None))
    except SQLAlchemyError:
        log.exception("upload %s: could not give the claim back; the sweeper will", upload.id)


def _remove_quietly(store: Storage, *keys: str) -> None:
    """Best effort: every key removed here is also recorded for the sweeper."""
    for key in keys:
        try:
            store.remove(key)
        except Exception:
            log.warning("could not remove %s now; the sweeper will", key, exc_info=True)


# Whose log a refused upload goes on: the member of a photo, the 组织生活 record of an
# attachment, the attachment of a video poster.
REFUSED_ON = {MEMBER_PHOTO: ("member", "member_id"), MEETING_ATTACHMENT: ("meeting", "owner_id"),
              VIDEO_POSTER: ("attachment", "owner_id")}


def _reject(sessions: sessionmaker, store: Storage, caller: Caller, upload, claim, message: str,
            error=ValidationFailed) -> PmisError:
    """The upload finished as refused, with the reason in the 操作日志 (上传被拒绝)."""
    entity, id_field = REFUSED_ON[upload.owner_kind]
    with sessions.begin() as session:
        _finish(session, upload, claim, status=REJECTED, reason=message)
        audit.record(session, outbox, caller, org_path=upload.org_path, entity=entity,
                     entity_id=getattr(upload, id_field), action="上传被拒绝",
                     lines=[{"field": "文件", "before": None, "after": upload.filename or upload.content_type},
                            {"field": "拒绝原因", "before": None, "after": message}])
    _remove_quietly(store, upload.object_key)
    return error(message, {"file": message})


def _keep_member_photo(session, caller: Caller, upload, claim, photo: Photo) -> dict:
    key, thumb_key = _photo_keys(upload, claim)
    _lock_owner(session, upload)  # two uploads of one member: the second replaces the first, no clash
    session.execute(update(photos).where(photos.c.member_id == upload.member_id, photos.c.current)
                    .values(current=False))
    session.execute(photos.insert().values(
        id=claim, member_id=upload.member_id, org_path=upload.org_path, key=key, thumb_key=thumb_key,
        width=photo.width, height=photo.height, size=len(photo.jpeg)))
    record_event(session, outbox, MEMBER_PHOTO_ATTACHED, upload.member_id, 1,
                 {"member_id": upload.member_id, "photo_id": str(claim)}, caller)
    audit.record(session, outbox, caller, org_path=upload.org_path, entity="member", entity_id=upload.member_id,
                 action="上传照片", lines=[{"field": "照片", "before": None,
                                            "after": f"{photo.width}×{photo.height}像素，{len(photo.jpeg) // 1024}KB"}])
    return {"photo_id": str(claim), "member_id": upload.member_id}


def _keep_video_poster(session, caller: Caller, upload, claim, photo: Photo) -> dict:
    """The poster's thumbnail becomes the video attachment's thumbnail (once: a second poster is
    refused, so nothing is replaced); the larger re-encoded frame is not needed."""
    key, thumb_key = _photo_keys(upload, claim)
    done = session.execute(update(attachments).where(
        attachments.c.id == uuid.UUID(upload.owner_id), attachments.c.category == VIDEO,
        attachments.c.thumb_key.is_(None)).values(thumb_key=thumb_key))
    if done.rowcount != 1:
        raise Conflict(POSTER_TAKEN)
    audit.record(session, outbox, caller, org_path=upload.org_path, entity="attachment", entity_id=upload.owner_id,
                 action="上传视频封面", lines=[{"field": "封面", "before": None,
                                              "after": f"{photo.width}×{photo.height}像素"}])
    return {"attachment_id": upload.owner_id, UNUSED: [key]}


KEEPERS = {MEMBER_PHOTO: _keep_member_photo, VIDEO_POSTER: _keep_video_poster}
UNUSED = "unused"  # a keeper's keys written but not kept (removed after the commit)

OWNER_LOCK_CLASS = 7402  # the two-key advisory locks (a key space apart from stats' one-key locks)


def _lock_owner(session, upload) -> None:
    session.execute(select(func.pg_advisory_xact_lock(
        OWNER_LOCK_CLASS, func.hashtext(f"{upload.owner_kind}:{upload.owner_id}"))))


def complete_upload(sessions: sessionmaker, store: Storage, caller: Caller, upload_id) -> dict:
    upload_id = uuid_or_not_found(upload_id, "上传记录不存在")
    with sessions() as session:
        upload = load_upload(session, caller, upload_id)
    refusal = claim_refusal(upload.status, upload.expires_at, _now())
    if refusal:
        raise Conflict(refusal)
    kind = KINDS[upload.owner_kind]
    size = store.size(upload.object_key)
    if size is None:  # checked before claiming: the file may still come
        raise ValidationFailed("尚未收到上传的文件，请重新上传", {"file": "未收到文件"})
    upload, claim = _claim(sessions, caller, upload_id)
    try:
        photo = _verified(sessions, store, caller, upload, claim, kind, size)
        key, thumb_key = _photo_keys(upload, claim)
        store.write(key, photo.jpeg, "image/jpeg")
        store.write(thumb_key, photo.thumbnail, "image/jpeg")
    except ValidationFailed:
        raise
    except Exception:
        _release(sessions, upload, claim)
        raise
    try:
        with sessions.begin() as session:
            _finish(session, upload, claim, status=VERIFIED)
            kept = KEEPERS[kind.name](session, caller, upload, claim, photo)
            unused = kept.pop(UNUSED, [])
            session.execute(delete(pending_objects).where(pending_objects.c.key.in_(
                [key for key in _photo_keys(upload, claim) if key not in unused])))
    except Conflict:  # the claim was given back meanwhile (a stalled worker): keep nothing
        _remove_quietly(store, *_photo_keys(upload, claim))
        raise
    except SQLAlchemyError:
        # The objects stay recorded in pending_objects: the sweeper deletes them once due.
        log.exception("upload %s: keeping the photo failed", upload.id)
        _release(sessions, upload, claim)
        raise Unavailable("保存失败，请稍后重试") from None
    _remove_quietly(store, upload.object_key, *unused)  # their pending_objects rows sweep them otherwise
    return {**kept, "owner_kind": kind.name, "owner_id": upload.owner_id,
            "width": photo.width, "height": photo.height}


def _verified(sessions: sessionmaker, store: Storage, caller: Caller, upload, claim, kind: OwnerKind,
              size: int) -> Photo:
    """The file's content decides (not what was declared); a refusal finishes the upload.
    The read is bounded too: the browser may post again under the same key until expiry."""
    too_big = f"{kind.label}不能超过{kind.limits.max_bytes // (1024 * 1024)}MB"
    if size > kind.limits.max_bytes:
        raise _reject(sessions, store, caller, upload, claim, too_big)
    try:
        return process_photo(store.read(upload.object_key, kind.limits.max_bytes), kind.limits)
    except ImageRejected as exc:
        raise _reject(sessions, store, caller, upload, claim, exc.message) from None

