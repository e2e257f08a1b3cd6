"""设置报告期 (issue 17, docs/SETTINGS.md, docs/REPORT_TABLES.md): the report date is the root
organization's 系统设置 (one for the whole deployment; refused below the root). With 12-31 the report
year is the calendar year; set to 06-30, the stats service recounts every counter by it, so a member
who joined in August of last calendar year is this year's 发展党员 (report year N: the day after
(N−1)-06-30 to N-06-30), the report says 报告期 N年6月30日 and reconcile stays clean. Unset, every
count is back to the calendar year.

The system is shared by the session's e2e modules: the module puts the default back at its end."""
import subprocess
import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook

from tests.support.api import create_org
from tests.support.factories import member_data
from tests.support.helpers import assert_error, plain_dsn, wait_for

ROOT = Path(__file__).resolve().parents[2]

YEAR = date.today().year  # a report year in the past or the current one, whatever the report date
JOINED = f"{YEAR - 1}-08-01"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def t1(report: dict) -> dict:
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def developed(api, org_id: int, year: int) -> int:
    return t1(ok(api.get(f"/orgs/{org_id}/reports/{year}")))["increase_develop"]


def clean(api, org_id: int) -> None:
    wait_for(lambda: ok(api.post(f"/orgs/{org_id}/stats/reconcile"))["total_differences"], lambda n: n == 0,
             timeout=60, what="reconcile to be clean")


@pytest.fixture(scope="module")
def tree(api, root_id):
    committee = create_org(api, root_id, "报告期测试党委", "党委")
    branch = create_org(api, committee, "报告期测试支部", "党支部")
    member = ok(api.post("/members", json=member_data(branch, name="报告期新党员", category="预备党员",
                                                      joined_on=JOINED)), 201)
    yield {"committee": committee, "branch": branch, "member": member["id"]}
    # The default back for the session's other modules, and every count with it.
    api.put(f"/orgs/{root_id}/settings", json={"report_date": None})
    wait_for(lambda: developed(api, branch, YEAR - 1), lambda n: n == 1, timeout=120,
             what="the calendar year back after unsetting the report date")


def test_by_default_the_report_year_is_the_calendar_year(api, root_id, tree):
    wait_for(lambda: developed(api, tree["branch"], YEAR - 1), lambda n: n == 1, what="发展党员 counted")
    assert developed(api, tree["branch"], YEAR) == 0
    report = ok(api.get(f"/orgs/{root_id}/reports/{YEAR}"))
    assert report["period_end"] == f"{YEAR}-12-31"
    setting = next(i for i in ok(api.get(f"/orgs/{root_id}/settings"))["items"] if i["key"] == "report_date")
    assert setting["value"] == "12-31" and "只能在最上级党组织设置" in setting["note"]


def test_the_report_date_cannot_be_set_below_the_root(api, tree):
    for org_id in (tree["committee"], tree["branch"]):
        error = assert_error(api.put(f"/orgs/{org_id}/settings", json={"report_date": "06-30"}), 400, "validation")
        assert "只能在最上级党组织设置" in error["message"]
        item = next(i for i in ok(api.get(f"/orgs/{org_id}/settings"))["items"] if i["key"] == "report_date")
        assert item["value"] == "12-31" and not item["set_here"]  # nothing written
    assert ok(api.get(f"/orgs/{tree['committee']}/settings/history"))["total"] == 0
    # The page's form sends every key, the report date empty below the root: nothing to refuse.
    saved = ok(api.put(f"/orgs/{tree['committee']}/settings", json={"report_date": None, "development_due_days": 20}))
    assert {i["key"]: i["value"] for i in saved["items"]}["development_due_days"] == 20
    page = api.get(f"/orgs/{tree['committee']}/settings")
    assert page.status_code == 200


def test_a_june_report_date_recounts_every_counter_by_it(api, root_id, tree):
    ok(api.put(f"/orgs/{root_id}/settings", json={"report_date": "06-30"}))
    # The member who joined in August of last calendar year is this report year's 发展党员.
    wait_for(lambda: developed(api, tree["branch"], YEAR), lambda n: n == 1, timeout=120,
             what="the recount by the report date 06-30")
    assert developed(api, tree["branch"], YEAR - 1) == 0
    branch = t1(ok(api.get(f"/orgs/{tree['branch']}/reports/{YEAR}")))
    assert (branch["year_start"], branch["year_end"]) == (0, 1)
    root = ok(api.get(f"/orgs/{root_id}/reports/{YEAR}"))
    assert root["period_end"] == f"{YEAR}-06-30" and t1(root)["increase_develop"] >= 1
    # The setting is shown (and applies) below the root as the root's.
    item = next(i for i in ok(api.get(f"/orgs/{tree['branch']}/settings"))["items"] if i["key"] == "report_date")
    assert item["value"] == "06-30" and item["set_at_org"]["id"] == root_id
    # The Excel says the period.
    workbook = api.get(f"/orgs/{tree['branch']}/reports/{YEAR}.xlsx")
    assert workbook.status_code == 200, workbook.text
    cover = load_workbook(BytesIO(workbook.content))["封面"]
    assert ["报告期", f"{YEAR}年6月30日"] in [[c.value for c in row] for row in cover.iter_rows(min_row=3)]
    clean(api, root_id)
    clean(api, tree["branch"])


def test_unset_gives_the_calendar_year_back(api, root_id, tree):
    ok(api.put(f"/orgs/{root_id}/settings", json={"report_date": None}))
    wait_for(lambda: developed(api, tree["branch"], YEAR - 1), lambda n: n == 1, timeout=120,
             what="the recount by the calendar year")
    assert developed(api, tree["branch"], YEAR) == 0
    assert ok(api.get(f"/orgs/{root_id}/reports/{YEAR}"))["period_end"] == f"{YEAR}-12-31"
    clean(api, root_id)


def test_a_report_date_set_before_the_statistics_read_it_is_announced_at_start(system, api, root_id, tree):
    """A deployment that set the root's report date before this release has the setting and its
    history but no event: the next start (bootstrap) announces it, and the counters follow."""
    dsn = plain_dsn(system)
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO org.settings (org_id, key, value, updated_by, updated_at) "
                     "VALUES (%s, 'report_date', '\"06-30\"', 'admin', now())", (root_id,))
        conn.execute("INSERT INTO org.setting_changes (org_id, key, old_value, new_value, username, at) "
                     "VALUES (%s, 'report_date', NULL, '\"06-30\"', 'admin', now())", (root_id,))
    started = subprocess.run([sys.executable, "-m", "services.org.bootstrap"], env=system.env, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    wait_for(lambda: developed(api, tree["branch"], YEAR), lambda n: n == 1, timeout=120,
             what="the announced report date 06-30 counted")
    assert ok(api.get(f"/orgs/{root_id}/reports/{YEAR}"))["period_end"] == f"{YEAR}-06-30"
    ok(api.put(f"/orgs/{root_id}/settings", json={"report_date": None}))
    wait_for(lambda: developed(api, tree["branch"], YEAR - 1), lambda n: n == 1, timeout=120,
             what="the calendar year back")
