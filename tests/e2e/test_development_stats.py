"""发展党员 in the annual report: applicants keyed through the pipeline over several years (one
accepted and confirmed, one a 发展对象 still, one whose 积极分子 was taken back by 回退, one deleted
today, one in a second branch), and probationary members extended then confirmed, or cancelled.
The development tables of each year end at a branch and at the 党委 above both equal what the
effective dates say (申请人/积极分子/发展对象 on hand, 发展党员 by sex/ethnicity/age/education/occupation,
转正 / 延长预备期 / 取消预备党员资格); reconcile (which recounts the applicants from the member
service) is clean; the applicant events delivered again and out of order change nothing; the
report's Excel has the tables."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.support.api import create_org
from tests.support.development import PATH, development_tree, upto
from tests.support.development import walk as walk_steps
from tests.support.factories import id_number, member_data
from tests.support.helpers import wait_for
from tests.support.stats_events import deliver_again, outbox_envelopes

YEAR = date.today().year
TABLES = ("applicants", "t13", "t14", "t15")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def applicant(api, org_id: int, name: str, applied_on: str, female=None, ethnicity="汉族") -> int:
    return ok(api.post("/applicants", json={
        "org_id": org_id, "name": name, "id_number": id_number(date(1998, 4, 2), female=female),
        "ethnicity": ethnicity, "applied_on": applied_on, "education": "大学本科", "occupation": "专业技术人员"}),
        201)["id"]


def probation(api, member_id: int, outcome: str, meeting_on: str, approved_on: str, **extra) -> None:
    ok(api.post(f"/members/{member_id}/probation", json={"outcome": outcome, "meeting_on": meeting_on,
                                                          "approved_on": approved_on, **extra}))


def counted(rpc, org_id: int, year: int) -> dict:
    """The non-zero cells of the development tables of the organization's year end: the 合计 row's
    by column, the other rows' (by 职业) as "row.column"."""
    report = rpc.call("stats", "counted_report", org_id=org_id, year=year)
    return {table["key"]: {(key if row["key"] == "total" else f"{row['key']}.{key}"): n
                           for row in table["rows"] for key, n in row["cells"].items() if n}
            for table in report["tables"] if table["key"] in TABLES}


def by_occupation(occupation: str, cells: dict) -> dict:
    """The 合计 row's cells again in one 职业 row (the only occupation of the members counted)."""
    return {**cells, **{f"{occupation}.{key}": n for key, n in cells.items()}}


def pool(applicants=0, activists=0, candidates=0, applied=0) -> dict:
    cells = {"applicants": applicants, "activists": activists, "candidates": candidates, "applied": applied,
             "total": applicants + activists + candidates}
    return {key: n for key, n in cells.items() if n}


@pytest.fixture(scope="module")
def developed(system, api, root_id):
    tree = development_tree(api, root_id, "发展统计党委", "发展统计一支部", ("统计甲", "统计乙"))
    committee, branch, full = tree["committee"], tree["branch"], tree["full"]
    second = create_org(api, committee, "发展统计二支部", "党支部")

    def walk(applicant_id: int, steps) -> dict:
        return walk_steps(api, full, applicant_id, steps)

    # Accepted at the 支部大会 of 2023-07-01 (approved 08-01), confirmed: 党龄 from 2024-07-01.
    accepted = applicant(api, branch, "统计接收", "2022-01-10", female=True, ethnicity="壮族")
    member_id = walk(accepted, PATH)["member_id"]
    probation(api, member_id, "confirm", "2024-07-05", "2024-07-20")
    # A 发展对象 since 2023-03-02.
    candidate = applicant(api, branch, "统计对象", "2022-01-10")
    walk(candidate, upto("branch_meeting"))
    # An activist from 2022-03-01, taken back by 回退: an applicant all along.
    undone = applicant(api, branch, "统计回退", "2022-01-10")
    walk(undone, upto("activist_filed"))
    ok(api.post(f"/applicants/{undone}/steps/undo", json={"reason": "确定积极分子的会议记录有误"}))
    # Deleted today: on hand at every year end before this one.
    deleted = applicant(api, branch, "统计删除", "2022-01-10")
    ok(api.request("DELETE", f"/applicants/{deleted}", json={"reason": "本人撤回申请"}))
    # In the second branch since 2024.
    applicant(api, second, "统计二支部", "2024-05-01")
    # Probationary members keyed in (joined 2024-03-01, so two 发展党员 of 2024): one extended by
    # 6 months in 2025 then confirmed at its new end, one cancelled in 2024.
    extended, cancelled = [ok(api.post("/members", json=member_data(
        branch, name=name, id_number=id_number(female=False), category="预备党员", joined_on="2024-03-01")), 201)["id"]
        for name in ("统计延长", "统计取消")]
    probation(api, extended, "extend", "2025-03-05", "2025-03-20", months=6)
    probation(api, extended, "confirm", "2025-09-05", "2025-09-20")
    probation(api, cancelled, "cancel", "2024-09-05", "2024-09-20")

    both_branches = {
        2021: {},
        2022: {"applicants": pool(applicants=2, activists=2, applied=4)},
        2023: {"applicants": pool(applicants=2, candidates=1),
               "t13": {"probationary_end": 1},
               "t14": by_occupation("occupation_3", {"total": 1, "female": 1, "minority": 1, "develop_a30": 1}),
               "t15": by_occupation("occupation_3", {"total": 1, "education_20": 1})},
        2024: {"applicants": pool(applicants=2, candidates=1),
               "t13": {"probationary_start": 1, "confirm_total": 1, "confirm_on_time": 1, "cancelled": 1,
                       "probationary_end": 1},
               "t14": by_occupation("occupation_none", {"total": 2, "develop_a40": 2}),
               "t15": by_occupation("occupation_none", {"total": 2, "education_none": 2})},
        2025: {"applicants": pool(applicants=2, candidates=1),
               "t13": {"probationary_start": 1, "confirm_total": 1, "confirm_extended": 1, "extended": 1}},
    }
    expected = {}
    for year, tables in both_branches.items():
        expected[("branch", year)] = {"applicants": {}, "t13": {}, "t14": {}, "t15": {}, **tables}
    expected[("branch", YEAR)] = {**expected[("branch", 2025)], "applicants": pool(applicants=1, candidates=1),
                                  "t13": {}}
    for year in expected_years():
        second_pool = pool(applicants=1, applied=int(year == 2024)) if year >= 2024 else {}
        tables = expected[("branch", year)]
        mine = tables["applicants"]
        summed = {key: mine.get(key, 0) + second_pool.get(key, 0) for key in {*mine, *second_pool}}
        expected[("second", year)] = {"applicants": second_pool, "t13": {}, "t14": {}, "t15": {}}
        expected[("committee", year)] = {**tables, "applicants": summed}
    orgs = {"committee": committee, "branch": branch, "second": second}
    return orgs, accepted, expected


def expected_years() -> range:
    return range(2021, YEAR + 1)


def settled(rpc, orgs: dict, expected: dict) -> None:
    for (name, year), tables in sorted(expected.items(), key=lambda item: (item[0][1], item[0][0])):
        wait_for(lambda: counted(rpc, orgs[name], year), lambda found: found == tables, timeout=30,
                 what=f"the development tables of {name} in {year}")


def test_each_year_end_counts_by_the_effective_dates_and_reconcile_is_clean(rpc, developed):
    orgs, _, expected = developed
    settled(rpc, orgs, expected)
    result = rpc.call("stats", "reconcile", org_id=orgs["committee"])
    assert result["total_differences"] == 0, result["differences"]


def test_the_applicant_events_again_and_out_of_order_change_nothing(system, rpc, developed):
    orgs, accepted, expected = developed
    settled(rpc, orgs, expected)
    envelopes = outbox_envelopes(system, "member", str(accepted), "applicant%")
    assert envelopes[0]["type"] == "applicant_created" and len(envelopes) >= 4  # created, activist, candidate, accepted
    deliver_again(system, "member", envelopes)
    settled(rpc, orgs, expected)
    assert rpc.call("stats", "reconcile", org_id=orgs["committee"])["total_differences"] == 0


def test_the_excel_export_has_the_development_tables(api, rpc, developed):
    orgs, _, expected = developed
    settled(rpc, orgs, expected)
    workbook = load_workbook(BytesIO(api.get(f"/orgs/{orgs['committee']}/reports/2024.xlsx").content))
    for sheet_name, table in (("表13 预备党员转正", "t13"), ("表14 发展党员（一）", "t14"),
                              ("表15 发展党员（二）", "t15"), ("入党申请人、入党积极分子和发展对象", "applicants")):
        sheet = workbook[sheet_name]
        labels = [cell for row in sheet.iter_rows(max_row=4, values_only=True) for cell in row if cell]
        by_label = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
        report = rpc.call("stats", "counted_report", org_id=orgs["committee"], year=2024)
        counted_table = next(t for t in report["tables"] if t["key"] == table)
        columns = counted_table["columns"]
        assert [c["label"] for c in columns if c["label"] not in labels] == []
        cells = {}
        for row in counted_table["rows"]:  # 合计, then (表14, 15) one row per 职业, each in the sheet
            prefix = "" if row["key"] == "total" else f"{row['key']}."
            cells.update({prefix + c["key"]: n for c, n in zip(columns, by_label[row["label"]][1:])})
        assert {key: n for key, n in cells.items() if n} == expected[("committee", 2024)][table]

