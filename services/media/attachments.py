"""组织生活 attachments: photos, videos and documents of a meeting, uploaded by the browser straight
to object storage (one presigned PUT, or S3 multipart with a presigned PUT per part that a phone
can retry, and resume after an interruption), then verified here by content.

The upload row is the same state machine as a member photo's (commands.py): `complete` claims it
(pending → verifying), records the keys it will write before writing them, and keeps the
attachment in one transaction; a repeated `complete` of a kept upload answers the same attachment.
A photo is re-encoded (EXIF and GPS gone) with a thumbnail and its source removed; a video or a
document stays where the browser put it once its content matched its declared type. An upload
never completed expires: the sweeper aborts its multipart upload and deletes what arrived.
"""
import logging
import uuid
from datetime import timedelta

from minio.error import S3Error
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, Refused, Unavailable, ValidationFailed
from services.shared.field_rules import text
from services.shared.ids import uuid_or_not_found

from . import commands
from .domain import files
from .domain.images import ImageRejected, process_photo
from .domain.owners import KINDS, MEETING_ATTACHMENT, VERIFIED, claim_refusal
from .models import attachments, outbox, pending_objects, uploads
from .storage import Storage
from .store import SWEEP_GRACE, attachment_view, load_upload

log = logging.getLogger("pmis.media")

ATTACHMENT_MINUTES = 120  # a 500 MB video over a phone's connection: parts may be retried until then
FILENAME_MAX = 200


def _filename(value) -> str:
    try:
        return text(value, FILENAME_MAX).replace("/", "_").replace("\\", "_")
    except ValueError as exc:
        raise ValidationFailed(f"文件名{exc}", {"filename": str(exc)}) from None


def _part_urls(store: Storage, upload, numbers) -> list[dict]:
    if upload.multipart_id is None:
        return [{"number": 1, "url": store.presigned_put(upload.object_key, ATTACHMENT_MINUTES)}]
    return [{"number": n, "url": store.presigned_part(upload.object_key, upload.multipart_id, n, ATTACHMENT_MINUTES)}
            for n in numbers]


def begin_attachment(sessions: sessionmaker, store: Storage, caller: Caller, meeting_path, meeting_id, filename,
                     content_type, size) -> dict:
    """`meeting_path(meeting_id)`: the path of the meeting's organization (projection or org RPC)."""
    kind = KINDS[MEETING_ATTACHMENT]
    fields = kind.declared_errors(content_type, size)
    try:
        name = _filename(filename)
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed("；".join(fields.values()), fields)
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        raise NotFound("组织生活记录不存在") from None
    org_path = meeting_path(meeting_id)
    caller.require(org_path, kind.owner_noun)
    upload_id = uuid.uuid4()
    key = f"uploads/{upload_id}"
    parts = files.part_count(size)
    multipart_id = store.start_multipart(key, content_type) if parts > 1 else None
    expires_at = commands._now() + timedelta(minutes=ATTACHMENT_MINUTES)
    with sessions.begin() as session:
        row = session.execute(uploads.insert().values(
            id=upload_id, owner_kind=kind.name, owner_id=str(meeting_id), org_path=org_path, object_key=key,
            expires_at=expires_at, filename=name, content_type=content_type, declared_size=size,
            multipart_id=multipart_id, parts=parts).returning(uploads)).one()
        session.execute(pending_objects.insert().values(key=key, upload_id=upload_id, due_at=expires_at + SWEEP_GRACE))
    return {"upload_id": str(upload_id), "method": "PUT", "part_size": files.PART_SIZE if parts > 1 else size,
            "expires_at": expires_at.isoformat(), "parts": _part_urls(store, row, range(1, parts + 1))}


def _open_upload(sessions: sessionmaker, caller: Caller, upload_id):
    upload_id = uuid_or_not_found(upload_id, "上传记录不存在")
    with sessions() as session:
        upload = load_upload(session, caller, upload_id)
    if upload.owner_kind != MEETING_ATTACHMENT:
        raise NotFound("上传记录不存在")
    return upload


def resume_attachment(sessions: sessionmaker, store: Storage, caller: Caller, upload_id) -> dict:
    """After an interruption: the parts the store already holds, and fresh links for the others."""
    upload = _open_upload(sessions, caller, upload_id)
    refusal = claim_refusal(upload.status, upload.expires_at, commands._now())
    if refusal:
        raise Conflict(refusal)
    if upload.multipart_id is None:
        return {"upload_id": str(upload.id), "parts_done": [], "parts": _part_urls(store, upload, [1])}
    done = store.list_parts(upload.object_key, upload.multipart_id)
    missing = sorted(set(range(1, upload.parts + 1)) - {p["number"] for p in done})
    return {"upload_id": str(upload.id), "parts_done": done, "parts": _part_urls(store, upload, missing)}


def _parts(raw) -> list[dict] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise ValidationFailed("分片列表有误", {"parts": "应为 {number, etag} 的数组"})
    out = []
    for part in raw:
        number, etag = part.get("number"), part.get("etag")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= files.MAX_PARTS \
                or not isinstance(etag, str) or not etag.strip():
            raise ValidationFailed("分片列表有误", {"parts": "每个分片应有编号（正整数）和 etag"})
        out.append({"number": number, "etag": etag.strip()})
    return out


def _assemble(store: Storage, upload, parts: list[dict] | None) -> None:
    """Join the parts (those the browser names, else those the store holds). Completed already (a
    parallel or repeated call): the object is there, nothing to do."""
    held = parts if parts is not None else store.list_parts(upload.object_key, upload.multipart_id)
    if parts is None and len(held) < upload.parts:
        if store.size(upload.object_key) is not None:
            return
        raise ValidationFailed(f"尚有分片未上传（已收到{len(held)}/{upload.parts}），请继续上传",
                               {"parts": "分片不完整"})
    try:
        store.complete_multipart(upload.object_key, upload.multipart_id, held)
    except S3Error as exc:
        if exc.code == "NoSuchUpload" and store.size(upload.object_key) is not None:
            return
        raise ValidationFailed("分片不完整或有误，请继续上传后再完成", {"parts": exc.code or "分片有误"}) from None


def _image_keys(upload, claim: uuid.UUID) -> tuple[str, str]:
    return f"attachments/{upload.owner_id}/{claim}.jpg", f"attachments/{upload.owner_id}/{claim}-thumb.jpg"


def _existing(sessions: sessionmaker, upload) -> dict | None:
    with sessions() as session:
        row = session.execute(select(attachments).where(attachments.c.upload_id == upload.id)).first()
    return attachment_view(row) if row else None


def complete_attachment(sessions: sessionmaker, store: Storage, caller: Caller, upload_id, parts=None) -> dict:
    upload = _open_upload(sessions, caller, upload_id)
    if upload.status == VERIFIED and (kept := _existing(sessions, upload)):
        return kept  # completed twice (a lost answer, a retry): the one attachment
    refusal = claim_refusal(upload.status, upload.expires_at, commands._now())
    if refusal:
        raise Conflict(refusal)
    parts = _parts(parts)
    if upload.multipart_id is not None:
        _assemble(store, upload, parts)
    size = store.size(upload.object_key)
    if size is None:
        raise ValidationFailed("尚未收到上传的文件，请重新上传", {"file": "未收到文件"})
    upload, claim = commands._claim(sessions, caller, upload.id, keys=_image_keys)
    try:
        kept = _verified(sessions, store, caller, upload, claim, size)
    except (Refused, ValidationFailed):
        raise
    except Exception:
        commands._release(sessions, upload, claim)
        raise
    written = [key for key in (kept.get("key"), kept.get("thumb_key")) if key and key != upload.object_key]
    try:
        with sessions.begin() as session:
            commands._finish(session, upload, claim, status=VERIFIED)
            session.execute(attachments.insert().values(
                id=claim, upload_id=upload.id, meeting_id=int(upload.owner_id), org_path=upload.org_path,
                filename=upload.filename, created_by=caller.user_id, **kept))
            done = [*_image_keys(upload, claim)] + ([] if written else [upload.object_key])
            session.execute(delete(pending_objects).where(pending_objects.c.key.in_(done)))
            row = session.execute(select(attachments).where(attachments.c.id == claim)).one()
            audit.record(session, outbox, caller, org_path=upload.org_path, entity="attachment", entity_id=row.id,
                         action="上传附件", lines=[
                             {"field": "组织生活记录", "before": None, "after": upload.owner_id},
                             {"field": "文件名", "before": None, "after": row.filename},
                             {"field": "类别", "before": None, "after": files.CATEGORY_NAMES.get(row.category)},
                             {"field": "大小", "before": None, "after": f"{row.size // 1024}KB"}])
    except Conflict:
        commands._remove_quietly(store, *written)
        raise
    except SQLAlchemyError:
        log.exception("upload %s: keeping the attachment failed", upload.id)
        commands._release(sessions, upload, claim)
        raise Unavailable("保存失败，请稍后重试") from None
    if written:  # a photo: the source is replaced by its re-encoded copy
        commands._remove_quietly(store, upload.object_key)
    return attachment_view(row)


def _verified(sessions: sessionmaker, store: Storage, caller: Caller, upload, claim, size: int) -> dict:
    """The file's content decides; a refusal (422) finishes the upload and removes what arrived."""
    expected = files.declared(upload.content_type)

    def reject(message: str):
        return commands._reject(sessions, store, caller, upload, claim, message, error=Refused)

    found = files.sniff(store.read_range(upload.object_key, 0, min(size, files.HEAD_BYTES)))
    if found == "ZIP":
        try:
            found = files.ooxml_format(store.zip_names(upload.object_key, size))
        except Exception:  # not a readable zip
            found = None
    why = files.mismatch(expected, found)
    if why:
        raise reject(why)
    category = files.category_of(found)
    if size > files.LIMITS[category]:
        raise reject(files.too_big(category))
    if category != files.IMAGE:
        return {"category": category, "content_type": files.stored_type(expected, found), "size": size,
                "key": upload.object_key}
    try:
        photo = process_photo(store.read(upload.object_key, files.LIMITS[files.IMAGE]),
                              files.ATTACHMENT_IMAGE_LIMITS)
    except ImageRejected as exc:
        raise reject(exc.message) from None
    key, thumb_key = _image_keys(upload, claim)
    store.write(key, photo.jpeg, "image/jpeg")
    store.write(thumb_key, photo.thumbnail, "image/jpeg")
    return {"category": category, "content_type": "image/jpeg", "size": len(photo.jpeg), "key": key,
            "thumb_key": thumb_key, "width": photo.width, "height": photo.height}
