"""Each service runs as an answering part (RPCs) and a background part (events and timers, at
batch priority): together they run exactly the full class's entrypoints, under the same
service name, so every queue keeps its name."""
import inspect

import pytest
from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc
from nameko.timer import Timer

from services.shared import heartbeat, service_parts
from services.shared.messaging.topology import service_class
from services.shared.service_list import SERVICES


def entrypoints(cls) -> dict[str, tuple]:
    return {name: tuple(getattr(method, ENTRYPOINT_EXTENSIONS_ATTR))
            for name, method in inspect.getmembers(cls, inspect.isfunction)
            if getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, None)}


@pytest.mark.parametrize("service", SERVICES)
def test_the_two_parts_split_the_full_class(service):
    full = entrypoints(service_class(service))
    answering = entrypoints(getattr(service_parts, f"{service}_answering"))
    background = entrypoints(getattr(service_parts, f"{service}_background"))
    assert all(isinstance(e, Rpc) for found in answering.values() for e in found)
    assert "health" in answering  # the launcher's and k8s's readiness RPC
    assert all(isinstance(e, EventHandler | Timer) for found in background.values() for e in found)
    own = {name: found for name, found in background.items() if name != "beat_heartbeat"}
    assert own and set(answering) | set(own) == set(full) and not set(answering) & set(own)
    assert isinstance(background["beat_heartbeat"][0], Timer)


@pytest.mark.parametrize("which", ["answering", "background"])
def test_a_part_is_the_same_service_with_the_same_dependencies(which):
    full = service_class("org")
    built = service_parts.part(full, which)
    assert built.name == "org" and issubclass(built, full)
    assert (hasattr(built, "batch_priority")) == (which == "background")
    # A hidden entrypoint stays callable, for the code that calls it directly.
    assert built.on_member_updated.__name__ == "on_member_updated"
    # Its Database keeps its kind (the org service's announces session changes), lowered or not.
    assert type(built.db) is type(full.db)
    assert isinstance(built.frozen_heap, service_parts.FreezesHeap)


def test_what_a_started_process_holds_is_frozen_out_of_the_collectors_sight():
    import gc

    from services.shared.heap import freeze_startup_heap

    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 10_000
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()


def test_the_stats_compactor_keeps_normal_priority():
    """The stats background part is its compactor: reports read the deltas it has not folded."""
    built = service_parts.part(service_class("stats"), "background")
    assert "fold_counter_deltas" in entrypoints(built)
    assert not hasattr(built, "batch_priority") and not built.db.batch


def test_the_queues_keep_their_names():
    """Event handler queues are named after the service and the method (topology.queue_name)."""
    background = service_parts.dues_background
    handlers = {(e.source_service, e.event_type): name for name, found in entrypoints(background).items()
                for e in found if isinstance(e, EventHandler)}
    assert handlers[("member", "member_updated")] == "on_member_updated"


def test_an_unknown_part_is_refused():
    with pytest.raises(ValueError):
        service_parts.part(service_class("org"), "everything")
    with pytest.raises(AttributeError):
        service_parts.org_everything  # noqa: B018


def test_the_background_probe_reads_its_heartbeat(tmp_path, monkeypatch):
    monkeypatch.setenv("PMIS_RELAY_HEARTBEAT_DIR", str(tmp_path))
    assert service_parts.main(["org", "--check"]) == 1
    heartbeat.beat("org-background")
    assert service_parts.main(["org", "--check"]) == 0
    assert service_parts.main(["dues", "--check"]) == 1
