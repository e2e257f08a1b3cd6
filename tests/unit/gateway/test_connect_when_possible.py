"""The gateway's start-up connection (gateway/app.py): it tries again until the broker answers, and a
failure after the RPC connection is up (the session listener's channel) reuses that connection
instead of opening a second one that would stay open until the gateway stops."""
import asyncio
from types import SimpleNamespace

from aiormq.exceptions import AMQPConnectionError, ChannelInvalidStateError

from gateway.app import connect_when_possible
from tests.support.helpers import run_coroutine


class Rpc:
    def __init__(self, failures: int):
        self.failures, self.connects, self.connection = failures, 0, None

    async def connect(self):
        self.connects += 1
        if self.failures:
            self.failures -= 1
            raise AMQPConnectionError(111, "refused")
        self.connection = object()


class Sessions:
    def __init__(self, failures: int):
        self.failures, self.listened_on = failures, []

    async def listen(self, connection):
        if self.failures:
            self.failures -= 1
            raise ChannelInvalidStateError("closed")
        self.listened_on.append(connection)


def connected(rpc: Rpc, sessions: Sessions) -> None:
    app = SimpleNamespace(state=SimpleNamespace(rpc=rpc, sessions=sessions))
    # In a thread of its own: a browser test's Playwright keeps an event loop running in this one.
    run_coroutine(asyncio.wait_for(connect_when_possible(app, retry_seconds=0), 5))


def test_it_tries_again_until_the_broker_answers():
    rpc, sessions = Rpc(failures=3), Sessions(failures=0)
    connected(rpc, sessions)
    assert rpc.connects == 4 and sessions.listened_on == [rpc.connection]


def test_a_listener_that_fails_after_the_connection_reuses_it():
    rpc, sessions = Rpc(failures=0), Sessions(failures=2)
    connected(rpc, sessions)
    assert rpc.connects == 1 and sessions.listened_on == [rpc.connection]
