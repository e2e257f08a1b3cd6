"""Materialized organization paths ("/1/5/23/": the ids from the root down), read the one way
every service reads them (pure)."""
from functools import lru_cache


@lru_cache(maxsize=100_000)
def ids_of(path: str | None) -> tuple[int, ...]:
    """Ids of a path, root first, as a tuple remembered for the next call: the stats ingester rolls
    every member change up each level of its path (2 % of its time parsing the same paths again)."""
    return tuple(int(part) for part in (path or "").strip("/").split("/") if part)


def path_ids(path: str | None) -> list[int]:
    """Ids of a path, root first: "/1/5/23/" → [1, 5, 23]; none for an empty or missing path."""
    return list(ids_of(path))
