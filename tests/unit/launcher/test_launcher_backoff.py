"""The supervisor's restart delays: exponential from half a second, capped at 30 s."""
from launcher.supervisor import MAX_DELAY, backoff_seconds


def test_delays_double_from_half_a_second():
    assert [backoff_seconds(n) for n in range(1, 6)] == [0.5, 1, 2, 4, 8]


def test_delays_are_capped():
    assert backoff_seconds(7) == MAX_DELAY == 30
    assert backoff_seconds(1000) == MAX_DELAY


def test_never_below_the_first_delay():
    assert backoff_seconds(0) == 0.5
