"""组织生活 attachments' read paths: a meeting's attachments, and short-lived download links given
only to callers whose scope covers the attachment's organization."""
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import Conflict, NotFound, ValidationFailed
from services.shared.ids import uuid_or_not_found

from .domain.files import VIDEO
from .domain.owners import POSTER_TAKEN
from .models import attachments
from .storage import Storage
from .store import attachment_view, load_attachment

VARIANTS = {"file": "key", "thumb": "thumb_key"}


def meeting_attachments(sessions: sessionmaker, caller: Caller, meeting_path, meeting_id) -> dict:
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        raise NotFound("组织生活记录不存在") from None
    caller.require(meeting_path(meeting_id), "该组织生活记录")
    with sessions() as session:
        rows = session.execute(select(attachments).where(attachments.c.meeting_id == meeting_id)
                               .order_by(attachments.c.created_at, attachments.c.id)).all()
    return {"meeting_id": meeting_id, "items": [attachment_view(row) for row in rows]}


def attachment_url(sessions: sessionmaker, store: Storage, caller: Caller, attachment_id, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValidationFailed("未知的附件规格", {"variant": "应为 file 或 thumb"})
    attachment_id = uuid_or_not_found(attachment_id, "附件不存在")
    with sessions() as session:
        row = load_attachment(session, caller, attachment_id)
    key = getattr(row, VARIANTS[variant])
    if key is None:
        raise NotFound("该附件没有缩略图")
    return store.download_url(key)


def video_owner(sessions: sessionmaker, caller: Caller, attachment_id) -> dict:
    """What a poster frame's upload belongs to: a video attachment in scope that has no poster yet."""
    attachment_id = uuid_or_not_found(attachment_id, "附件不存在")
    with sessions() as session:
        row = load_attachment(session, caller, attachment_id)
    if row.category != VIDEO:
        raise ValidationFailed("只有视频附件可以上传封面", {"owner_id": "应为视频附件"})
    if row.thumb_key is not None:
        raise Conflict(POSTER_TAKEN)
    return {"id": str(row.id), "org_path": row.org_path}
