"""Org events in the transfer service: the organization directory follows them (transfers keep
organization ids only, so a move needs no rewrite here). An `org_moved` that carries `transfer`
is also the answer of a 整建制转移's saga: the transfer is 已接收 in the same transaction."""
from sqlalchemy.orm import sessionmaker

from services.shared.errors import NotFound
from services.shared.org_directory import apply_event

from . import store
from .commands import moved
from .models import inbox, org_directory


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        if not apply_event(session, org_directory, inbox, event):
            return False
        transfer = (event.get("payload") or {}).get("transfer")
        if event["type"] == "org_moved" and transfer:
            try:
                row = store.load_transfer(session, transfer["id"], lock=True)
            except NotFound:
                return True
            moved(session, row, event, transfer.get("effective_on"))
        return True
