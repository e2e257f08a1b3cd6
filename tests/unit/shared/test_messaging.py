"""The messaging kit's pure parts: when a failed event is retried or parked, and that every
service's events.py declarations agree with its code and with the emitting services."""
from datetime import datetime, timezone

import pytest

from services.shared.messaging import redelivery, topology
from services.shared.messaging.redelivery import ATTEMPTS_HEADER, DLQ_EXCHANGE, QUEUE_HEADER, after_failure
from services.shared.service_list import SERVICES

QUEUE = "evt-org-org_created--member.on_org_created"


def test_a_failure_is_retried_on_its_own_queue_with_a_count():
    decision = after_failure(QUEUE, {"nameko.user_id": "u1"}, "boom", limit=3)
    assert not decision.park
    assert (decision.exchange, decision.routing_key) == ("", QUEUE)
    assert decision.headers[ATTEMPTS_HEADER] == 1
    assert decision.headers["nameko.user_id"] == "u1"  # the caller's context travels on


def test_the_last_allowed_failure_parks_the_event_in_its_dead_letter_queue():
    now = datetime(2026, 12, 2, tzinfo=timezone.utc)
    decision = after_failure(QUEUE, {ATTEMPTS_HEADER: 2}, "x" * 2000, limit=3, now=now)
    assert decision.park
    assert (decision.exchange, decision.routing_key) == (DLQ_EXCHANGE, QUEUE)
    assert decision.headers[ATTEMPTS_HEADER] == 3
    assert decision.headers[QUEUE_HEADER] == QUEUE
    assert len(decision.headers["x-pmis-error"]) == redelivery.ERROR_CHARS
    assert redelivery.dlq_name(QUEUE) == f"dlq.{QUEUE}"


@pytest.mark.parametrize("headers", [None, {}, {ATTEMPTS_HEADER: "junk"}, {ATTEMPTS_HEADER: -4}])
def test_a_missing_or_bad_count_counts_as_no_attempt_yet(headers):
    assert after_failure(QUEUE, headers, "e", limit=5).headers[ATTEMPTS_HEADER] == 1


def test_the_error_is_kept_on_one_line():
    error = "ProgrammingError: relation missing\n[SQL: SELECT 1]\tmore"
    assert after_failure(QUEUE, None, error, limit=5).headers["x-pmis-error"] == \
        "ProgrammingError: relation missing [SQL: SELECT 1] more"


def test_a_failure_while_the_database_is_down_is_retried_without_counting():
    decision = after_failure(QUEUE, {ATTEMPTS_HEADER: 4}, "OperationalError: connection refused", limit=5,
                             transient=True)
    assert not decision.park and decision.headers[ATTEMPTS_HEADER] == 4


def test_a_limit_of_one_parks_at_once():
    assert after_failure(QUEUE, None, "not an envelope", limit=1).park


def test_a_replay_starts_a_fresh_count_and_keeps_the_context():
    parked = after_failure(QUEUE, {ATTEMPTS_HEADER: 4, "nameko.request_id": "r"}, "e", limit=5).headers
    assert redelivery.replay_headers(parked) == {"nameko.request_id": "r"}


def test_settings_have_safe_floors(monkeypatch):
    monkeypatch.setenv("PMIS_EVENT_MAX_ATTEMPTS", "0")
    monkeypatch.setenv("PMIS_EVENT_RETRY_SECONDS", "-1")
    assert redelivery.max_attempts() == 1
    assert redelivery.retry_seconds() == 0


@pytest.mark.parametrize("service", SERVICES)
def test_declarations_match_the_handlers_and_the_emitters(service):
    assert topology.handler_problems(service) == []


def test_every_consumed_event_has_a_queue_named_as_nameko_names_it():
    for service in SERVICES:
        for source, event_type, queue in topology.subscriptions(service):
            assert queue == f"evt-{source}-{event_type}--{service}.on_{event_type}"
