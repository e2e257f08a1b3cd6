"""Org events in the transfer service: the organization directory follows them (transfers keep
organization ids; the paths kept on steps, outflows and inflows for the lists follow a move
here), and so do the organizations' contacts (联系人, 联系电话 of the org card) that the route
shows beside each step. An `org_moved` that carries `transfer` is also the answer of a
整建制转移's saga: the transfer is 已接收 in the same transaction."""
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared.errors import NotFound
from services.shared.org_directory import apply_event, rewrite_paths

from . import store
from .commands import moved
from .models import inbox, inflows, org_contacts, org_directory, outflows, steps

# Rows placed by an organization's path: they follow a move of the subtree.
PLACED = ((steps, "path"), (outflows, "home_path"), (outflows, "to_path"), (inflows, "org_path"))

CONTACT_KEYS = ("contact_person", "contact_phone")


def project(sessions: sessionmaker, event: dict) -> bool:
    with sessions.begin() as session:
        before = session.execute(select(org_directory.c.path).where(org_directory.c.id == event["payload"]["id"])
                                 .with_for_update()).scalar()
        if not apply_event(session, org_directory, inbox, event):
            return False
        after = session.execute(select(org_directory.c.path)
                                .where(org_directory.c.id == event["payload"]["id"])).scalar()
        if before and after and before != after:
            # The rows of the moved subtree follow it (written with paths read under FOR SHARE).
            for table, column in PLACED:
                rewrite_paths(session, table, column, before, after)
        remember_contact(session, event)
        transfer = (event.get("payload") or {}).get("transfer")
        if event["type"] == "org_moved" and transfer:
            try:
                row = store.load_transfer(session, transfer["id"], lock=True)
            except NotFound:
                return True
            moved(session, row, event, transfer.get("effective_on"))
        return True


def remember_contact(session: Session, event: dict) -> None:
    """The newest contact of the organization (an event older than the row changes nothing; an
    event from before contacts travelled in org events carries none and changes nothing)."""
    remember(session, event["payload"], int(event["aggregate_version"]))


def remember(session: Session, state: dict, version: int) -> bool:
    """An organization's contact from its state at `version`; True when it was written."""
    if not any(key in state for key in CONTACT_KEYS):
        return False
    values = {key: state.get(key) or None for key in CONTACT_KEYS}
    values["version"] = version
    statement = insert(org_contacts).values(org_id=state["id"], **values)
    return session.execute(statement.on_conflict_do_update(
        index_elements=[org_contacts.c.org_id], set_=values,
        where=org_contacts.c.version < statement.excluded.version).returning(org_contacts.c.org_id)).first() is not None


def backfill_contacts(sessions: sessionmaker, root_path: str, states_page) -> dict:
    """The contacts of organizations whose last event predates contacts in org events (they showed
    未登记 until their next card edit): every organization's state read from the org service
    (`states_page(path, after_path)`, the page stats' rebuild reads), newer-version-wins as for
    events, so running it twice, or beside events, changes nothing more. Returns the counts."""
    read = written = 0
    after = ""
    while after is not None:
        page = states_page(root_path, after)
        with sessions.begin() as session:
            for item in page["items"]:
                written += remember(session, item["state"], int(item["version"]))
        read += len(page["items"])
        after = page["next_after_path"]
    return {"organizations": read, "written": written}
