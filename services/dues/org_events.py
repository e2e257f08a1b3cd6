"""Org events in the dues service: the organization directory follows them; a move rewrites the
paths of the members and counted rows under the moved organization and carries their sums from
the old ancestors to the new (under the counting lock held exclusively, so no count is placed
under a path being rewritten)."""
from sqlalchemy.orm import sessionmaker

from services.shared.org_directory import apply_event, on_move, rewrite_paths

from .models import counted, inbox, members, org_directory
from .store import counting_lock, rehome


def project(sessions: sessionmaker, event: dict) -> bool:
    moved = on_move(event)
    with sessions.begin() as session:
        counting_lock(session, exclusive=moved is not None)
        if not apply_event(session, org_directory, inbox, event):
            return False
        if moved:
            rehome(session, *moved)
            rewrite_paths(session, members, "org_path", *moved)
            rewrite_paths(session, counted, "org_path", *moved)
        return True
