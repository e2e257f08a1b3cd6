"""The stats ingesters against raw term events (换届, the org service's term_opened / term_closed /
term_approved / committee_changed, each the term's whole state): a redelivered or republished event
counts once, an older version after a newer one changes nothing, whatever the order. The fake terms
(ids far above any real one) are retired at the end — a later version of no term at all — so the
session's reconciles with the org service's data stay clean."""
import uuid
from datetime import date, datetime, timezone

import psycopg
import pytest

from tests.support.helpers import plain_dsn, wait_for
from tests.support.stats_events import publish_events, stays

YEAR = date.today().year
FAKE_TERM_BASE = 10**12


def term_event(term_id: int, version: int, facts: dict | None, event_type: str = "term_opened") -> dict:
    """A term event envelope, as the org service's outbox writes it (services/org/events.py)."""
    return {"event_id": str(uuid.uuid4()), "type": event_type, "aggregate_id": str(term_id),
            "aggregate_version": version, "occurred_at": datetime.now(timezone.utc).isoformat(),
            "actor": "test", "request_id": "", "payload": facts or {}}


def state(org_id: int, path: str, committee: list, **changes) -> dict:
    return {"id": 0, "org_id": org_id, "org_path": path, "number": 1, "method": "1", "elected": True,
            "elected_on": f"{YEAR}-01-05", "term_years": 3, "expires_on": f"{YEAR + 3}-01-05", "postponed_to": None,
            "approved_on": None, "approval_no": None, "closed_on": None, "members": [], "committee": committee,
            **changes}


def row(n: int, post: str, left_on: str | None = None) -> dict:
    return {"row_id": n, "member_id": n, "post": post, "how": "1", "since": f"{YEAR}-01-05", "left_on": left_on}


def cells(rpc, org_id: int, key: str) -> dict:
    report = rpc.call("stats", "counted_report", org_id=org_id, year=YEAR)
    return next(t for t in report["tables"] if t["key"] == key)["rows"][0]["cells"]


def figures(rpc, org_id: int) -> tuple:
    terms, committees = cells(rpc, org_id, "terms"), cells(rpc, org_id, "committees")
    return terms["elected"], terms["completed_total"], committees["total"], committees["post_01"]


@pytest.fixture
def terms(system, rpc, tree):
    """Publishes fake term events the way the relay does; afterwards no fake term counts anywhere."""
    sent: dict[int, int] = {}
    ids = iter(range(FAKE_TERM_BASE + uuid.uuid4().int % 10**9, FAKE_TERM_BASE + 2 * 10**9))

    def publish(*envelopes: dict) -> None:
        for envelope in envelopes:
            term_id = int(envelope["aggregate_id"])
            sent[term_id] = max(sent.get(term_id, 0), envelope["aggregate_version"])
        system.rpc.run(publish_events(system.env["PMIS_AMQP_URI"], "org", envelopes))
        processed(*envelopes)

    def processed(*envelopes: dict) -> None:
        wanted = {e["event_id"] for e in envelopes}

        def done() -> set:
            with psycopg.connect(plain_dsn(system)) as pg:
                return {r[0] for r in pg.execute("SELECT event_id::text FROM stats.inbox WHERE event_id = "
                                                 "ANY(%s::uuid[])", (list(wanted),))}
        wait_for(done, lambda found: found == wanted, what="stats to process the term events")

    path = rpc.call("org", "org_path", org_id=tree["one"])["path"]
    yield {"publish": publish, "next_id": lambda: next(ids), "path": path}
    publish(*[term_event(term_id, version + 100, None, "term_closed") for term_id, version in sent.items()])
    for org_id in tree.values():
        assert figures(rpc, org_id) == (0, 0, 0, 0)


def test_a_term_event_delivered_again_or_under_a_new_id_counts_once(rpc, tree, terms):
    term_id = terms["next_id"]()
    opened = term_event(term_id, 1, state(tree["one"], terms["path"], [row(1, "01"), row(2, "03")]))
    terms["publish"](opened, opened, {**opened, "event_id": str(uuid.uuid4())})
    for org_id in (tree["one"], tree["committee"]):
        stays(lambda: figures(rpc, org_id), lambda found: found == (1, 1, 2, 1), what="counted once")
    assert figures(rpc, tree["two"]) == (0, 0, 0, 0)


def test_an_older_version_after_a_newer_one_changes_nothing(rpc, tree, terms):
    term_id = terms["next_id"]()
    facts = state(tree["one"], terms["path"], [row(1, "01"), row(2, "03")])
    opened = term_event(term_id, 1, facts)
    left = term_event(term_id, 2, {**facts, "committee": [row(1, "01", f"{YEAR}-02-01"), row(2, "03")]},
                      "committee_changed")
    terms["publish"](left)
    terms["publish"](opened)  # stale: version 1 after version 2
    stays(lambda: figures(rpc, tree["one"]), lambda found: found == (1, 1, 1, 0), what="the newest version")
