"""转入/转出 in the counters (services/stats/domain/transfers.py) and table 1 (pure)."""
from collections import Counter

import pytest

from services.stats.domain.counters import member_entries, placed, placed_rolled, rehomed, rolled
from services.stats.domain.tables import T1, evaluate, figures
from services.stats.domain.transfers import sides, transfer_deltas

WITHIN = {"kind": "within", "effective_on": "2026-03-05", "from_path": "/1/2/5/", "to_path": "/1/3/7/"}


def flows(deltas: Counter, org_id: int) -> dict:
    return {(dimension, value, year): n for (org, dimension, value, year), n in deltas.items() if org == org_id}


def table_one(deltas: Counter, org_id: int, year: int, *entries: Counter) -> dict:
    rows = Counter({key[1:]: n for key, n in deltas.items() if key[0] == org_id})
    for more in entries:
        rows.update(more)
    return evaluate(T1, figures([(*key, n) for key, n in rows.items() if n], year))["rows"][0]["cells"]


def test_out_at_every_ancestor_of_the_old_org_and_in_at_every_ancestor_of_the_new():
    deltas = transfer_deltas(WITHIN)
    assert flows(deltas, 5) == flows(deltas, 2) == {("transfer_out", "within", 2026): 1}
    assert flows(deltas, 7) == flows(deltas, 3) == {("transfer_in", "within", 2026): 1}
    # the common ancestor counts both ways: its members are as many as before
    assert flows(deltas, 1) == {("transfer_out", "within", 2026): 1, ("transfer_in", "within", 2026): 1}
    assert len(deltas) == 6


def test_the_year_is_the_effective_dates():
    deltas = transfer_deltas({**WITHIN, "effective_on": "2025-12-31"})
    assert set(flows(deltas, 5)) == {("transfer_out", "within", 2025)}


@pytest.mark.parametrize("kind", ["within", "cross_province", "outside", "whole_org"])
def test_each_counted_kind_is_its_own_value(kind):
    assert flows(transfer_deltas({**WITHIN, "kind": kind}), 7) == {("transfer_in", kind, 2026): 1}


def test_a_move_between_branches_counts_nothing():
    internal = {**WITHIN, "kind": "between_branches", "from_path": "/1/2/5/", "to_path": "/1/2/6/"}
    assert sides(internal) == [] and transfer_deltas(internal) == Counter()


def test_an_end_outside_the_system_counts_on_one_side_only():
    out = transfer_deltas({**WITHIN, "kind": "cross_province", "to_path": None})
    assert {key[0] for key in out} == {1, 2, 5} and {key[1] for key in out} == {"transfer_out"}
    inbound = transfer_deltas({**WITHIN, "kind": "outside", "from_path": None})
    assert {key[0] for key in inbound} == {1, 3, 7} and {key[1] for key in inbound} == {"transfer_in"}


def test_an_org_moved_after_the_fact_takes_its_transfers_along():
    """Re-homing what an organization counts (as consumers do on org_moved) moves its 转出 from
    its old ancestors to its new ones, and leaves the ancestors on both paths alone."""
    deltas = transfer_deltas(WITHIN)
    at_two = Counter({key[1:]: n for key, n in deltas.items() if key[0] == 2})
    after = Counter(deltas)
    after.update(rehomed(at_two, 2, "/1/2/", "/1/3/2/"))
    assert +after == transfer_deltas({**WITHIN, "from_path": "/1/3/2/5/"})
    assert flows(after, 3) == {("transfer_in", "within", 2026): 1, ("transfer_out", "within", 2026): 1}

MEMBER = {"status": "active", "sex": "1", "category": "01", "ethnicity": "01", "birth_date": "1990-01-01",
          "joined_on": "2015-07-01"}


def test_table_one_shows_transfers_by_kind_and_still_balances():
    """The receiving branch: the member counts at the year end, the start carried from last year
    (as the submitted report carries it), 转入 by kind adds up to 转入, and nothing is left over."""
    deltas = transfer_deltas(WITHIN)
    cells = table_one(deltas, 7, 2026, member_entries(MEMBER))
    assert cells["increase_transfer_in"] == cells["transfer_in_within"] == 1
    assert cells["transfer_in_cross_province"] == cells["transfer_in_outside"] == cells["transfer_in_whole_org"] == 0
    assert cells["increase_total"] == 1 and cells["decrease_total"] == 0
    sending = table_one(deltas, 5, 2026)
    assert sending["decrease_transfer_out"] == sending["transfer_out_within"] == 1 and sending["decrease_total"] == 1
    common = table_one(deltas, 1, 2026, member_entries(MEMBER))
    assert common["increase_transfer_in"] == common["decrease_transfer_out"] == 1 and common["difference"] == 0
    for check in evaluate(T1, figures([], 2026))["sums"]:
        assert check["total"] in {"increase_total", "decrease_total", "increase_transfer_in", "decrease_transfer_out"}


def test_a_member_transferred_out_of_the_system_leaves_the_stock_and_counts_转出_once():
    """跨省 from branch 5: the member leaves the rolls as 组织关系转出 (kind 40) on the receipt's
    date. Their own leaving counts no 减少 group (死亡, 出党, 停止党籍, 其他); the transfer fact
    counts 转出·跨省 once; table 1 still balances at the sending side."""
    left = {**MEMBER, "status": "left", "leave_kind": "40", "left_on": "2026-03-05"}
    own = member_entries(left)
    assert not [key for key in own if key[0] in ("decrease", "expel")]
    assert own[("total", "", 2026)] == -1  # out of the year-end stock
    fact = {**WITHIN, "kind": "cross_province", "to_path": None}
    cells = table_one(transfer_deltas(fact), 5, 2026, own)
    assert cells["decrease_transfer_out"] == cells["transfer_out_cross_province"] == 1
    assert cells["decrease_death"] == cells["decrease_expel"] == cells["decrease_suspend"] == 0
    assert cells["decrease_other"] == 0 and cells["decrease_total"] == 1
    assert (cells["year_start"], cells["year_end"], cells["difference"]) == (1, 0, 0)


def test_other_leave_kinds_still_count_their_decrease_group():
    for kind, column in (("10", "death"), ("21", "expel"), ("30", "suspend"), ("99", "other")):
        own = member_entries({**MEMBER, "status": "left", "leave_kind": kind, "left_on": "2026-03-05"})
        assert own[("decrease", column, 2026)] == 1, kind


def test_a_whole_organization_counts_its_members_at_the_parents_ends():
    """整建制: the members moved, as 转出 at the old parent and above and 转入 at the new parent and
    above (the organization itself moved with them and counts neither)."""
    fact = {"kind": "whole_org", "effective_on": "2026-07-01", "from_path": "/1/2/", "to_path": "/1/3/",
            "members": 6000}
    deltas = transfer_deltas(fact)
    assert flows(deltas, 2) == {("transfer_out", "whole_org", 2026): 6000}
    assert flows(deltas, 3) == {("transfer_in", "whole_org", 2026): 6000}
    assert flows(deltas, 1) == {("transfer_out", "whole_org", 2026): 6000, ("transfer_in", "whole_org", 2026): 6000}
    assert transfer_deltas({**fact, "members": 0}) == Counter()
    assert sum(n for _, entries in sides({**WITHIN, "members": 50}) for n in entries.values()) == 2  # a member: 1


# --- what a member counted before a 省内 transfer stays where it was counted (counters.placed) ---

def balance(org_id: int, year: int, member: dict, moves, *facts) -> dict:
    """Table 1 of one organization: the member placed by their moves, plus the transfer facts."""
    counted = Counter(placed_rolled(member, "/1/3/7/", moves))
    for fact in facts:
        counted.update(transfer_deltas(fact))
    return table_one(counted, org_id, year)


def test_a_member_moved_in_a_year_balances_table_one_at_both_ends_and_above():
    moves = [(WITHIN["effective_on"], WITHIN["from_path"])]
    for org_id, start, end in ((5, 1, 0), (2, 1, 0), (7, 0, 1), (3, 0, 1), (1, 1, 1)):
        cells = balance(org_id, 2026, MEMBER, moves, WITHIN)
        assert (cells["year_start"], cells["year_end"], cells["difference"]) == (start, end, 0), org_id
    # the years before: the member was in branch 5, and the receiving side had nothing then
    assert balance(5, 2025, MEMBER, moves, WITHIN)["year_end"] == 1
    assert balance(7, 2025, MEMBER, moves, WITHIN)["year_end"] == 0


def test_a_member_developed_and_moved_in_one_year_counts_the_发展_where_it_happened():
    joined = {**MEMBER, "joined_on": "2026-01-10", "category": "02"}
    moves = [(WITHIN["effective_on"], WITHIN["from_path"])]
    sending, receiving = balance(5, 2026, joined, moves, WITHIN), balance(7, 2026, joined, moves, WITHIN)
    assert (sending["increase_develop"], sending["decrease_transfer_out"], sending["year_end"]) == (1, 1, 0)
    assert (receiving["increase_develop"], receiving["increase_transfer_in"], receiving["year_end"]) == (0, 1, 1)
    assert sending["difference"] == receiving["difference"] == 0


def test_two_moves_and_a_death_after_them_each_count_where_they_happened():
    second = {"kind": "within", "effective_on": "2026-09-01", "from_path": "/1/3/7/", "to_path": "/1/4/8/"}
    dead = {**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2026-11-01"}
    moves = [(WITHIN["effective_on"], WITHIN["from_path"]), (second["effective_on"], second["from_path"])]
    counted = Counter()
    for where, entries in placed(dead, "/1/4/8/", moves):
        counted.update(rolled(entries, where))
    for fact in (WITHIN, second):
        counted.update(transfer_deltas(fact))
    cells = {org_id: table_one(counted, org_id, 2026) for org_id in (5, 7, 8, 1)}
    assert [(c["year_start"], c["increase_total"], c["decrease_total"], c["year_end"]) for c in cells.values()] == [
        (1, 0, 1, 0), (0, 1, 1, 0), (0, 1, 1, 0), (1, 2, 3, 0)]
    assert cells[8]["decrease_death"] == 1 and all(c["difference"] == 0 for c in cells.values())


def test_an_edit_after_the_move_changes_every_year_where_it_was_counted():
    """Education has no history: the current value stands for every year, at each place."""
    moves = [(WITHIN["effective_on"], WITHIN["from_path"])]
    before = placed_rolled(MEMBER, "/1/3/7/", moves)
    after = placed_rolled({**MEMBER, "education": "20"}, "/1/3/7/", moves)
    change = Counter(after)
    change.subtract(before)
    years = {(org, year) for (org, dimension, value, year), n in change.items() if n}
    assert {org for org, _ in years} == {1, 2, 5, 3, 7}
    assert sum(after.values()) == sum(before.values())


def test_without_moves_a_member_counts_where_they_are():
    assert placed(MEMBER, "/1/3/7/") == [("/1/3/7/", member_entries(MEMBER))]
    assert placed_rolled(MEMBER, "/1/3/7/", []) == rolled(member_entries(MEMBER), "/1/3/7/")
