"""The RPC entrypoint every PMIS service uses: nameko's Rpc, with the module right the method needs
(services/shared/rights.py RPC_RIGHTS) checked before a worker is spawned, so no entrypoint can
forget it and a method missing from the map is refused.

A database that is down for a while (restarting, failing over) answers Unavailable — 503 at the
gateway, "try again" — not the driver's error, which the gateway would have to call a 500.

Checked where a request enters the services (from the gateway or a standalone client). A call one
PMIS service makes to another while doing an operation it already authorized (dues asking the
member service for names) runs under that operation's right; the callee still checks the scope.

Replies are published without a publisher confirm (RepliesUnconfirmed). A reply goes to its caller's
exclusive reply queue, which lives and dies with the caller's connection: what protects a call end to
end is the caller waiting for the reply (a timeout or a lost connection is a 503/504, "try again", and
every write carries a version), not the broker's receipt of the reply. The confirm bought nothing a
caller could use and cost the broker and the service a frame each way per call (the org service's CPU
per trivial read −14 %, docs/BENCHMARKS.md). Events keep their confirms (outbox → relay).
"""
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from .context import Caller
from .errors import Forbidden, Unavailable
from .rights import PUBLIC, SIGNED_IN, from_service, missing_right, needed
from .service_list import SERVICES
from .unavailable import MESSAGE as UNAVAILABLE_MESSAGE
from .unavailable import dependency_down


class UnconfirmedPublisher(Publisher):
    use_confirms = False


class UnconfirmedResponder(Responder):
    publisher_cls = UnconfirmedPublisher


class RepliesUnconfirmed(RpcConsumer):
    """nameko's RpcConsumer (one per service, shared by its entrypoints), replying without a confirm.
    Every reply goes through here: a method's result, and the errors raised before a worker exists
    (an unknown method, a missing right)."""

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = UnconfirmedResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class CheckedRpc(Rpc):
    rpc_consumer = RepliesUnconfirmed()

    def handle_message(self, body, message):
        # Raised here, the error goes back to the caller as the RPC's reply (RpcConsumer).
        self.check_right(self.unpack_message_headers(message))
        return super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None and dependency_down(exc_info[1]):
            exc_info = (Unavailable, Unavailable(UNAVAILABLE_MESSAGE), exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)

    def check_right(self, context_data: dict) -> None:
        service, method = self.container.service_name, self.method_name
        spec = needed(service, method)
        if spec is None:
            raise Forbidden(missing_right({}, service, method))
        if spec == PUBLIC or from_service(context_data.get("call_id_stack"), SERVICES):
            return
        caller = Caller.from_context_data(context_data)  # Forbidden without a scope
        if spec != SIGNED_IN and (problem := missing_right(caller.rights, service, method)):
            raise Forbidden(problem)


rpc = CheckedRpc.decorator
