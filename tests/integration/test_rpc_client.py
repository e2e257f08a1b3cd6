"""The gateway's RPC client against real nameko services: replies, typed errors, unknown
services failing fast, timeouts, and context data reaching the service."""
import time

import pytest

from gateway.rpc import RemoteError, RpcTimeout, ServiceUnavailable
from services.shared.context import Caller


def test_reply_and_typed_remote_error(rpc):
    assert rpc.call("org", "health")["ok"] is True
    with pytest.raises(RemoteError) as raised:
        rpc.call("org", "get_org", org_id=987654321)
    assert raised.value.exc_type == "NotFound"
    assert raised.value.exc_args[0] == "党组织不存在"


def test_unknown_service_fails_fast_instead_of_timing_out(rpc):
    started = time.perf_counter()
    with pytest.raises(ServiceUnavailable):
        rpc.call("no_such_service", "anything")
    assert time.perf_counter() - started < 2, "an unroutable call must not wait for the timeout"


def test_a_services_queue_is_asked_for_on_the_first_call_only(rpc):
    """Requests go unconfirmed; what `mandatory` did is one passive declare per service, not per call."""
    connection, opened = rpc.client.connection, []
    open_channel = connection.channel

    def counted_channel(*args, **kwargs):
        opened.append(1)
        return open_channel(*args, **kwargs)

    rpc.client._routable.discard("org")  # as in a gateway that has not called it yet
    connection.channel = counted_channel
    try:
        for _ in range(3):
            assert rpc.call("org", "health")["ok"] is True
    finally:
        del connection.channel
    assert len(opened) == 1


def test_unknown_method_is_a_remote_method_not_found(rpc):
    with pytest.raises(RemoteError) as raised:
        rpc.call("org", "no_such_method")
    assert raised.value.exc_type == "MethodNotFound"


def test_slow_call_times_out(rpc, sleeper):
    context = Caller.system("timeout").as_context_data()
    with pytest.raises(RpcTimeout):
        rpc.run(rpc.client.call("pg_sleeper", "sleep", context, timeout=0.3, seconds=1.5))


def test_scope_in_context_is_enforced_by_the_service(rpc, root_id):
    """A caller whose scope is a subtree that does not contain the root is refused by the
    org service itself, whatever the gateway did."""
    with pytest.raises(RemoteError) as raised:
        rpc.call("org", "get_org", caller=Caller("intruder", f"/{root_id}/999999/"), org_id=root_id)
    assert raised.value.exc_type == "Forbidden"


def test_call_without_scope_is_refused(rpc, root_id):
    with pytest.raises(RemoteError) as raised:
        rpc.run(rpc.client.call("org", "get_org", {"user_id": "x"}, org_id=root_id))
    assert raised.value.exc_type == "Forbidden"
