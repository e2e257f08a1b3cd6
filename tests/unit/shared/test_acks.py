"""A batch's acks as one multiple ack where that cannot reach a message not yet applied (messaging/acks.ack_plan)."""
from services.shared.messaging.acks import ack_plan


def test_a_batch_from_the_floor_is_one_multiple_ack():
    assert ack_plan(0, set(), {1, 2, 3}) == (3, [])
    assert ack_plan(500, set(), set(range(501, 1001))) == (1000, [])


def test_a_tag_not_handed_over_yet_stops_the_multiple_ack():
    # 4 was delivered but its callback had not run when the batch was taken: it is not applied.
    assert ack_plan(0, set(), {1, 2, 3, 5, 6}) == (3, [5, 6])
    assert ack_plan(0, set(), {2, 3}) == (None, [2, 3])


def test_tags_settled_alone_do_not_stop_it_and_are_not_acked_again():
    # 2 was requeued (its organization not known yet), 4 parked: each settled on its own.
    assert ack_plan(0, {2, 4}, {1, 3, 5}) == (5, [])
    assert ack_plan(0, {2}, {3}) == (None, [3])  # 1 is neither: still unsettled
    assert ack_plan(3, {5}, {4, 6, 8}) == (6, [8])


def test_nothing_done_acks_nothing():
    assert ack_plan(7, {8, 9}, set()) == (None, [])
