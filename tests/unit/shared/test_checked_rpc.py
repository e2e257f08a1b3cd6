"""Every PMIS RPC reply is published without a publisher confirm (services/shared/checked_rpc.py says
why); the request path's replies, the errors raised before a worker exists included, go through the
one consumer that does so."""
from nameko.rpc import RpcConsumer

from services.shared.checked_rpc import CheckedRpc, RepliesUnconfirmed, UnconfirmedResponder


def test_every_entrypoint_replies_through_the_unconfirmed_consumer():
    assert isinstance(CheckedRpc.rpc_consumer, RepliesUnconfirmed)
    assert RepliesUnconfirmed.handle_result is not RpcConsumer.handle_result


def test_the_reply_publisher_does_not_wait_for_confirms():
    publisher = UnconfirmedResponder.publisher_cls("amqp://unused/")
    assert publisher.use_confirms is False
