"""The annual report RPC over counters the ingesters keep from events: effective dates (a death
on 12-20 keyed in later belongs to that year), subtree and direct scope, bad input."""
from datetime import date

import pytest

from services.shared.context import Caller
from tests.support.helpers import remote_error
from tests.support.stats_events import member_event

YEAR = 2024


def contract_facts(org_id: int, org_path: str, **overrides) -> dict:
    """Member facts with every field of the event contract."""
    facts = {"org_id": org_id, "org_path": org_path, "status": "active", "sex": "1", "category": "01",
             "ethnicity": "01", "birth_date": "1980-05-05", "joined_on": "2000-01-01", "leave_kind": None,
             "left_on": None, "education": None, "occupation": None, "full_on": None, "evaluations": {}, "absences": []}
    facts.update(overrides)
    return facts


def cells(report: dict, table: str) -> dict:
    return next(t for t in report["tables"] if t["key"] == table)["rows"][0]["cells"]


@pytest.fixture
def paths(rpc, tree) -> dict:
    return {name: rpc.call("org", "org_path", org_id=org_id)["path"] for name, org_id in tree.items()}


@pytest.fixture
def reported(events, tree, paths):
    """Three members: A since 2019 (female, 壮族, 本科, evaluated 优秀 in 2024), B joined in
    2024 (probationary, in the other branch), C since 2000 who died on 2024-12-20 (keyed in
    afterwards: the later event carries the date it took effect)."""
    one, two = (tree["one"], paths["one"]), (tree["two"], paths["two"])
    a = contract_facts(*one, sex="2", ethnicity="08", birth_date="1990-03-01", joined_on="2019-03-01",
                       full_on="2020-03-01", education="20", occupation="3", evaluations={"2024": "1"})
    b = contract_facts(*two, category="02", joined_on="2024-06-01", birth_date="2000-01-01")
    c_alive = contract_facts(*one, birth_date="1950-01-01", joined_on="2000-01-01")
    c_dead = {**c_alive, "status": "left", "leave_kind": "10", "left_on": "2024-12-20"}
    ids = [events.new_member() for _ in range(3)]
    published = [member_event(ids[0], 1, a), member_event(ids[1], 1, b), member_event(ids[2], 1, c_alive),
                 member_event(ids[2], 2, c_dead, before=c_alive)]
    events.publish(*reversed(published))
    events.wait_processed(*published)
    return ids


def test_table_one_counts_each_change_in_the_year_it_took_effect(rpc, tree, reported):
    report = rpc.call("stats", "counted_report", org_id=tree["committee"], year=YEAR)
    assert (report["org_id"], report["year"], report["period_end"], report["scope"]) == (
        tree["committee"], YEAR, "2024-12-31", "subtree")
    assert report["year_start_total"] == 2 and report["year_end_total"] == 2
    t1 = cells(report, "t1")
    assert t1["year_start"] == 2 and t1["increase_develop"] == 1 and t1["increase_total"] == 1
    assert t1["decrease_death"] == 1 and t1["decrease_total"] == 1 and t1["year_end"] == 2
    assert t1["difference"] == 0
    earlier = rpc.call("stats", "counted_report", org_id=tree["committee"], year=2023)
    assert cells(earlier, "t1")["year_end"] == 2 and cells(earlier, "t1")["decrease_total"] == 0


def test_other_tables_and_the_report_shape(rpc, tree, reported):
    report = rpc.call("stats", "counted_report", org_id=tree["committee"], year=YEAR)
    assert [t["key"] for t in report["tables"]] == ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10",
                                                   "t11", "t12", "t13", "t14", "t15", "applicants", "orgs",
                                                   "mobile", "terms", "committees"]
    t1 = report["tables"][0]
    assert t1["title"] == "两年党员数综合比较" and t1["rows"][0]["label"] == "合计"
    assert {"key": "increase_develop", "label": "发展党员", "group": "增加党员"} in t1["columns"]
    parts = ["increase_develop", "increase_restore", "increase_transfer_in", "increase_other"]
    assert {"total": "increase_total", "parts": parts, "label": "增加党员合计等于各项增加之和"} in t1["sums"]
    t2 = cells(report, "t2")
    assert (t2["total"], t2["female"], t2["minority"], t2["probationary"]) == (2, 1, 1, 1)
    assert t2["a30"] == 1 and t2["a35"] == 1  # B is 24, A is 34 at 2024-12-31
    by_occupation = {row["key"]: row["cells"] for row in report["tables"][1]["rows"]}
    assert by_occupation["occupation_3"]["total"] == by_occupation["occupation_none"]["total"] == 1
    assert by_occupation["occupation_3"]["female"] + by_occupation["occupation_none"]["female"] == 1
    assert {"total": "total", "parts": [row["key"] for row in report["tables"][1]["rows"][1:]],
            "label": "合计行等于各职业行之和"} in report["tables"][1]["row_sums"]
    assert cells(report, "t4")["education_20"] == 1 and cells(report, "t4")["education_none"] == 1
    assert cells(report, "t8")["participants"] == 1 and cells(report, "t8")["grade_1"] == 1
    assert cells(report, "orgs")["type_11"] == 1 and cells(report, "orgs")["type_31"] == 2


def test_direct_scope_is_the_organization_alone(rpc, tree, reported):
    direct = rpc.call("stats", "counted_report", org_id=tree["committee"], year=YEAR, scope="direct")
    assert direct["scope"] == "direct" and direct["year_end_total"] == 0
    assert cells(direct, "orgs")["total"] == 1 and cells(direct, "orgs")["type_11"] == 1
    branch = rpc.call("stats", "counted_report", org_id=tree["one"], year=YEAR, scope="direct")
    assert branch["year_end_total"] == 1 and cells(branch, "t1")["decrease_death"] == 1


def test_bad_years_scopes_and_organizations_are_refused_in_chinese(rpc, tree, paths):
    for year in (1900, date.today().year + 1, "二〇二四", 2024.5, None, True):
        error = remote_error(lambda: rpc.call("stats", "counted_report", org_id=tree["committee"], year=year))
        assert error.exc_type == "ValidationFailed" and error.exc_args[0].startswith("年份无效"), year
    error = remote_error(lambda: rpc.call("stats", "counted_report", org_id=tree["committee"], year=YEAR, scope="all"))
    assert error.exc_type == "ValidationFailed" and "统计范围" in error.exc_args[0]
    assert remote_error(lambda: rpc.call("stats", "counted_report", org_id=987654321, year=YEAR)).exc_type == "NotFound"
    branch_only = Caller("staff", paths["one"])
    error = remote_error(lambda: rpc.call("stats", "counted_report", caller=branch_only, org_id=tree["committee"],
                                          year=YEAR))
    assert error.exc_type == "Forbidden" and "无权" in error.exc_args[0]
    assert rpc.call("stats", "counted_report", caller=branch_only, org_id=tree["one"], year="2024")["year"] == YEAR
