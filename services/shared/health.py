"""The health RPC every service answers: the database is reachable, and how many outbox
events are waiting for the relay (a growing number means the relay is down)."""
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker


def health_report(service: str, sessions: sessionmaker) -> dict:
    with sessions() as session:
        pending = session.execute(text(f"SELECT count(*) FROM {service}.outbox WHERE sent_at IS NULL")).scalar_one()
    return {"ok": True, "service": service, "outbox_pending": pending}
