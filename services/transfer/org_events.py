"""Org events in the transfer service: the organization directory follows them (transfers keep
organization ids only, so a move needs no rewrite here)."""
from sqlalchemy.orm import sessionmaker

from services.shared.org_directory import apply_event

from .models import inbox, org_directory


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        return apply_event(session, org_directory, inbox, event)
