"""Make psycopg 3 cooperate with eventlet.

psycopg's default C wait function blocks every green thread (measured: 10 concurrent
pg_sleep(0.5) took 5.1 s). `wait_select` yields to the hub (0.52 s) but costs ~1.2 ms per
RPC through eventlet's green select; `wait_green` waits on the hub directly with
`trampoline`, which is what eventlet's own sockets do. It is chosen only in processes that
eventlet has monkey-patched (the nameko services); scripts keep psycopg's default. Every module
that touches the database imports this first, before psycopg.
"""
import os
import select
from time import monotonic

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import psycopg.waiting  # noqa: E402
from psycopg import errors  # noqa: E402
from psycopg.waiting import READY_R, READY_RW, READY_W, WAIT_R, WAIT_W  # noqa: E402


def wait_green(gen, fileno: int, interval: float = 0.0, timeout: float | None = None):
    """psycopg wait function (same contract as psycopg.waiting.wait) for eventlet."""
    from eventlet.hubs import trampoline

    deadline = None if timeout is None else monotonic() + timeout
    try:
        state = next(gen)
        while True:
            remaining = None if deadline is None else max(0.0, deadline - monotonic())
            if state == WAIT_R or state == WAIT_W:
                trampoline(fileno, read=state == WAIT_R, write=state == WAIT_W, timeout=remaining,
                           timeout_exc=errors._WaitTimeout)
                ready = READY_R if state == WAIT_R else READY_W
            else:  # read-or-write: the green select (trampoline takes one direction)
                readable, writable, _ = select.select([fileno], [fileno], [], remaining)
                if not (readable or writable):
                    raise errors._WaitTimeout("wait timeout expired")
                ready = (READY_R if readable else 0) | (READY_W if writable else 0) or READY_RW
            state = gen.send(ready)
    except StopIteration as done:
        return done.value


def _eventlet_patched() -> bool:
    try:
        from eventlet import patcher
    except ImportError:
        return False
    return patcher.is_monkey_patched("socket") and patcher.is_monkey_patched("select")


if _eventlet_patched():
    psycopg.waiting.wait = wait_green
