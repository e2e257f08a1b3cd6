"""Sessions this gateway process keeps, so a request's session check costs no RPC (issue 18).

A session resolved by the org service is kept for PMIS_SESSION_KEEP_SECONDS (5) at most, and only
while this process hears the org service's notices (services/org/session_changes.py): every commit
that changes an account, a role, an organization or a login session sends one, and a notice makes
the process forget every session it keeps. So a logout, a password change, a disabled account or a
changed role takes effect at once; the keep time covers a notice lost between the org service's
commit and the broker. While the notices cannot be heard (the connection to RabbitMQ is down or
not yet back), nothing is kept: every request asks the org service, as before.

A resolution that was asked for before a notice arrived is not kept (`generation`): it may
predate the change the notice announced.
"""
import time
from collections import OrderedDict

import aio_pika

from services.shared.config import setting

EXCHANGE = "pmis.session-changes"
CAPACITY = 20_000  # sessions kept per process (least recently used forgotten first)


def keep_seconds() -> float:
    return max(0.0, float(setting("PMIS_SESSION_KEEP_SECONDS")))


class SessionCache:
    def __init__(self, keep: float | None = None, capacity: int = CAPACITY, clock=time.monotonic):
        self.keep = keep_seconds() if keep is None else keep
        self.capacity = capacity
        self.clock = clock
        self.kept: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self.generation = 0
        self.listening = False

    def get(self, token: str) -> dict | None:
        if not self.listening:
            return None
        found = self.kept.get(token)
        if found is None:
            return None
        until, view = found
        if self.clock() >= until:
            del self.kept[token]
            return None
        self.kept.move_to_end(token)
        return view

    def put(self, token: str, view: dict, generation: int) -> None:
        """Keep `view`, resolved by a call made at `generation`, unless a notice came since."""
        if not self.listening or not self.keep or generation != self.generation:
            return
        self.kept[token] = (self.clock() + self.keep, view)
        self.kept.move_to_end(token)
        while len(self.kept) > self.capacity:
            self.kept.popitem(last=False)

    def forget(self, token: str | None = None) -> None:
        """Forget one session (this process ended it), or every one (a notice)."""
        self.generation += 1
        if token is None:
            self.kept.clear()
        else:
            self.kept.pop(token, None)

    def _deaf(self) -> None:
        self.listening = False
        self.forget()

    async def listen(self, connection: aio_pika.abc.AbstractRobustConnection) -> None:
        """Hear the org service's notices on `connection` (its own channel and exclusive queue,
        restored with the connection after an outage; kept sessions wait for that)."""
        channel = await connection.channel()
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange)
        await queue.consume(self._on_notice, no_ack=True)
        connection.close_callbacks.add(lambda *_: self._deaf())
        connection.reconnect_callbacks.add(lambda *_: self._heard_again())
        self.listening = True

    def _heard_again(self) -> None:
        self.forget()
        self.listening = True

    async def _on_notice(self, message) -> None:
        self.forget()
