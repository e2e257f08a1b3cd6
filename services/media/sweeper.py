"""The sweeper: deletes objects whose keeping was never committed, and closes dead uploads.

Every key is recorded in `pending_objects` (and committed) before it is written; the commit that
keeps it deletes the row. So a row past its `due_at` names an object whose commit failed, whose
worker died, or whose upload was abandoned. Runs on a timer in the media service; every step is
idempotent, so two sweepers at once do no harm (rows are taken with SKIP LOCKED).
"""
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import sessionmaker

from .domain.owners import EXPIRED, PENDING, VERIFYING
from .models import attachments, pending_objects, photos, uploads
from .storage import Storage

log = logging.getLogger("pmis.media")

BATCH = 200


def sweep(sessions: sessionmaker, store: Storage, grace: timedelta, now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    with sessions.begin() as session:
        # A claim older than the grace belongs to a worker that died: give the upload back.
        reclaimed = session.execute(update(uploads).where(
            uploads.c.status == VERIFYING, uploads.c.verifying_since < now - grace)
            .values(status=PENDING, claim=None, verifying_since=None)).rowcount
        expired_rows = session.execute(
            update(uploads).where(uploads.c.status == PENDING, uploads.c.expires_at <= now)
            .values(status=EXPIRED, completed_at=now).returning(uploads.c.object_key, uploads.c.multipart_id)).all()
    expired = len(expired_rows)
    for row in expired_rows:  # an abandoned upload in parts: the parts the store holds go too
        if row.multipart_id:
            try:
                store.abort_multipart(row.object_key, row.multipart_id)
            except Exception:
                log.warning("could not abort the multipart upload of %s", row.object_key, exc_info=True)
    removed = 0
    while True:
        with sessions.begin() as session:
            due = session.execute(
                select(pending_objects.c.key).where(pending_objects.c.due_at <= now)
                .order_by(pending_objects.c.due_at).limit(BATCH).with_for_update(skip_locked=True)).scalars().all()
            if not due:
                break
            kept = set()
            for table in (photos, attachments):
                kept |= {key for row in session.execute(select(table.c.key, table.c.thumb_key).where(
                    or_(table.c.key.in_(due), table.c.thumb_key.in_(due)))) for key in row}
            for key in due:
                if key not in kept:  # never delete what a photo or an attachment refers to
                    store.remove(key)  # S3 answers a missing key with success: a retry is harmless
                    removed += 1
            session.execute(delete(pending_objects).where(pending_objects.c.key.in_(due)))
    if reclaimed or expired or removed:
        log.info("sweep: %s claims given back, %s uploads expired, %s objects removed", reclaimed, expired, removed)
    return {"reclaimed": reclaimed, "expired": expired, "removed": removed}

