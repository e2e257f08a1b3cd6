"""What the stats ingesters consume: the queue names (stable: deployments scale on them) and
which messages are event envelopes at all."""
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from services.stats.ingest import _collect, _envelope, queues

QUEUES = {
    "evt-org-org_created--stats.on_org_created", "evt-org-org_renamed--stats.on_org_renamed",
    "evt-org-org_updated--stats.on_org_updated", "evt-org-org_revoked--stats.on_org_revoked",
    "evt-org-org_deleted--stats.on_org_deleted", "evt-org-org_restored--stats.on_org_restored",
    "evt-org-org_moved--stats.on_org_moved",
    "evt-member-member_created--stats.on_member_created", "evt-member-member_updated--stats.on_member_updated",
    "evt-member-member_transferred--stats.on_member_transferred",  # 转入/转出 (issue 10)
    # 流动党员 (issue 11)
    "evt-transfer-outflow_opened--stats.on_outflow_opened", "evt-transfer-outflow_changed--stats.on_outflow_changed",
    "evt-transfer-outflow_closed--stats.on_outflow_closed", "evt-transfer-inflow_opened--stats.on_inflow_opened",
    "evt-transfer-inflow_ended--stats.on_inflow_ended",
    # 入党申请人 (issue 12)
    "evt-member-applicant_created--stats.on_applicant_created",
    "evt-member-applicant_updated--stats.on_applicant_updated",
    # 换届 (issue 15)
    "evt-org-term_opened--stats.on_term_opened", "evt-org-term_closed--stats.on_term_closed",
    "evt-org-term_approved--stats.on_term_approved", "evt-org-committee_changed--stats.on_committee_changed",
    "evt-org-term_corrected--stats.on_term_corrected",
    # 统计报告期截止日 (issue 17): every counter recounted by a new report date
    "evt-org-report_date_changed--stats.on_report_date_changed",
}


def test_the_ingesters_consume_the_queues_the_stats_handlers_had_and_the_new_org_events():
    found = queues()
    assert {name for _, _, name in found} == QUEUES
    assert all(name == f"evt-{source}-{event_type}--stats.on_{event_type}" for source, event_type, name in found)


def test_only_org_and_member_envelopes_are_applied():
    event = {"event_id": "e", "type": "member_updated", "aggregate_id": "1", "aggregate_version": 2, "payload": {}}
    assert _envelope(json.dumps(event).encode()) == event
    assert _envelope(b"not json") is None
    assert _envelope(json.dumps([1]).encode()) is None
    assert _envelope(json.dumps({**event, "type": "dues_paid"}).encode()) is None
    assert _envelope(json.dumps({k: v for k, v in event.items() if k != "aggregate_version"}).encode()) is None


def test_envelopes_are_read_as_the_relay_writes_them():
    """The relay writes UTF-8 without escapes (ensure_ascii=False); a body that is not UTF-8 is no envelope."""
    event = {"event_id": "e", "type": "member_updated", "aggregate_id": "1", "aggregate_version": 2,
             "payload": {"after": {"name": "张三", "org_path": "1/2/"}}}
    assert _envelope(json.dumps(event, ensure_ascii=False).encode()) == event
    assert _envelope(json.dumps(event).encode()) == event
    assert _envelope(b'{"event_id": "\xff\xfe"}') is None  # not UTF-8
    assert _envelope(b"") is None


def collected(waiting: int, size: int, later: int = 0, wait_ms: int = 200) -> list:
    """What _collect returns with `waiting` messages queued and `later` put 20 ms after it starts."""
    async def scenario():
        arrived: asyncio.Queue = asyncio.Queue()
        for number in range(waiting):
            arrived.put_nowait(number)

        async def put_later():
            await asyncio.sleep(0.02)
            for number in range(waiting, waiting + later):
                arrived.put_nowait(number)

        putting = asyncio.create_task(put_later())
        batch = await _collect(arrived, size, wait_ms, asyncio.Event())
        await putting
        return batch
    # In a thread of its own: a test run before it in this process may leave an event loop running
    # in the main thread (Playwright's synchronous API does), where asyncio.run refuses to start.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario()).result()


def test_a_batch_takes_what_waits_up_to_its_size_in_arrival_order():
    assert collected(waiting=5, size=3) == [0, 1, 2]
    assert collected(waiting=2500, size=2000) == list(range(2000))


def test_a_batch_waits_its_time_for_more_then_ends():
    assert collected(waiting=1, size=10, later=3) == [0, 1, 2, 3]
    assert collected(waiting=1, size=10, later=3, wait_ms=5) == [0]
