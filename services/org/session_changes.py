"""What a gateway keeps of a session (gateway/session_cache.py) is decided here: once a transaction
that changed an account, a role, an organization or a login session commits, a notice goes to
every gateway, which forgets every session it keeps.

A notice, not an event through the outbox: nothing records or replays it, it must reach the
gateways at once (it is published, and confirmed by the broker, before the RPC that made the
change answers), and a lost one is covered by the gateway's short keep (PMIS_SESSION_KEEP_SECONDS).
A write that no live session can see (login bookkeeping, last_seen, sibling order) says so with
KEEPS_SESSIONS; every other UPDATE or DELETE of the watched tables sends the notice.
"""
import logging

from kombu import Connection, Exchange
from kombu.pools import producers
from sqlalchemy import Delete, Update, event

from services.shared.db import Database

from .models import accounts, login_sessions, orgs, roles
from .store import KEEPS_SESSIONS

log = logging.getLogger(__name__)
EXCHANGE = Exchange("pmis.session-changes", type="fanout", durable=True)
WATCHED = frozenset({accounts, roles, orgs, login_sessions})
CHANGED = "sessions_changed"


def changes_sessions(statement, options: dict) -> bool:
    """Whether a statement may change what a live session resolves to."""
    return (isinstance(statement, (Update, Delete)) and statement.table in WATCHED
            and not all(options.get(key) == value for key, value in KEEPS_SESSIONS.items()))


class SessionChangeNotices:
    """Publishes the notice on one connection per process, with publisher confirms."""

    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True})

    def publish(self) -> None:
        try:
            with producers[self.connection].acquire(block=True, timeout=5) as producer:
                producer.publish({"changed": True}, exchange=EXCHANGE, routing_key="", declare=[EXCHANGE],
                                 retry=True, retry_policy={"max_retries": 3, "interval_start": 0.1})
        except Exception:  # the gateways' keep time covers a notice lost here
            log.warning("会话变更通知发送失败：网关在保留时限后重新核验会话", exc_info=True)

    def close(self) -> None:
        self.connection.release()


class SessionWatchingDatabase(Database):
    """The org service's Database: its sessions announce committed changes of what sessions see."""

    def setup(self):
        super().setup()
        self.notices = SessionChangeNotices(self.container.config["AMQP_URI"])
        event.listen(self.sessions, "do_orm_execute", self._mark)
        event.listen(self.sessions, "after_commit", self._announce)
        event.listen(self.sessions, "after_rollback", lambda session: session.info.pop(CHANGED, None))

    @staticmethod
    def _mark(state) -> None:
        if changes_sessions(state.statement, state.execution_options):
            state.session.info[CHANGED] = True

    def _announce(self, session) -> None:
        if session.info.pop(CHANGED, False):
            self.notices.publish()

    def stop(self):
        self.notices.close()
        super().stop()

    def kill(self):
        self.notices.close()
        super().kill()
