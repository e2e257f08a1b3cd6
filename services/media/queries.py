"""Media read paths: a member's current photo and short-lived download links."""

from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed
from services.shared.ids import uuid_or_not_found

from .storage import Storage
from .store import current_photo, load_photo

VARIANTS = {"photo": "key", "thumb": "thumb_key"}


def member_photo(sessions: sessionmaker, caller: Caller, member_id) -> dict | None:
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("党员不存在") from None
    with sessions() as session:
        row = current_photo(session, caller, member_id)
    if row is None:
        return None
    return {"photo_id": str(row.id), "width": row.width, "height": row.height}


def download_url(sessions: sessionmaker, store: Storage, caller: Caller, photo_id, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValidationFailed("未知的图片规格", {"variant": "应为 photo 或 thumb"})
    photo_id = uuid_or_not_found(photo_id, "照片不存在")
    with sessions() as session:
        row = load_photo(session, caller, photo_id)
    return store.download_url(getattr(row, VARIANTS[variant]))
