"""The objects a process holds for its whole life, out of the garbage collector's sight.

A full collection walks every object it tracks: in a started service (nameko, SQLAlchemy, the
code tables, the report layouts …) that is ~100,000 objects and ~20 ms, and a report read
allocates enough to bring one on every few reads — the tail of a report's latency. What exists
once a process has started is kept until it exits, so it is frozen (gc.freeze) and no collection
walks it again; what requests allocate afterwards is collected as before.
"""
import gc


def freeze_startup_heap() -> None:
    gc.collect()
    gc.freeze()
