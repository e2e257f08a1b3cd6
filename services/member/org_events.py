"""Org events in the member service: the organization directory follows them, and a move
rewrites the copy of the path each member (and applicant) row keeps for scope checks and subtree lists."""
from sqlalchemy.orm import sessionmaker

from services.shared.org_directory import apply_event, on_move, rewrite_paths

from .models import applicants, inbox, members, org_directory
from .org_holds import release_on_org_event


def project(sessions: sessionmaker, event: dict) -> bool:
    """Apply one org event (once: the inbox claim commits with the change)."""
    with sessions.begin() as session:
        if not apply_event(session, org_directory, inbox, event):
            return False
        release_on_org_event(session, event)
        if moved := on_move(event):
            rewrite_paths(session, members, "org_path", *moved)
            rewrite_paths(session, applicants, "org_path", *moved)
        return True
