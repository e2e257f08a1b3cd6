"""Routing keys that say what an event changed (services/shared/messaging/routing.py), and the
declarations that use them."""
import importlib

from services.member.events import COUNTED_FIELDS, MEMBER_UPDATED, ROUTED_BY_CHANGE, member_facts
from services.shared.messaging import topology
from services.shared.messaging.routing import MAX_KEY_BYTES, binding_keys, changed_fields, routing_key

ROUTED = (MEMBER_UPDATED,)


def change(before: dict, after: dict) -> dict:
    return {"member_id": 7, "before": before, "after": after}


def test_a_change_is_published_under_the_fields_it_changed_sorted():
    payload = change({"status": "active", "education": "30", "org_id": 1},
                     {"status": "left", "education": "30", "org_id": 1, "left_on": "2026-12-01"})
    assert routing_key(MEMBER_UPDATED, payload, ROUTED) == "member_updated.left_on.status"
    assert routing_key(MEMBER_UPDATED, change({"education": "30"}, {"education": "20"}), ROUTED) \
        == "member_updated.education"


def test_what_cannot_be_told_goes_out_bare_to_every_consumer():
    assert routing_key(MEMBER_UPDATED, change(None, {"status": "active"}), ROUTED) == MEMBER_UPDATED
    assert routing_key(MEMBER_UPDATED, {"member_id": 7}, ROUTED) == MEMBER_UPDATED
    assert routing_key(MEMBER_UPDATED, None, ROUTED) == MEMBER_UPDATED
    assert routing_key(MEMBER_UPDATED, change({"a": 1}, {"a": 1}), ROUTED) == MEMBER_UPDATED  # nothing changed
    assert routing_key(MEMBER_UPDATED, change({"a.b": 1}, {"a.b": 2}), ROUTED) == MEMBER_UPDATED  # not a topic word
    many = {f"field_{n:03d}": n for n in range(40)}
    assert len(".".join([MEMBER_UPDATED, *many])) > MAX_KEY_BYTES
    assert routing_key(MEMBER_UPDATED, change({}, many), ROUTED) == MEMBER_UPDATED
    assert routing_key("member_created", change({}, {"status": "active"}), ROUTED) == "member_created"


def test_every_field_a_member_can_carry_fits_in_one_key():
    facts = {**{field: "x" for field in COUNTED_FIELDS}, "name": "x", "arrived_on": "x", "extended_on": "x",
             "evaluations": {"2026": "1"}, "absences": [["x"]], "trainings": [["x"]], "commendations": [["x"]]}
    key = routing_key(MEMBER_UPDATED, change({}, facts), ROUTED)
    assert key != MEMBER_UPDATED and len(key.encode()) <= MAX_KEY_BYTES


def test_changed_fields_compares_values_not_presence():
    assert changed_fields({"a": None}, {}) == []
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == ["b"]


def test_binding_keys_keep_the_bare_type_and_add_a_pattern_per_field():
    assert binding_keys("org_created", routed=False) == ["org_created"]
    assert binding_keys(MEMBER_UPDATED, routed=True) == [MEMBER_UPDATED, "member_updated.#"]
    assert binding_keys(MEMBER_UPDATED, routed=True, fields=("status", "name")) == [
        MEMBER_UPDATED, "member_updated.#.name.#", "member_updated.#.status.#"]


def test_the_member_service_routes_its_updates_by_change():
    assert topology.routed_by_change("member") == ROUTED_BY_CHANGE == (MEMBER_UPDATED,)
    assert topology.bindings("stats", "member", MEMBER_UPDATED) == [MEMBER_UPDATED, "member_updated.#"]
    assert topology.bindings("org", "member", MEMBER_UPDATED) == [MEMBER_UPDATED, "member_updated.#.status.#"]


def test_every_field_a_consumer_waits_for_is_one_the_emitter_sends():
    """A misspelt field in WHEN_CHANGED would bind a pattern no change ever matches: the consumer
    would silently get only bare events."""
    class Row:
        def __getattr__(self, name):
            return None
    sent = set(member_facts(Row())) | {"name", "arrived_on", "extended_on", "trainings", "commendations"}
    for service in topology.SERVICES:
        wanted = getattr(importlib.import_module(f"services.{service}.events"), "WHEN_CHANGED", {})
        for (source, event_type), fields in wanted.items():
            assert (source, event_type) in topology.declarations(service)[1], (service, event_type)
            assert event_type in topology.routed_by_change(source), (service, event_type)
            assert set(fields) <= sent, (service, set(fields) - sent)
