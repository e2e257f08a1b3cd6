"""The supervisor's restart policy: delays exponential from half a second, capped at 30 s; a
child that died more than 5 times within 120 s is not restarted again."""
from launcher.supervisor import MAX_DELAY, RESTART_LIMIT, RESTART_WINDOW, backoff_seconds, flapping


def test_delays_double_from_half_a_second():
    assert [backoff_seconds(n) for n in range(1, 6)] == [0.5, 1, 2, 4, 8]


def test_delays_are_capped():
    assert backoff_seconds(7) == MAX_DELAY == 30
    assert backoff_seconds(1000) == MAX_DELAY


def test_never_below_the_first_delay():
    assert backoff_seconds(0) == 0.5


def test_the_cap_defaults_to_five_deaths_in_two_minutes():
    assert (RESTART_LIMIT, RESTART_WINDOW) == (5, 120)


def test_a_child_may_die_up_to_the_limit_within_the_window():
    assert not flapping([1, 2, 3, 4, 5], now=6)
    assert flapping([1, 2, 3, 4, 5, 6], now=6)


def test_deaths_older_than_the_window_do_not_count():
    old = [0, 10, 20, 30, 40]
    assert not flapping([*old, 130], now=130)  # the death at 0 is 130 s old
    assert flapping([*old, 119], now=119)


def test_the_limit_and_window_are_parameters():
    assert flapping([0, 1, 2], now=2, limit=2, window=10)
    assert not flapping([0, 1, 12], now=12, limit=2, window=10)
