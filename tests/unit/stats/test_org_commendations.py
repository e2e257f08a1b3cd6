"""表12 表彰's organizations: what an organization's 奖励 (组织奖惩, carried by its events as
`commendations`) contribute (domain/counters.org_entries), rolled up to its ancestors, taken back
when a row is deleted or corrected (the fold's difference of states), and the table's columns and
校核 (domain/tables.T12), hand-counted. Pure."""
from collections import Counter
from datetime import date

from services.org.domain.org_card import SANCTION_FIELDS, commendation_facts, validate_entry
from services.shared.field_errors import FieldErrors
from services.stats.domain.counters import org_entries, rolled
from services.stats.domain.fold import Fact, fold, org_state
from services.stats.domain.report_cells import apply_correction
from services.stats.domain.report_checks import check
from services.stats.domain.tables import TABLES, evaluate, figures

T12 = next(table for table in TABLES if table.key == "t12")


def org(org_id: int, path: str, *commendations, **extra) -> dict:
    return {"id": org_id, "path": path, "type": "31", "status": "active", "established_on": "2010-01-01",
            "units": [], "commendations": [list(row) for row in commendations], **extra}


def t12(rows: Counter, year: int) -> dict:
    """The non-zero cells of 表12 of `year` over (dimension, value, year) entries; its 校核 hold."""
    result = evaluate(T12, figures([(d, v, y, n) for (d, v, y), n in rows.items() if n], year))
    cells = result["rows"][0]["cells"]
    for rule in result["sums"]:
        assert cells[rule["total"]] == sum(cells[part] for part in rule["parts"]), rule["label"]
    return {key: n for key, n in cells.items() if n}


def at(org_id: int, deltas: Counter) -> Counter:
    """What `deltas` ((org_id, dimension, value, year) → n) count at one organization."""
    return Counter({key[1:]: n for key, n in deltas.items() if key[0] == org_id and n})


def test_an_organization_counts_each_reward_in_its_year_by_level_and_itself_once_a_year():
    entries = org_entries(org(3, "/1/2/3/", ("2024-03-01", "3"), ("2024-07-01", "3"), ("2024-12-31", None),
                              ("2025-01-01", "1")))
    assert {k: n for k, n in entries.items() if k[0] in ("org_commended", "commended_orgs")} == {
        ("org_commended", "3", 2024): 2, ("org_commended", "", 2024): 1, ("org_commended", "1", 2025): 1,
        ("commended_orgs", "", 2024): 1, ("commended_orgs", "", 2025): 1}
    assert t12(entries, 2024) == {"orgs": 1, "org_total": 3, "org_level_3": 2, "org_level_none": 1}
    assert t12(entries, 2025) == {"orgs": 1, "org_total": 1, "org_level_1": 1}
    assert t12(entries, 2023) == {}


def test_a_revoked_organization_keeps_its_rewards_a_deleted_one_counts_none():
    rows = (("2020-05-01", "4"),)
    revoked = org_entries(org(3, "/1/3/", *rows, status="revoked", revoked_on="2022-01-01"))
    assert t12(revoked, 2020) == {"orgs": 1, "org_total": 1, "org_level_4": 1}
    assert not [k for k in org_entries(org(3, "/1/3/", *rows, status="deleted")) if k[0] == "org_commended"]
    assert not [k for k in org_entries(org(3, "/1/3/")) if k[0] in ("org_commended", "commended_orgs")]


def test_the_subtree_sums_each_organization_once_and_every_reward():
    # A 党委 (2) commended once, its branches 3 (twice in 2024) and 4 (once), another branch 5 none.
    orgs = [org(1, "/1/"), org(2, "/1/2/", ("2024-06-01", "2")), org(3, "/1/2/3/", ("2024-03-01", "4"),
            ("2024-09-01", "5")), org(4, "/1/2/4/", ("2024-07-01", "4")), org(5, "/1/2/5/")]
    counted: Counter = Counter()
    for state in orgs:
        counted.update(rolled(org_entries(state), state["path"]))
    assert t12(at(1, counted), 2024) == {"orgs": 3, "org_total": 4, "org_level_2": 1, "org_level_4": 2,
                                         "org_level_5": 1}
    assert t12(at(3, counted), 2024) == {"orgs": 1, "org_total": 2, "org_level_4": 1, "org_level_5": 1}
    assert t12(at(5, counted), 2024) == {}


def event(version: int, *commendations) -> dict:
    return {"type": "org_updated", "aggregate_id": "3", "aggregate_version": version,
            "payload": {**org(3, "/1/2/3/"), "commendations": [list(row) for row in commendations]}}


def test_a_reward_added_then_corrected_then_deleted_counts_then_moves_then_uncounts():
    added = fold([event(2, ("2024-05-01", "4"))], {3: Fact(1, "/1/2/3/", org_state(org(3, "/1/2/3/")))}, {}, {})
    assert at(1, added.deltas) == at(3, added.deltas) == Counter({("org_commended", "4", 2024): 1,
                                                                   ("commended_orgs", "", 2024): 1})
    counted = added.orgs[3]
    corrected = fold([event(3, ("2025-02-01", None))], {3: counted}, {}, {})  # its date and level corrected
    assert at(2, corrected.deltas) == Counter({("org_commended", "4", 2024): -1, ("commended_orgs", "", 2024): -1,
                                               ("org_commended", "", 2025): 1, ("commended_orgs", "", 2025): 1})
    removed = fold([event(4)], {3: corrected.orgs[3]}, {}, {})
    assert at(1, removed.deltas) == Counter({("org_commended", "", 2025): -1, ("commended_orgs", "", 2025): -1})
    total = Counter(added.deltas)
    for step in (corrected, removed):
        total.update(step.deltas)
    assert not +total and not -total  # added, corrected and deleted: nothing counted
    again = fold([event(2, ("2024-05-01", "4"))], {3: removed.orgs[3]}, {}, {})  # an old event again
    assert not again.deltas and not again.orgs


def test_an_org_event_without_commendations_counts_none():
    assert org_state({"id": 3, "path": "/1/3/", "type": "31"})["commendations"] == []
    assert org_state({"id": 3, "path": "/1/3/", "commendations": [["2024-01-02T00:00:00", ""]]})["commendations"] == [
        ["2024-01-02", None]]


def test_the_table_has_the_organizations_columns_and_check_and_a_correction_is_caught():
    keys = [column.key for column in T12.columns]
    assert keys[:2] == ["members", "total"] and keys[9:12] == ["orgs", "org_total", "org_level_1"]
    assert keys[-1] == "org_level_none" and len(keys) == 2 + 7 + 2 + 7
    labels = {column.key: (column.group, column.label) for column in T12.columns}
    assert labels["orgs"] == (None, "受表彰的基层党组织（个）") and labels["org_total"] == (None, "受表彰党组织（次）")
    assert labels["org_level_6"] == ("党组织按批准机关级别", "基层党组织")
    assert [(s.total, s.label) for s in T12.sums][1] == ("org_total", "受表彰党组织次数等于各批准机关级别之和")
    counted = [evaluate(table, figures([("org_commended", "2", 2024, 2), ("commended_orgs", "", 2024, 1)], 2024))
               for table in TABLES]
    assert check(counted)["passed"]
    corrected, _ = apply_correction(counted, {"table": "t12", "row": "total", "column": "org_total", "value": 3,
                                              "reason": "录改"})
    failures = [f for f in check(corrected)["failures"] if f["rule"] == "sum"]
    assert [f["message"] for f in failures] == [
        "表12（表彰）「合计」行：受表彰党组织次数等于各批准机关级别之和，但「受表彰党组织（次）」为3，各项之和为2（相差1）"]


def test_the_org_reward_row_takes_an_optional_level_and_events_carry_only_rewards():
    row = validate_entry(SANCTION_FIELDS, {"kind": "奖励", "name": "先进基层党组织", "approved_on": "2024-06-30",
                                           "approver": "中共某市委", "level": "市级"})
    assert row["level"] == "3" and row["kind"] == "1"
    assert validate_entry(SANCTION_FIELDS, {"kind": "1", "name": "先进", "approved_on": "2024-06-30",
                                            "approver": "某县委"})["level"] is None
    try:
        validate_entry(SANCTION_FIELDS, {"kind": "1", "name": "先进", "approved_on": "2024-06-30", "approver": "某县委",
                                         "level": "宇宙级"})
    except FieldErrors as exc:
        assert exc.fields == {"level": "未知的级别：宇宙级"}
    else:
        raise AssertionError("an unknown level was accepted")
    rows = [{"id": 2, "kind": "1", "approved_on": date(2024, 6, 30), "level": "3"},
            {"id": 1, "kind": "2", "approved_on": date(2024, 1, 1), "level": "6"},
            {"id": 3, "kind": "1", "approved_on": date(2023, 1, 1), "level": None}]
    assert commendation_facts(rows) == [["2023-01-01", None], ["2024-06-30", "3"]]
