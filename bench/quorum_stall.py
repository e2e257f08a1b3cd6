"""Why the tests declare classic event queues (PMIS_EVENT_QUEUE_TYPE, messaging/queues.py):
`python -m bench.quorum_stall [FIRST [SECOND [QUEUES]]]` (default quorum quorum 160).

Two fresh vhosts on the local broker: QUEUES queues of type FIRST are declared in the first; then,
while QUEUES queues of type SECOND are declared in the second, a client connects to the first
vhost every 0.3 s for 40 s. Prints the slowest connection. Needs rabbitmqctl (vhosts).

Do not run it on a broker others use: on RabbitMQ 3.10.8 its first run (quorum quorum) left the
broker unable to add or delete any vhost for more than ten minutes, until `rabbitmqctl stop_app &&
rabbitmqctl start_app` (docs/BENCHMARKS.md).
"""
import subprocess
import sys
import threading
import time
import uuid

from kombu import Connection, Queue

from tests.support.environment import LOCAL_AMQP_HOST as HOST
from tests.support.environment import manage_vhost

from .harness import record


def _declare(vhost: str, kind: str, count: int) -> None:
    with Connection(f"amqp://{HOST}/{vhost}") as connection:
        channel = connection.channel()
        for number in range(count):
            Queue(f"q{number}", durable=True, queue_arguments={"x-queue-type": kind})(channel).declare()


def main(first: str = "quorum", second: str = "quorum", count: int = 160) -> None:
    probed, creating = (f"pmis-stall-{uuid.uuid4().hex[:6]}-{side}" for side in ("a", "b"))
    for name in (probed, creating):
        manage_vhost(name, "add")
    try:
        _declare(probed, first, count)
        declaring = threading.Thread(target=_declare, args=(creating, second, count))
        declaring.start()
        started, slowest = time.monotonic(), 0.0
        while time.monotonic() - started < 40:
            before = time.monotonic()
            with Connection(f"amqp://{HOST}/{probed}", connect_timeout=300) as connection:
                connection.connect()
            slowest = max(slowest, time.monotonic() - before)
            time.sleep(0.3)
        declaring.join()
    finally:
        for name in (probed, creating):
            manage_vhost(name, "delete")
    broker = subprocess.run(["rabbitmqctl", "version"], capture_output=True, text=True).stdout.strip()
    record("quorum_stall", {"method": f"{count} {first} queues in vhost A; {count} {second} queues declared in "
                                      "vhost B meanwhile; a connection to A every 0.3 s for 40 s",
                            "rabbitmq": broker, "slowest_connect_s": round(slowest, 2)})


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:2]), *([int(args[2])] if len(args) > 2 else []))
