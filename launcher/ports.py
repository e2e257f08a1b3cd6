"""Free TCP ports for the listeners the launcher and the tests start.

A port is chosen below the kernel's ephemeral range: a port from bind(0) lies inside that range,
and between choosing it and the listener binding it, any outbound connection (dozens go to
PostgreSQL and RabbitMQ while a system starts) may be given the same port as its local end —
the listener then fails with "address already in use". Outbound connections never use ports
below the range.
"""
import random
import socket

_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range"
_LOWEST = 10000  # below this lie well-known services' ports


def _ephemeral_start() -> int:
    try:
        with open(_RANGE_FILE) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default; elsewhere the choice below still checks the port is free


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port no listener holds now, outside the range outbound connections draw from."""
    top = _ephemeral_start()
    if top - _LOWEST < 1000:  # an unusual range configuration: fall back to the kernel's choice
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    for _ in range(200):
        port = random.randrange(_LOWEST, top)
        if _free(port):
            return port
    raise RuntimeError("找不到空闲端口")
