"""An asyncio client of nameko's RPC wire protocol over aio-pika.

One connection per gateway process (opened in the lifespan). Requests go to exchange
`nameko-rpc` with routing key `service.method`; nameko replies to the same exchange with
routing key = our `reply_to`, so the reply queue is bound there (the amq.rabbitmq.reply-to
shortcut does not work with nameko). Context data travels as `nameko.*` headers.

Requests are published without publisher confirms: the reply is the call's receipt, end to end (the
service's replies are unconfirmed too, services/shared/checked_rpc.py), and waiting for the broker's
as well cost a frame each way per request (+9 % throughput without, docs/BENCHMARKS.md). A call to a
service with no queue still fails at once instead of timing out: the first call to each service asks
the broker whether its queue (`rpc-<service>`, durable: declared by the service's first start) exists,
and the answer "yes" is kept for the process's life.

While the broker is unreachable a call fails at once with ServiceUnavailable (503: try again),
and so do the calls waiting for a reply when the connection drops — the reply cannot come back on
a reply queue that went with the connection; whether the service did the work is what the caller
learns by reading again (every write carries a version). The robust connection reconnects alone.
"""
import asyncio
import base64
import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal

import aio_pika
from aio_pika.exceptions import ChannelNotFoundEntity
from opentelemetry.trace import SpanKind

from services.shared.observability import tracing
from services.shared.unavailable import BROKER_ERRORS

EXCHANGE = "nameko-rpc"
SERVICE_QUEUE = "rpc-{}"  # nameko's RPC_QUEUE_TEMPLATE


class RpcError(Exception):
    """A call failed before any service answered."""


class RpcTimeout(RpcError):
    pass


class ServiceUnavailable(RpcError):
    pass


class RemoteError(Exception):
    """The service raised: `exc_type` names the class, `exc_args` its (message, fields)."""

    def __init__(self, error: dict):
        self.exc_type = error.get("exc_type") or "Exception"
        self.exc_args = error.get("exc_args") or []
        self.value = error.get("value") or ""
        super().__init__(f"{self.exc_type}: {self.value}")


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "uuid": lambda v: uuid.UUID(**v) if isinstance(v, dict) else uuid.UUID(v),
    "bytes": lambda v: v.encode("utf-8"),
    "base64": lambda v: base64.b64decode(v),
}


class EncodedJson(bytes):
    """An argument already encoded as JSON (a sheet reader's 100,000 rows), sent as it is:
    decoding and encoding it again would hold the event loop for a second."""


def request_body(kwargs: dict) -> bytes:
    items = [json.dumps(key).encode() + b": " + (value if isinstance(value, EncodedJson) else
                                                json.dumps(value, ensure_ascii=False, default=str).encode())
             for key, value in kwargs.items()]
    return b'{"args": [], "kwargs": {' + b", ".join(items) + b"}}"


def decode_kombu_types(obj: dict):
    """kombu's JSON encodes datetime/Decimal/UUID/bytes as {"__type__": …, "__value__": …}
    (UUID's value is {"hex": …}; bytes are "bytes" when UTF-8, else "base64")."""
    if "__type__" in obj and "__value__" in obj and obj["__type__"] in _DECODERS:
        return _DECODERS[obj["__type__"]](obj["__value__"])
    return obj


class RpcClient:
    def __init__(self, amqp_uri: str, timeout: float = 10.0):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self._pending: dict[str, asyncio.Future] = {}
        self._routable: set[str] = set()  # services whose queue the broker has
        self.connection = None

    async def connect(self) -> None:
        """Raises when the broker does not answer; `connected` stays False until all of it is set up."""
        connection = await aio_pika.connect_robust(self.amqp_uri)
        try:
            channel = await connection.channel(publisher_confirms=False)
            self.exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
            self.reply_to = str(uuid.uuid4())
            queue = await channel.declare_queue(f"rpc.reply-gateway-{self.reply_to}", exclusive=True,
                                                auto_delete=True)
            await queue.bind(self.exchange, routing_key=self.reply_to)
            await queue.consume(self._on_reply, no_ack=True)
        except BaseException:
            await connection.close()
            raise
        connection.close_callbacks.add(self._on_connection_lost)
        self.connection = connection

    def _on_connection_lost(self, connection, exc=None) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ServiceUnavailable("消息队列连接中断"))

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()

    @property
    def connected(self) -> bool:
        return self.connection is not None and not self.connection.is_closed

    async def _on_reply(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        future = self._pending.pop(message.correlation_id or "", None)
        if future is not None and not future.done():
            future.set_result(json.loads(message.body, object_hook=decode_kombu_types))

    async def call(self, service: str, method: str, context: dict | None = None, timeout: float | None = None,
                   **kwargs):
        if not tracing.enabled():
            return await self._call(service, method, context or {}, timeout, kwargs)
        with tracing.tracer().start_as_current_span(f"{service}.{method}", kind=SpanKind.CLIENT,
                                                    attributes={"rpc.system": "nameko", "rpc.service": service,
                                                                "rpc.method": method}):
            # The call's span is the parent of the service's: its traceparent goes with the context data.
            return await self._call(service, method, {**(context or {}), **tracing.inject({})}, timeout, kwargs)

    async def _call(self, service: str, method: str, context: dict, timeout: float | None, kwargs: dict):
        if self.connection is None:  # not connected yet (the broker was down when the gateway started)
            raise ServiceUnavailable("未连接消息队列")
        timeout = timeout or self.timeout
        correlation_id = str(uuid.uuid4())
        future = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        headers = {f"nameko.{key}": value for key, value in context.items() if value is not None}
        message = aio_pika.Message(
            body=request_body(kwargs),
            content_type="application/json", content_encoding="utf-8",
            correlation_id=correlation_id, reply_to=self.reply_to, headers=headers,
        )
        try:
            try:
                await self._check_routable(service)
                await self.exchange.publish(message, routing_key=f"{service}.{method}", timeout=timeout)
            except (*BROKER_ERRORS, ConnectionError, asyncio.TimeoutError) as exc:
                # the broker is unreachable, or did not take the request in time
                raise ServiceUnavailable(f"消息队列不可用：{exc!r}") from None
            try:
                reply = await asyncio.wait_for(future, timeout)
            except asyncio.TimeoutError:
                raise RpcTimeout(f"{service}.{method} 超时") from None
        finally:
            self._pending.pop(correlation_id, None)
        if reply.get("error"):
            raise RemoteError(reply["error"])
        return reply.get("result")

    async def _check_routable(self, service: str) -> None:
        """ServiceUnavailable unless the broker has the service's queue (asked once per service)."""
        if service in self._routable:
            return
        try:
            async with self.connection.channel() as channel:  # a missing queue closes the channel it was asked on
                await channel.declare_queue(SERVICE_QUEUE.format(service), passive=True)
        except ChannelNotFoundEntity:
            raise ServiceUnavailable(f"{service} 服务不可用") from None
        except RuntimeError as exc:  # aiormq's "<Connection …> closed": the robust connection is reconnecting
            raise ServiceUnavailable(f"消息队列连接中断：{exc}") from None
        self._routable.add(service)
