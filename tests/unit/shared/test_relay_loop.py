"""The relay process outlives a broker restart and a database restart: the loop starts again
instead of the process exiting (each exit grew the supervisor's backoff, up to 30 s without relaying)."""
import psycopg
import pytest
from aiormq.exceptions import AMQPConnectionError, ChannelInvalidStateError

from services.shared.messaging import relay


@pytest.fixture
def quiet_relay(monkeypatch):
    """The relay's main without its process set-up (logging, tracing, metrics port, priority)."""
    monkeypatch.setattr(relay.logs, "configure", lambda *a, **k: None)
    monkeypatch.setattr(relay.tracing, "setup", lambda *a, **k: None)
    monkeypatch.setattr(relay.metrics, "serve", lambda *a, **k: None)
    monkeypatch.setattr(relay, "lower_own_priority", lambda: None)


@pytest.mark.parametrize("error", [ChannelInvalidStateError("closed"), AMQPConnectionError(111, "refused"),
                                   psycopg.OperationalError("connection refused"), ConnectionResetError()],
                         ids=lambda e: type(e).__name__)
def test_a_lost_connection_starts_the_loop_again(monkeypatch, quiet_relay, error):
    runs, pauses = [], []

    async def run(service):
        runs.append(service)
        if len(runs) == 1:
            raise error

    monkeypatch.setattr(relay.time, "sleep", pauses.append)
    monkeypatch.setattr(relay, "run", run)
    assert relay.main(["member"]) == 0
    assert runs == ["member", "member"] and pauses == [1]


def test_a_programming_error_still_ends_the_relay(monkeypatch, quiet_relay):
    async def run(service):
        raise KeyError("bug")

    monkeypatch.setattr(relay, "run", run)
    with pytest.raises(KeyError):
        relay.main(["member"])
