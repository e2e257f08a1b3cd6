"""Listener ports are chosen where outbound connections can't take them first."""
import socket

from launcher import ports


def test_ports_are_free_and_below_the_ephemeral_range():
    top = ports._ephemeral_start()
    for _ in range(50):
        port = ports.free_port()
        assert 10000 <= port < top
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # really free


def test_a_held_port_is_never_chosen(monkeypatch):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        choices = iter([taken, taken, 20001])
        monkeypatch.setattr(ports.random, "randrange", lambda a, b: next(choices))
        monkeypatch.setattr(ports, "_ephemeral_start", lambda: max(taken + 1, 32768))
        assert ports.free_port() == 20001 or not ports._free(20001)
