"""What a gateway process keeps of sessions (gateway/session_cache.py)."""
from gateway.session_cache import SessionCache

VIEW = {"account_id": 1, "username": "clerk"}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def listening_cache(**kwargs) -> SessionCache:
    cache = SessionCache(keep=5, **kwargs)
    cache.listening = True
    return cache


def test_a_resolved_session_is_kept_for_the_keep_time_only():
    clock = Clock()
    cache = listening_cache(clock=clock)
    cache.put("t", VIEW, cache.generation)
    assert cache.get("t") == VIEW
    clock.now += 4.9
    assert cache.get("t") == VIEW
    clock.now += 0.2
    assert cache.get("t") is None and "t" not in cache.kept


def test_a_notice_forgets_every_kept_session_and_a_resolution_asked_before_it_is_not_kept():
    cache = listening_cache()
    cache.put("a", VIEW, cache.generation)
    asked_at = cache.generation  # a resolution is on its way …
    cache.forget()  # … when a notice arrives: what it brings may predate the change
    assert cache.get("a") is None
    cache.put("b", VIEW, asked_at)
    assert cache.get("b") is None
    cache.put("b", VIEW, cache.generation)
    assert cache.get("b") == VIEW


def test_forgetting_one_session_leaves_the_others():
    cache = listening_cache()
    for token in ("a", "b"):
        cache.put(token, VIEW, cache.generation)
    cache.forget("a")
    assert cache.get("a") is None and cache.get("b") == VIEW


def test_nothing_is_kept_while_notices_cannot_be_heard():
    cache = SessionCache(keep=5)
    cache.put("t", VIEW, cache.generation)
    assert cache.get("t") is None  # not listening yet
    cache.listening = True
    cache.put("t", VIEW, cache.generation)
    cache._deaf()  # the connection to RabbitMQ is gone
    assert cache.get("t") is None and not cache.kept
    cache.put("t", VIEW, cache.generation)
    assert not cache.kept
    cache._heard_again()
    cache.put("t", VIEW, cache.generation)
    assert cache.get("t") == VIEW


def test_keep_time_zero_keeps_nothing_and_the_oldest_go_first_beyond_capacity():
    assert SessionCache(keep=0).keep == 0
    off = SessionCache(keep=0)
    off.listening = True
    off.put("t", VIEW, off.generation)
    assert off.get("t") is None
    cache = listening_cache(capacity=2)
    for token in ("a", "b"):
        cache.put(token, VIEW, cache.generation)
    cache.get("a")  # used: b is now the least recently used
    cache.put("c", VIEW, cache.generation)
    assert set(cache.kept) == {"a", "c"}
