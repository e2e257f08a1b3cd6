"""The media service's interior, shared by its use cases (commands), its read paths (queries)
and the sweeper: loading an upload or a photo with the caller's scope checked, and how long a
written key may wait for its commit."""
from datetime import timedelta

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from services.shared.context import Caller
from services.shared.errors import NotFound

from .domain.owners import KINDS
from .models import attachments, photos, uploads

SWEEP_GRACE = timedelta(minutes=10)  # how long a key may wait for its commit before it is swept


def load_upload(session: Session, caller: Caller, upload_id, lock: bool = False):
    query = select(uploads).where(uploads.c.id == upload_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("上传记录不存在")
    caller.require(row.org_path, KINDS[row.owner_kind].owner_noun)
    return row


def current_photo(session: Session, caller: Caller, member_id: int):
    """The member's current photo (None if there is none)."""
    row = session.execute(select(photos).where(photos.c.member_id == member_id, photos.c.current)).first()
    if row is not None:
        caller.require(row.org_path, "该党员")
    return row


def load_photo(session: Session, caller: Caller, photo_id):
    row = session.execute(select(photos).where(photos.c.id == photo_id)).first()
    if row is None:
        raise NotFound("照片不存在")
    caller.require(row.org_path, "该照片")
    return row


def load_attachment(session: Session, caller: Caller, attachment_id):
    row = session.execute(select(attachments).where(attachments.c.id == attachment_id)).first()
    if row is None:
        raise NotFound("附件不存在")
    caller.require(row.org_path, "该附件")
    return row


def attachment_view(row) -> dict:
    return {"id": str(row.id), "meeting_id": row.meeting_id, "kind": row.category, "filename": row.filename,
            "content_type": row.content_type, "size": row.size, "width": row.width, "height": row.height,
            "has_thumbnail": row.thumb_key is not None, "created_at": row.created_at.isoformat()}


def kept_object_keys():
    """Every object key a photo or an attachment refers to: the objects the media service keeps
    (never deleted; ops.backup copies exactly these from its database snapshot)."""
    return union(*(select(column.label("key")).where(column.is_not(None))
                   for table in (photos, attachments) for column in (table.c.key, table.c.thumb_key)))
