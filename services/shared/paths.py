"""Materialized organization paths ("/1/5/23/": the ids from the root down), read the one way
every service reads them (pure)."""


def path_ids(path: str | None) -> list[int]:
    """Ids of a path, root first: "/1/5/23/" → [1, 5, 23]; none for an empty or missing path."""
    return [int(part) for part in (path or "").strip("/").split("/") if part]
