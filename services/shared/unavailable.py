"""Is a failure the work's own fault, or a dependency that is down for a while?

PostgreSQL restarting, failing over or refusing connections is not a reason to answer 500, nor to
count an event's attempt toward its dead-letter queue: the request is answered 503 and the event
is retried until the database is back (issue 18's chaos suite). Everything else keeps its meaning.
A broker gone away shows as BROKER_ERRORS: the caller answers 503 or starts its loop again.
"""
import psycopg
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError
from sqlalchemy import exc as sa_exc

# psycopg's OperationalError: the connection failed or was cut (admin shutdown, crash recovery,
# "cannot connect now"), and also a transaction the server rolled back (serialization, deadlock),
# which succeeds when tried again. InterfaceError: a connection already closed on our side.
_DRIVER_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)
_POOL_ERRORS = (sa_exc.TimeoutError, sa_exc.DisconnectionError)

MESSAGE = "数据库暂不可用，请稍后重试"

# What aio-pika raises when RabbitMQ is unreachable or closed the channel (a publish on a closed
# channel is a ChannelInvalidStateError, a RuntimeError, not an AMQPError).
BROKER_ERRORS = (AMQPError, ChannelInvalidStateError)


def dependency_down(exc: BaseException | None) -> bool:
    """True for a database that cannot be reached right now (directly or wrapped by SQLAlchemy)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, _DRIVER_ERRORS + _POOL_ERRORS):
            return True
        if isinstance(exc, sa_exc.DBAPIError) and (exc.connection_invalidated or isinstance(exc.orig, _DRIVER_ERRORS)):
            return True
        exc = exc.__cause__
    return False
