"""Org events in the media service: the organization directory follows them, and a move
rewrites the organization path uploads and photos keep for scope checks."""
from sqlalchemy.orm import sessionmaker

from services.shared.org_directory import apply_event, on_move, rewrite_paths

from .models import attachments, inbox, org_directory, photos, uploads


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        if not apply_event(session, org_directory, inbox, event):
            return False
        if moved := on_move(event):
            rewrite_paths(session, uploads, "org_path", *moved)
            rewrite_paths(session, photos, "org_path", *moved)
            rewrite_paths(session, attachments, "org_path", *moved)
        return True
