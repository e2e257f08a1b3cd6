"""The gateway's RPC client while the broker is unreachable: a call fails at once as
ServiceUnavailable (503), and so does a call waiting for its reply when the connection drops —
never an aio-pika error the gateway would answer 500 to, nor a 15-second wait ending in 504."""
import asyncio
from types import SimpleNamespace

import pytest
from aiormq.exceptions import AMQPConnectionError, ChannelInvalidStateError

from gateway.errors import as_http_error
from gateway.rpc import RpcClient, ServiceUnavailable
from tests.support.helpers import run_coroutine  # a browser test's Playwright may run a loop in this thread


class Exchange:
    """aio-pika's exchange as a closed channel or a dead broker leaves it (outside our system)."""

    def __init__(self, error: Exception | None):
        self.error = error

    async def publish(self, message, routing_key, timeout):
        if self.error is not None:
            raise self.error


def client(error: Exception | None) -> RpcClient:
    """Connected, as far as the client knows."""
    rpc = RpcClient("amqp://unused/", timeout=30)
    rpc.connection, rpc.exchange, rpc.reply_to = SimpleNamespace(is_closed=False), Exchange(error), "reply"
    rpc._routable.add("org")  # its queue was found by an earlier call
    return rpc


def test_a_call_before_the_first_connection_is_unavailable():
    rpc = RpcClient("amqp://unused/", timeout=30)  # the broker was down when the gateway started
    assert not rpc.connected
    with pytest.raises(ServiceUnavailable, match="未连接消息队列"):
        run_coroutine(rpc.call("org", "get_org", org_id=1))


@pytest.mark.parametrize("error", [ChannelInvalidStateError("closed"), AMQPConnectionError(111, "refused"),
                                   ConnectionResetError(), asyncio.TimeoutError()], ids=lambda e: type(e).__name__)
def test_a_call_while_the_broker_is_down_is_unavailable_at_once(error):
    rpc = client(error)
    with pytest.raises(ServiceUnavailable):
        run_coroutine(rpc.call("org", "get_org", org_id=1))
    assert rpc._pending == {}
    assert as_http_error(ServiceUnavailable("x")).status == 503


class ReconnectingConnection:
    """aio-pika's robust connection while the broker is down: not closed for good, but opening a
    channel on it raises aiormq's RuntimeError."""
    is_closed = False

    def channel(self):
        raise RuntimeError('<Connection: "amqp://unused/"> closed')


def test_the_first_call_to_a_service_while_the_broker_is_down_is_unavailable():
    rpc = client(None)
    rpc.connection = ReconnectingConnection()  # a gateway started while the broker was restarting
    with pytest.raises(ServiceUnavailable, match="消息队列连接中断"):
        run_coroutine(rpc.call("member", "create_member", name="x"))
    assert rpc._pending == {} and "member" not in rpc._routable


def test_a_call_waiting_for_its_reply_fails_when_the_connection_drops():
    rpc = client(None)

    async def scenario():
        waiting = asyncio.create_task(rpc.call("org", "get_org", org_id=1))
        for _ in range(100):
            if rpc._pending:
                break
            await asyncio.sleep(0)
        assert rpc._pending, "the call is not waiting for a reply"
        rpc._on_connection_lost(None, ConnectionResetError())
        started = asyncio.get_running_loop().time()
        with pytest.raises(ServiceUnavailable):
            await waiting
        return asyncio.get_running_loop().time() - started

    assert run_coroutine(scenario()) < 1  # not the call's 30 s timeout
    assert rpc._pending == {}
