"""表5 乡镇/村, 表6 街道/社区, 表7 学生党员: the units and members counted by unit kind, the students
by 学历 (pure contributions and table evaluation over hand-counted fixtures)."""
from collections import Counter

from services.stats.domain.counters import (
    kind_at,
    org_entries,
    placed,
    placed_rolled,
    relabelled,
    unit_kind,
    with_unit_kind,
)
from services.stats.domain.fold import NOTHING, Fact, fold, member_change, org_state
from services.stats.domain.tables import TABLES, evaluate, figures

TOWN, STREET, VILLAGE, COMMUNITY = "11", "12", "51", "52"
MEMBER = {"status": "active", "sex": "1", "category": "01", "ethnicity": "01", "birth_date": "1980-05-05",
          "joined_on": "2010-07-01", "education": "30", "occupation": "2"}


def org(org_id: int, path: str, *units, established_on="2000-01-01", **extra) -> dict:
    return {"id": org_id, "path": path, "type": "63", "status": "active", "established_on": established_on,
            "units": [{"category": category, "party_setup": setup} for category, setup in units], **extra}


# A 乡镇党委 (2) also recording a village that has no party organization; two 村党支部 (3: one
# village on its own, 4: a 联合党支部 of two villages); a 社区党委 (6), a 街道党工委 (7), a root without units.
ORGS = [org(1, "/1/"), org(2, "/1/2/", (TOWN, "1"), (VILLAGE, "3")), org(3, "/1/2/3/", (VILLAGE, "1")),
        org(4, "/1/2/4/", (VILLAGE, "2"), (VILLAGE, "2")), org(6, "/1/6/", (COMMUNITY, "1")),
        org(7, "/1/7/", (STREET, "1"), (COMMUNITY, "3"))]
KINDS = {o["id"]: unit_kind(o["units"]) for o in ORGS if unit_kind(o["units"])}


def cells(entries: list, year: int) -> dict:
    """The root's tables: every entry counted at the root (rolled up, the whole tree)."""
    total: Counter = Counter()
    for counted in entries:
        total.update(counted)
    counted = figures([(d, v, y, n) for (d, v, y), n in total.items() if n], year)
    return {table.key: evaluate(table, counted)["rows"][0]["cells"] for table in TABLES}


def member_parts(facts: dict, path: str, moves=(), kinds=None) -> Counter:
    result: Counter = Counter()
    for _, entries in placed(facts, path, moves, KINDS if kinds is None else kinds):
        result.update(entries)
    return result


def test_the_unit_kind_is_the_first_unit_of_a_counted_kind():
    assert unit_kind([]) == "" and unit_kind(None) == ""
    assert unit_kind([{"category": "31", "party_setup": "1"}, {"category": VILLAGE, "party_setup": "1"}]) == VILLAGE
    assert KINDS == {2: TOWN, 3: VILLAGE, 4: VILLAGE, 6: COMMUNITY, 7: STREET}
    assert kind_at("/1/2/3/", KINDS) == VILLAGE and kind_at("/1/", KINDS) == "" and kind_at("/1/2/", None) == ""


def test_an_organization_counts_its_units_and_its_kind_while_it_exists():
    entries = org_entries(org(4, "/1/2/4/", (VILLAGE, "2"), (VILLAGE, "2"), ("31", "1"), established_on="2020-03-01"))
    assert entries[("unit", "51/2", 2020)] == 2 and entries[("org_unit_kind", VILLAGE, 2020)] == 1
    assert not any(d == "unit" and v.startswith("31") for d, v, _ in entries)
    revoked = org_entries(org(4, "/1/2/4/", (VILLAGE, "1"), established_on="2020-03-01", status="revoked",
                              revoked_on="2024-06-01"))
    assert revoked[("unit", "51/1", 2020)] == 1 and revoked[("unit", "51/1", 2024)] == -1
    assert revoked[("org_unit_kind", VILLAGE, 2024)] == -1
    assert org_state({**ORGS[1], "code": "x"})["units"] == ORGS[1]["units"]  # the event's units reach the state


def test_members_count_by_the_unit_kind_of_the_organization_they_are_in():
    village = member_parts(MEMBER, "/1/2/3/")
    assert village[("unit_members", VILLAGE, 2010)] == 1 and village[("total", "", 2010)] == 1
    assert member_parts(MEMBER, "/1/")[("unit_members", VILLAGE, 2010)] == 0
    assert not any(d == "unit_members" for d, _, _ in member_parts(MEMBER, "/1/"))
    # A 省内 transfer on 2020-05-01 from the 乡镇党委 to the 社区: the years before stay with the town.
    moved = member_parts(MEMBER, "/1/6/", [("2020-05-01", "/1/2/")])
    assert moved[("unit_members", TOWN, 2010)] == 1 and moved[("unit_members", TOWN, 2020)] == -1
    assert moved[("unit_members", COMMUNITY, 2020)] == 1
    left = {**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2023-02-01"}
    assert member_parts(left, "/1/6/")[("unit_members", COMMUNITY, 2023)] == -1


def test_tables_five_and_six_hand_counted():
    members = [member_parts(MEMBER, "/1/2/"),  # 乡镇
               member_parts(MEMBER, "/1/2/3/"), member_parts(MEMBER, "/1/2/3/"),  # 村 (3)
               member_parts(MEMBER, "/1/2/4/"),  # 村 (4)
               member_parts({**MEMBER, "joined_on": "2026-01-05"}, "/1/2/4/"),  # joined after the year end
               member_parts(MEMBER, "/1/6/"),  # 社区
               member_parts(MEMBER, "/1/7/"), member_parts(MEMBER, "/1/")]  # 街道; no unit kind
    report = cells([*map(org_entries, ORGS), *members], 2025)
    assert report["t5"] == {
        "towns": 1, "towns_with_org": 1, "town_setup_1": 1, "town_setup_2": 0, "town_setup_3": 0,
        "town_orgs": 1, "town_members": 1,
        "villages": 4, "villages_with_org": 3, "village_setup_1": 1, "village_setup_2": 2, "village_setup_3": 1,
        "village_orgs": 2, "village_members": 3}
    assert report["t6"] == {
        "streets": 1, "streets_with_org": 1, "street_setup_1": 1, "street_setup_2": 0, "street_setup_3": 0,
        "street_orgs": 1, "street_members": 1,
        "communities": 2, "communities_with_org": 1, "community_setup_1": 1, "community_setup_2": 0,
        "community_setup_3": 1, "community_orgs": 1, "community_members": 1}
    assert cells([*map(org_entries, ORGS)], 1999)["t5"]["villages"] == 0  # before the organizations existed


def test_a_kind_change_relabels_exactly_what_a_recount_with_the_new_kind_gives():
    """The consumer moves the members counted at an organization whose unit kind changes
    (relabelled, from their `total` entries there); the result equals counting them anew."""
    mover = {**MEMBER, "joined_on": "2012-03-01"}
    people = [(MEMBER, "/1/2/3/", ()), (mover, "/1/6/", [("2018-04-01", "/1/2/3/")]),
              ({**MEMBER, "status": "left", "leave_kind": "10", "left_on": "2021-01-01"}, "/1/2/3/", ())]
    new_kinds = {**KINDS, 3: COMMUNITY}
    before = Counter()
    for facts, path, moves in people:
        before.update(placed_rolled(facts, path, moves, KINDS))
    at_three = Counter()  # what the consumer reads: the `total` entries counted at org 3 itself
    for facts, path, moves in people:
        for where, entries in placed(facts, path, moves):
            if where == "/1/2/3/":
                for (dimension, _, year), n in entries.items():
                    if dimension == "total":
                        at_three[year] += n
    before.update(relabelled(at_three, VILLAGE, COMMUNITY, "/1/2/3/"))
    after = Counter()
    for facts, path, moves in people:
        after.update(placed_rolled(facts, path, moves, new_kinds))
    assert +before == +after
    assert relabelled(Counter({2010: 2}), "", VILLAGE, "/1/3/") == Counter(
        {(1, "unit_members", VILLAGE, 2010): 2, (3, "unit_members", VILLAGE, 2010): 2})


def test_the_fold_counts_members_with_the_kinds_it_is_given():
    event = {"type": "member_created", "aggregate_id": "9", "aggregate_version": 1,
             "payload": {"member_id": 9, "after": {**MEMBER, "org_id": 3, "org_path": "/1/2/3/"}}}
    folded = fold([event], {}, {}, {3: "/1/2/3/"}, kinds=KINDS)
    assert folded.deltas[(1, "unit_members", VILLAGE, 2010)] == 1
    assert folded.deltas[(3, "unit_members", VILLAGE, 2010)] == 1
    old, new = Fact(1, "/1/2/3/", MEMBER), Fact(2, "/1/2/3/", {**MEMBER, "education": "20"})
    assert not any(key[1] == "unit_members" for key in member_change(old, new, (), KINDS))  # unchanged
    moved = member_change(old, Fact(2, "/1/6/", MEMBER), (), KINDS)
    assert moved[(6, "unit_members", COMMUNITY, 2010)] == 1 and moved[(3, "unit_members", VILLAGE, 2010)] == -1
    assert member_change(NOTHING, old, (), KINDS) == placed_rolled(MEMBER, "/1/2/3/", (), KINDS)
    assert with_unit_kind(Counter({("total", "", 2001): 1}), "") == Counter({("total", "", 2001): 1})


def test_table_seven_students_by_education_developed_and_older():
    student = {**MEMBER, "occupation": "6", "birth_date": "2003-01-01"}
    people = [member_parts({**student, "education": "20"}, "/1/"),
              member_parts({**student, "education": "10", "joined_on": "2025-06-01"}, "/1/"),  # developed
              member_parts({**student, "education": "20", "birth_date": "1978-05-05"}, "/1/"),  # 47 at 2025-12-31
              member_parts({**student, "education": None}, "/1/"),
              member_parts({**student, "joined_on": "2026-02-01"}, "/1/"),  # after the year end
              member_parts({**MEMBER, "joined_on": "2025-03-01"}, "/1/")]  # not a student
    t7 = cells(people, 2025)["t7"]
    assert t7 == {"total": 4, "education_10": 1, "education_20": 2, "education_30": 0, "education_40": 0,
                  "education_60": 0, "education_70": 0, "education_none": 1, "developed": 1, "older": 1}
    assert cells(people, 2024)["t7"]["total"] == 3 and cells(people, 2024)["t7"]["developed"] == 0


def test_the_new_tables_checks_hold():
    report = cells([*map(org_entries, ORGS), member_parts(MEMBER, "/1/2/3/"),
                    member_parts({**MEMBER, "occupation": "6"}, "/1/6/")], 2025)
    for table in TABLES:
        if table.key in ("t5", "t6", "t7"):
            for check in table.sums:
                assert report[table.key][check.total] == sum(report[table.key][p] for p in check.parts), check.label
