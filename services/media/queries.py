"""Media read paths: a member's current photo and short-lived download links."""

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed
from services.shared.ids import uuid_or_not_found

from .models import photos
from .storage import Storage

VARIANTS = {"photo": "key", "thumb": "thumb_key"}


def member_photo(sessions: sessionmaker, caller: Caller, member_id) -> dict | None:
    try:
        member_id = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("党员不存在") from None
    with sessions() as session:
        row = session.execute(select(photos).where(photos.c.member_id == member_id, photos.c.current)).first()
    if row is None:
        return None
    caller.require(row.org_path, "该党员")
    return {"photo_id": str(row.id), "width": row.width, "height": row.height}


def download_url(sessions: sessionmaker, store: Storage, caller: Caller, photo_id, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValidationFailed("未知的图片规格", {"variant": "应为 photo 或 thumb"})
    photo_id = uuid_or_not_found(photo_id, "照片不存在")
    with sessions() as session:
        row = session.execute(select(photos).where(photos.c.id == photo_id)).first()
    if row is None:
        raise NotFound("照片不存在")
    caller.require(row.org_path, "该照片")
    return store.download_url(getattr(row, VARIANTS[variant]))
