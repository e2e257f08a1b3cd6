"""换届 in the counters and the report's 换届 tables (pure): a term and its committee counted by the
effective dates its events carry (services/stats/domain/terms.py) — terms open, overdue and
postponed at each year end, the terms that began and fell due in a year, committee members in
office on 12-31 by post and how they came — and the tables 基层党组织换届情况 and 基层党组织班子成员
(domain/tables.py)."""
from collections import Counter

from services.stats.domain.counters import delta, org_entries, rolled
from services.stats.domain.tables import COMMITTEES, TERMS, evaluate, figures
from services.stats.domain.terms import term_entries, term_facts

ROW = {"row_id": 1, "member_id": 11, "post": "01", "how": "1", "since": "2021-05-10", "left_on": None}
FIRST = {"id": 7, "org_id": 5, "org_path": "/1/2/5/", "number": 1, "method": "1", "elected": True,
         "elected_on": "2021-05-10", "term_years": 3, "expires_on": "2024-05-10", "postponed_to": None,
         "approved_on": None, "approval_no": None, "closed_on": None,
         "committee": [ROW, {**ROW, "row_id": 2, "member_id": 12, "post": "03"},
                       {**ROW, "row_id": 3, "member_id": 13, "post": "06", "left_on": "2022-03-01"},
                       {**ROW, "row_id": 4, "member_id": 14, "post": "06", "how": "2", "since": "2022-04-01"}]}
BRANCH = {"id": 5, "parent_id": 2, "path": "/1/2/5/", "type": "31", "status": "active",
          "established_on": "2020-01-01", "revoked_on": None}


def cells(table, year: int, *terms: dict, orgs: tuple = (BRANCH,)) -> dict:
    rows: Counter = Counter()
    for facts in terms:
        rows.update(term_entries(facts))
    for state in orgs:
        rows.update(org_entries(state))
    return evaluate(table, figures([(*key, n) for key, n in rows.items() if n], year))["rows"][0]["cells"]


def closed(facts: dict, on: str) -> dict:
    """The term closed on `on`, its members in office 离任 that day."""
    return {**facts, "closed_on": on, "committee": [{**row, "left_on": row["left_on"] or on}
                                                    for row in facts["committee"]]}


def test_a_term_counts_open_from_its_election_and_due_in_its_expiry_year():
    c = cells(TERMS, 2021, FIRST)
    assert (c["orgs"], c["elected"], c["appointed"], c["not_elected"]) == (1, 1, 0, 0)
    assert (c["completed_total"], c["completed_1"], c["completed_first"], c["expiring"]) == (1, 1, 1, 0)
    assert cells(TERMS, 2020, FIRST)["not_elected"] == 1  # the branch existed, no term yet
    assert cells(TERMS, 2024, FIRST)["expiring"] == 1 and cells(TERMS, 2023, FIRST)["expiring"] == 0
    assert cells(TERMS, 2023, FIRST)["overdue"] == 0
    assert cells(TERMS, 2024, FIRST)["overdue"] == 1 and cells(TERMS, 2026, FIRST)["overdue"] == 1


def test_an_expiry_on_the_last_day_of_the_year_is_not_overdue_at_that_year_end():
    late = {**FIRST, "expires_on": "2024-12-31"}
    assert cells(TERMS, 2024, late)["overdue"] == 0 and cells(TERMS, 2025, late)["overdue"] == 1


def test_a_new_term_closes_the_old_one_on_its_election_day():
    old = closed(FIRST, "2024-06-01")
    new = {**FIRST, "id": 8, "number": 2, "elected_on": "2024-06-01", "expires_on": "2027-06-01",
           "committee": [{**ROW, "row_id": 5, "since": "2024-06-01"}]}
    c = cells(TERMS, 2024, old, new)
    assert (c["elected"], c["not_elected"], c["overdue"], c["expiring"]) == (1, 0, 0, 1)
    assert (c["completed_total"], c["completed_first"]) == (1, 0)
    assert cells(COMMITTEES, 2024, old, new)["total"] == 1
    assert cells(TERMS, 2023, old, new)["elected"] == 1  # the old one, then


def test_an_early_election_the_year_before_takes_the_old_term_out_of_its_expiry_year():
    old = closed(FIRST, "2023-10-01")
    assert cells(TERMS, 2024, old)["expiring"] == 0
    assert cells(TERMS, 2023, closed(FIRST, "2024-01-02"))["expiring"] == 0
    assert cells(TERMS, 2024, closed(FIRST, "2024-01-02"))["expiring"] == 1


def test_an_approved_postponement_is_not_overdue_until_it_ends():
    postponed = {**FIRST, "postponed_to": "2025-03-01"}
    c = cells(TERMS, 2024, postponed)
    assert (c["overdue"], c["postponed"]) == (0, 1)
    c = cells(TERMS, 2025, postponed)
    assert (c["overdue"], c["postponed"]) == (1, 0)
    c = cells(TERMS, 2025, closed(postponed, "2025-02-01"))
    assert (c["overdue"], c["postponed"], c["elected"]) == (0, 0, 0)


def test_an_appointed_leadership_has_no_expiry():
    appointed = {**FIRST, "method": "3", "term_years": None, "expires_on": None}
    c = cells(TERMS, 2030, appointed)
    assert (c["elected"], c["appointed"], c["not_elected"], c["overdue"], c["expiring"]) == (0, 1, 1, 0, 0)
    assert cells(TERMS, 2021, appointed)["completed_3"] == 1


def test_a_revoked_organization_counts_neither_itself_nor_its_closed_term():
    revoked = {**BRANCH, "status": "revoked", "revoked_on": "2025-04-01"}
    c = cells(TERMS, 2025, closed(FIRST, "2025-04-01"), orgs=(revoked,))
    assert (c["orgs"], c["elected"], c["not_elected"], c["overdue"]) == (0, 0, 0, 0)
    assert cells(COMMITTEES, 2025, closed(FIRST, "2025-04-01"), orgs=(revoked,))["total"] == 0


def test_committee_members_in_office_on_each_year_end_by_post_and_how():
    c = cells(COMMITTEES, 2021, FIRST)
    assert (c["total"], c["post_01"], c["post_03"], c["post_06"], c["how_1"], c["how_2"]) == (3, 1, 1, 1, 3, 0)
    c = cells(COMMITTEES, 2022, FIRST)  # 13 left in March, 14 came by 补选 in April
    assert (c["total"], c["post_06"], c["how_1"], c["how_2"]) == (3, 1, 2, 1)
    assert cells(COMMITTEES, 2020, FIRST)["total"] == 0


def test_every_table_sum_holds():
    for year in range(2020, 2027):
        for table in (TERMS, COMMITTEES):
            result = evaluate(table, figures([(*k, n) for k, n in term_entries(FIRST).items() if n], year))
            row = result["rows"][0]["cells"]
            for check in result["sums"]:
                assert row[check["total"]] == sum(row[part] for part in check["parts"])


def test_a_change_moves_only_what_changed_and_no_term_counts_nothing():
    approved = {**FIRST, "approved_on": "2021-06-01", "approval_no": "组字1号"}
    assert delta(rolled(term_entries(FIRST), "/1/2/5/"), rolled(term_entries(approved), "/1/2/5/")) == {}
    left = {**FIRST, "committee": [{**ROW, "left_on": "2023-02-01"}, *FIRST["committee"][1:]]}
    change = delta(rolled(term_entries(FIRST), "/1/2/5/"), rolled(term_entries(left), "/1/2/5/"))
    assert change == {(org, dimension, value, 2023): -1 for org in (1, 2, 5)
                      for dimension, value in (("committee_post", "01"), ("committee_how", "1"))}
    assert term_entries(None) == Counter() and term_facts({"payload": {}}) is None
    assert term_facts({"payload": FIRST}) == FIRST
