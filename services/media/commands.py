"""Media use cases: issue a presigned upload, then verify and keep what arrived."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.ids import uuid_or_not_found
from services.shared.messaging.outbox import record_event

from .domain.images import ALLOWED_CONTENT_TYPES, MAX_BYTES, ImageRejected, process_photo
from .events import MEMBER_PHOTO_ATTACHED
from .models import outbox, photos, uploads
from .storage import Storage


def _declared(content_type, size) -> None:
    fields = {}
    if content_type not in ALLOWED_CONTENT_TYPES:
        fields["content_type"] = "仅支持JPG、PNG、GIF、BMP格式的图片"
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        fields["size"] = "文件大小应为正整数（字节）"
    elif size > MAX_BYTES:
        fields["size"] = "图片不能超过5MB"
    if fields:
        raise ValidationFailed("；".join(fields.values()), fields)


def begin_upload(sessions: sessionmaker, store: Storage, caller: Caller, member_lookup, member_id,
                 content_type, size) -> dict:
    """`member_lookup` asks the member service, which refuses members outside the caller's scope."""
    _declared(content_type, size)
    member = member_lookup(member_id)
    caller.require(member["org_path"], "该党员")
    upload_id = uuid.uuid4()
    key = f"uploads/{upload_id}"
    request = store.presigned_upload(key, MAX_BYTES)
    with sessions.begin() as session:
        session.execute(uploads.insert().values(id=upload_id, member_id=member["id"], org_path=member["org_path"],
                                                object_key=key))
    return {"upload_id": str(upload_id), "max_bytes": MAX_BYTES, **request}


def _load_upload(session, caller: Caller, upload_id):
    upload_id = uuid_or_not_found(upload_id, "上传记录不存在")
    row = session.execute(select(uploads).where(uploads.c.id == upload_id).with_for_update()).first()
    if row is None:
        raise NotFound("上传记录不存在")
    caller.require(row.org_path, "该党员")
    return row


def _reject(sessions: sessionmaker, store: Storage, upload, message: str):
    store.remove(upload.object_key)
    with sessions.begin() as session:
        session.execute(update(uploads).where(uploads.c.id == upload.id).values(
            status="rejected", reason=message, completed_at=datetime.now(timezone.utc)))
    return ValidationFailed(message, {"file": message})


def complete_upload(sessions: sessionmaker, store: Storage, caller: Caller, upload_id) -> dict:
    with sessions() as session:
        upload = _load_upload(session, caller, upload_id)
    if upload.status != "pending":
        raise Conflict("该上传已处理，请重新上传")
    size = store.size(upload.object_key)
    if size is None:
        raise ValidationFailed("尚未收到上传的文件，请重新上传", {"file": "未收到文件"})
    if size > MAX_BYTES:
        raise _reject(sessions, store, upload, "图片不能超过5MB")
    try:
        photo = process_photo(store.read(upload.object_key, MAX_BYTES))
    except ImageRejected as exc:
        raise _reject(sessions, store, upload, exc.message) from None
    photo_id = uuid.uuid4()
    key = f"photos/{upload.member_id}/{photo_id}.jpg"
    thumb_key = f"photos/{upload.member_id}/{photo_id}-thumb.jpg"
    store.write(key, photo.jpeg, "image/jpeg")
    store.write(thumb_key, photo.thumbnail, "image/jpeg")
    with sessions.begin() as session:
        upload = _load_upload(session, caller, upload.id)  # re-lock: a parallel complete loses here
        if upload.status != "pending":
            raise Conflict("该上传已处理，请重新上传")
        session.execute(update(photos).where(photos.c.member_id == upload.member_id, photos.c.current)
                        .values(current=False))
        session.execute(photos.insert().values(
            id=photo_id, member_id=upload.member_id, org_path=upload.org_path, key=key, thumb_key=thumb_key,
            width=photo.width, height=photo.height, size=len(photo.jpeg)))
        session.execute(update(uploads).where(uploads.c.id == upload.id).values(
            status="verified", completed_at=datetime.now(timezone.utc)))
        record_event(session, outbox, MEMBER_PHOTO_ATTACHED, upload.member_id, 1,
                     {"member_id": upload.member_id, "photo_id": str(photo_id)}, caller)
    store.remove(upload.object_key)
    return {"photo_id": str(photo_id), "member_id": upload.member_id, "width": photo.width, "height": photo.height}
