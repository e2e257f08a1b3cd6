"""A service runs as two processes (issue 19): the *answering* part serves its RPCs, the
*background* part runs its event handlers and timers at batch priority (priority.py) — unless the
service says its background work is what keeps people's reads fast (`background_at_normal_priority`:
the stats compactor, whose unfolded deltas every report reads).

In one process, eventlet runs one green thread at a time: during a year-end burst the org
service applied every audit event and member_updated between two RPCs, and each report read
that needed the org tree waited for them. Split, the background part can fall behind without
slowing a person's request, and the scheduler prefers the answering part.

Both parts are the same nameko service (same `name`, same dependencies), so the queues keep
their names and the messages waiting in them; each part only hides the other's entrypoints.
The full class still runs both kinds in one process (the integration tests do).

`nameko run services.shared.service_parts:org_answering` (or `org_background`): the part is
built on first access, importing only that service's module. The background part answers no
RPC, so its probe is a heartbeat (`python -m services.shared.service_parts org --check`).
"""
import argparse
import inspect
import sys

from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider
from nameko.timer import Timer, timer

from . import heartbeat, priority
from .db import Database
from .heap import freeze_startup_heap
from .messaging.topology import service_class
from .observability.workers import Observed

BACKGROUND_ENTRYPOINTS = (EventHandler, Timer)
ANSWERING, BACKGROUND = "answering", "background"
HEARTBEAT_SECONDS = 10


def _entrypoint_methods(service_cls) -> dict[str, tuple]:
    return {name: tuple(getattr(method, ENTRYPOINT_EXTENSIONS_ATTR))
            for name, method in inspect.getmembers(service_cls, inspect.isfunction)
            if getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, None)}


def is_background(entrypoints) -> bool:
    return any(isinstance(entrypoint, BACKGROUND_ENTRYPOINTS) for entrypoint in entrypoints)


def _plain(method):
    """The method, callable as before, without its entrypoints (not functools.wraps: that would
    copy them back)."""
    def plain(self, *args, **kwargs):
        return method(self, *args, **kwargs)
    plain.__name__, plain.__doc__ = method.__name__, method.__doc__
    return plain


class LowersPriority(DependencyProvider):
    """Lowers the process it is set up in (and its autogroup) to batch priority."""

    def setup(self):
        priority.lower_own_priority()


class FreezesHeap(DependencyProvider):
    """Once the part has started, what it holds for good is frozen (heap.py)."""

    def start(self):
        freeze_startup_heap()


def background_heartbeat(service: str) -> str:
    return f"{service}-background"


def has_background(service_cls) -> bool:
    return any(is_background(entrypoints) for entrypoints in _entrypoint_methods(service_cls).values())


def part(service_cls, which: str):
    """The class running only the answering or only the background entrypoints of `service_cls`."""
    if which not in (ANSWERING, BACKGROUND):
        raise ValueError(f"unknown part {which!r}")
    keep_background = which == BACKGROUND
    hidden = {name: _plain(getattr(service_cls, name)) for name, entrypoints in _entrypoint_methods(service_cls).items()
              if is_background(entrypoints) != keep_background}
    # Every running part is measured and traced (docs/OBSERVABILITY.md).
    extra = {"observed": Observed(which), "frozen_heap": FreezesHeap()}
    if keep_background:
        def beat_heartbeat(self):
            heartbeat.beat(background_heartbeat(self.name))
        extra["beat_heartbeat"] = timer(interval=HEARTBEAT_SECONDS, eager=True)(beat_heartbeat)
        if not getattr(service_cls, "background_at_normal_priority", False):
            extra["batch_priority"] = LowersPriority()
            # Its own kind of Database (the org service's announces session changes), lowered.
            extra.update({name: type(dependency)(batch=True) for name, dependency in inspect.getmembers(service_cls)
                          if isinstance(dependency, Database)})
    return type(f"{service_cls.__name__}{which.title()}", (service_cls,), {**hidden, **extra})


def part_name(service: str, which: str) -> str:
    return f"{service}_{which}"


def __getattr__(name: str):
    service, _, which = name.rpartition("_")
    if not service or which not in (ANSWERING, BACKGROUND):
        raise AttributeError(name)
    built = part(service_class(service), which)
    globals()[name] = built
    return built


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="PMIS service parts")
    parser.add_argument("service")
    parser.add_argument("--check", action="store_true", help="exit 0 if the background part's heartbeat is fresh")
    args = parser.parse_args(argv)
    if not args.check:
        parser.error("run a part with `nameko run services.shared.service_parts:<service>_<part>`")
    return heartbeat.exit_code(background_heartbeat(args.service))


if __name__ == "__main__":
    sys.exit(main())
