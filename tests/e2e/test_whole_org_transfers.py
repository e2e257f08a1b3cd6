"""整建制转移 through the JSON API (issue 10): an organization with its subtree and members goes to
another parent through the 省内 route (发起 → 审批 → 审批 → 接收); on 接收 the org service moves it
(the saga), the members follow by the projections, the report counts the members as 整建制转出/转入
on the 接收 date at the parents' ends and lists them in the attachment 整建制转入/转出情况, and
reconcile stays clean. While it is in flight its members cannot be sent alone and the organization
cannot be moved or revoked otherwise. Hostile input: 400 in Chinese; out of scope 403/404; two
receives at once move it once; a move inside one 基层党委 counts nothing."""
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from io import BytesIO

import psycopg
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.api import complete_member, create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import CJK, assert_error, plain_dsn, wait_for

TODAY = date.today()
YEAR = TODAY.year


@pytest.fixture(scope="module")
def tree(system, api, root_id):
    """A and B, two 党委 under the root; X, a 党总支 of A with two branches and three members, moves
    to BX, a 党总支 of B; C is unrelated. A clerk for each."""
    orgs = {key: create_org(api, root_id, name, "党委")
            for key, name in (("A", "整建制转出党委"), ("B", "整建制接收党委"), ("C", "整建制无关党委"))}
    orgs["X"] = create_org(api, orgs["A"], "整建制转移总支", "党总支")
    orgs["X1"] = create_org(api, orgs["X"], "整建制第一支部")
    orgs["X2"] = create_org(api, orgs["X"], "整建制第二支部")
    orgs["A2"] = create_org(api, orgs["A"], "转出党委第二总支", "党总支")
    orgs["BX"] = create_org(api, orgs["B"], "接收党委第一总支", "党总支")
    orgs["B1"] = create_org(api, orgs["B"], "接收党委第一支部")
    members = [complete_member(api, orgs["X1"], "整建制甲"),
               _member(api, orgs["X1"], "整建制乙"), _member(api, orgs["X2"], "整建制丙")]
    clerks = {name: staff_client(system, api, orgs[name], f"wo{name.lower()}") for name in ("A", "B", "BX", "C", "X")}
    yield orgs, members, clerks
    for client in clerks.values():
        client.close()


def _member(api, org_id: int, name: str) -> int:
    response = api.post("/members", json=member_data(org_id, name=name))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def act(client, transfer: dict, action: str, **data):
    return client.post(f"/transfers/{transfer['id']}/{action}", json={"version": transfer["version"], **data})


def steps(transfer: dict) -> list[tuple]:
    return [(s["org_id"], s["action"], s["state"]) for s in transfer["route"]]


def whole_org_cells(api, org_id: int) -> dict:
    return {key: n for key, n in t1_cells(api, org_id).items() if n and "whole_org" in key}


def t1_cells(api, org_id: int, year: int = YEAR) -> dict:
    report = ok(api.get(f"/orgs/{org_id}/reports/{year}"))
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def received(client, transfer_id: int) -> dict:
    return wait_for(lambda: ok(client.get(f"/transfers/{transfer_id}")), lambda t: t["state"] == "received",
                    timeout=30, what="the org service to move the organization")


def test_whole_organization_from_application_to_the_report(system, api, tree):
    orgs, members, clerks = tree
    x = ok(api.get(f"/orgs/{orgs['X']}"))
    preview = ok(api.post(f"/orgs/{orgs['X']}/transfers/preview", json={"to_parent_id": orgs["BX"],
                                                                         "reason": "99"}))
    assert preview["member_count"] == 3 and preview["counted"] is True
    assert [(s["org_id"], s["action"]) for s in preview["route"]] == [
        (orgs["A"], "approve"), (orgs["B"], "approve"), (orgs["BX"], "receive")]

    created = ok(api.post(f"/orgs/{orgs['X']}/transfers", json={"to_parent_id": orgs["BX"], "reason": "99"}),
                 201)
    assert (created["kind"], created["kind_name"], created["org_id"], created["member_count"]) == (
        "whole_org", "整建制转移", orgs["X"], 3)
    assert (created["member_id"], created["from_org_id"], created["to_org_id"]) == (None, orgs["A"], orgs["BX"])
    assert steps(created) == [(orgs["A"], "approve", "current"), (orgs["B"], "approve", "waiting"),
                              (orgs["BX"], "receive", "waiting")]
    assert re.fullmatch(rf"{YEAR}\d{{6}}", created["letter_no"])
    assert "reapply" not in created["actions"] and "reroute" not in created["actions"]

    # In flight: the members are in transit with it, and it cannot be moved or revoked otherwise.
    alone = assert_error(clerks["A"].post("/transfers", json={
        "member_id": members[0], "kind": "within", "to_org_id": orgs["B1"], "reason": "01",
        "dues_paid_to": f"{YEAR}-01"}), 409)
    assert "整建制转移" in alone["message"]
    move = assert_error(api.post(f"/orgs/{orgs['X']}/move", json={
        "parent_id": orgs["C"], "date": TODAY.isoformat(), "reason": "调整", "version": x["version"]}), 409)
    assert "整建制转移" in move["message"]
    branch = ok(api.get(f"/orgs/{orgs['X2']}"))
    revoke = assert_error(api.post(f"/orgs/{orgs['X2']}/revoke", json={
        "date": TODAY.isoformat(), "reason": "撤销", "version": branch["version"]}), 409)
    assert "整建制转移" in revoke["message"]
    assert_error(api.post(f"/orgs/{orgs['X']}/transfers", json={"to_parent_id": orgs["C"], "reason": "99"}), 409)
    assert_error(api.post(f"/orgs/{orgs['X1']}/transfers", json={"to_parent_id": orgs["C"], "reason": "99"}), 409)
    # Its members' cards say so (the member service follows transfer_applied), and their
    # organization cannot be changed on the card meanwhile.
    card = wait_for(lambda: ok(api.get(f"/members/{members[2]}")), lambda m: m["in_transit"] is not None,
                    timeout=30, what="the member card to show the 整建制转移")
    assert card["in_transit"] == {"transfer_id": created["id"], "whole_org": True}
    edit = assert_error(api.patch(f"/members/{members[2]}", json={"version": card["version"], "org_id": orgs["A2"]}),
                        409)
    assert "整建制转移" in edit["message"]
    assert ok(api.get(f"/members/{members[2]}"))["org_id"] == orgs["X2"]
    assert ok(api.get(f"/members/{_member(api, orgs['A2'], '不随转')}"))["in_transit"] is None

    # Who sees it: the route, and the organization moved; not an unrelated 党委.
    assert ok(clerks["X"].get(f"/transfers/{created['id']}"))["org_name"] == "整建制转移总支"
    assert clerks["C"].get(f"/transfers/{created['id']}").status_code in (403, 404)

    # One letter, the members' list attached.
    response = clerks["A"].get(f"/transfers/{created['id']}/letter.pdf")
    assert response.status_code == 200, response.text
    pages = PdfReader(BytesIO(response.content)).pages
    first, attached = (re.sub(r"\s+", "", page.extract_text()) for page in (pages[0], pages[1]))
    assert first.count(f"第{created['letter_no']}号") == 3
    assert "整建制转移总支整建制转移，全体党员3名（名单附后）" in first and "接收党委第一总支" in first
    assert "附：整建制转移党员名单" in attached and "第1页，共1页" in attached
    for name in ("整建制甲", "整建制乙", "整建制丙", "整建制第一支部", "整建制第二支部"):
        assert name in attached, name

    at_root = whole_org_cells(api, system.root_id)  # other tests of the session move organizations too
    approved = ok(act(clerks["A"], created, "approve", opinion="同意"))
    approved = ok(act(clerks["B"], approved, "approve"))
    assert approved["state"] == "to_receive"
    assert_error(act(clerks["BX"], approved, "receive", assign_to_org_id=orgs["B1"]), 400)
    ok(act(clerks["BX"], approved, "receive", date=TODAY.isoformat()))
    done = received(clerks["BX"], created["id"])
    assert done["receipt"]["auto"] is True and done["history"][-1]["action"] == "transferred"

    # The subtree moved; members stay in their organizations and their paths follow.
    bx = ok(api.get(f"/orgs/{orgs['BX']}"))
    moved = ok(api.get(f"/orgs/{orgs['X']}"))
    assert moved["parent_id"] == orgs["BX"] and moved["path"] == f"{bx['path']}{orgs['X']}/"
    assert ok(api.get(f"/orgs/{orgs['X1']}"))["path"] == f"{moved['path']}{orgs['X1']}/"
    wait_for(lambda: ok(api.get(f"/members/{members[2]}")), lambda m: m["org_path"].startswith(moved["path"]),
             timeout=30, what="the member's organization path to follow the move")
    assert ok(api.get(f"/members/{members[2]}"))["org_id"] == orgs["X2"]
    wait_for(lambda: ok(api.get(f"/members/{members[2]}"))["in_transit"], lambda t: t is None, timeout=30,
             what="the card's 整建制转移 to end with 已接收")
    history = ok(api.get(f"/orgs/{orgs['X']}/history"))["items"][0]
    assert history["action_name"] == "整建制转移"
    # Its members may be sent again, from where they are now.
    assert ok(clerks["B"].post("/transfers/preview", json={
        "member_id": members[0], "kind": "within", "to_org_id": orgs["B1"], "reason": "01",
        "dues_paid_to": f"{YEAR}-01"}))["from_org_name"] == "整建制第一支部"

    # Statistics: 3 members out at A (and above), in at B and BX, on the 接收 date; the root both.
    wait_for(lambda: whole_org_cells(api, orgs["A"]), lambda cells: cells.get("transfer_out_whole_org") == 3,
             timeout=30, what="stats to count the 整建制转出")
    assert whole_org_cells(api, orgs["B"])["transfer_in_whole_org"] == 3
    assert whole_org_cells(api, orgs["BX"])["transfer_in_whole_org"] == 3
    root = whole_org_cells(api, system.root_id)
    assert (root["transfer_in_whole_org"] - at_root.get("transfer_in_whole_org", 0),
            root["transfer_out_whole_org"] - at_root.get("transfer_out_whole_org", 0)) == (3, 3)
    assert whole_org_cells(api, orgs["X"]) == {}  # the organization moved with its members
    attachment = ok(api.get(f"/orgs/{orgs['A']}/reports/{YEAR}/whole-org-transfers"))
    assert [(i["org_name"], i["members"], i["effective_on"], i["direction"], i["from_org_name"], i["to_org_name"])
            for i in attachment["items"]] == [
        ("整建制转移总支", 3, TODAY.isoformat(), "out", "整建制转出党委", "接收党委第一总支")]
    assert attachment["out_members"] == 3 and attachment["in_members"] == 0
    # A's clerk sees the receiving end named too (it is on the transfer's route), on screen and in Excel.
    assert ok(clerks["A"].get(f"/orgs/{orgs['A']}/reports/{YEAR}/whole-org-transfers"))["items"][0][
        "to_org_name"] == "接收党委第一总支"
    book = load_workbook(BytesIO(clerks["A"].get(f"/orgs/{orgs['A']}/reports/{YEAR}.xlsx").content))
    sheet = book["附表 整建制转入转出情况"]
    assert [cell.value for cell in sheet[4]] == [1, "整建制转移总支", "整建制转出党委", "接收党委第一总支", 3,
                                                TODAY.isoformat(), "转出"]
    assert any("整建制转出党员3名" in str(row[0].value) for row in sheet.iter_rows())
    assert ok(api.get(f"/orgs/{orgs['B']}/reports/{YEAR}/whole-org-transfers"))["items"][0]["direction"] == "in"
    # Table 1 balances at both ends in the move's year (上年底 + 增 − 减 = 本年底): the members' past
    # stays on A's side (stats.member_placements), so BX, new, starts the year with none of them.
    for org_id in (orgs["A"], orgs["B"], orgs["BX"], orgs["X"]):
        assert t1_cells(api, org_id)["difference"] == 0, org_id
    assert (t1_cells(api, orgs["BX"])["year_start"], t1_cells(api, orgs["BX"])["year_end"]) == (0, 3)
    assert t1_cells(api, orgs["A"], YEAR - 1)["year_end"] >= 3 and t1_cells(api, orgs["BX"], YEAR - 1)["year_end"] == 0
    for org_id in (orgs["A"], orgs["B"], system.root_id):
        wait_for(lambda: ok(api.post(f"/orgs/{org_id}/stats/reconcile"))["total_differences"], lambda n: n == 0,
                 timeout=30, what="reconcile to be clean")

    # Moved again later (an uncounted 移动, to C): what it counts now goes along, its members' past
    # before the 整建制 stays on A's side, and every subtree still reconciles.
    x = ok(api.get(f"/orgs/{orgs['X']}"))
    ok(api.post(f"/orgs/{orgs['X']}/move", json={"parent_id": orgs["C"], "date": TODAY.isoformat(),
                                                 "reason": "隶属关系调整", "version": x["version"]}))
    wait_for(lambda: t1_cells(api, orgs["C"])["year_end"], lambda n: n == 3, timeout=30,
             what="stats to count the moved organization under C")
    assert t1_cells(api, orgs["BX"])["year_end"] == 0 and t1_cells(api, orgs["A"], YEAR - 1)["year_end"] >= 3
    for org_id in (orgs["A"], orgs["B"], orgs["C"], orgs["X"], system.root_id):
        wait_for(lambda: ok(api.post(f"/orgs/{org_id}/stats/reconcile"))["total_differences"], lambda n: n == 0,
                 timeout=30, what="reconcile to be clean after the second move")


def test_hostile_input_and_scope(api, tree):
    orgs, _, clerks = tree
    target = create_org(api, orgs["C"], "整建制已撤销总支", "党总支")
    revoked = ok(api.get(f"/orgs/{target}"))
    ok(api.post(f"/orgs/{target}/revoke", json={"date": TODAY.isoformat(), "reason": "撤销",
                                                "version": revoked["version"]}))
    branch = create_org(api, orgs["A"], "整建制被转支部")
    url = f"/orgs/{branch}/transfers"
    # The transfer service learns of the revocation by the org service's event (its directory).
    wait_for(lambda: api.post(f"{url}/preview", json={"to_parent_id": target, "reason": "99"}).status_code,
             lambda status: status == 400, timeout=30, what="the transfer service to hear of the revocation")

    def refused(body, field: str) -> str:
        error = assert_error(api.post(url, json=body), 400, "validation")
        assert CJK.search(error["fields"][field]), error
        return error["fields"][field]

    assert refused({"to_parent_id": branch, "reason": "99"}, "to_parent_id") == "不能转移到本组织或其下级党组织之下"
    assert refused({"to_parent_id": target, "reason": "99"}, "to_parent_id") == \
        "“整建制已撤销总支”已撤销，不能作为上级党组织"
    assert "党支部" in refused({"to_parent_id": orgs["B1"], "reason": "99"}, "to_parent_id")
    assert refused({"to_parent_id": 10 ** 15, "reason": "99"}, "to_parent_id") == "新的上级党组织不存在"
    assert refused({"reason": "99"}, "to_parent_id")
    assert refused({"to_parent_id": orgs["C"], "reason": "98"}, "reason") == "未知或已停用的转接原因：98"
    assert refused({"to_parent_id": orgs["C"], "reason": "99", "member_id": 1}, "member_id") == "未知的信息项"
    assert_error(api.post(url, json=[1, 2]), 400)
    assert_error(api.post(url, content=b"{not json", headers={"content-type": "application/json"}), 400)
    assert_error(api.post(url, json={"to_parent_id": "九", "reason": "99"}), 400)
    # A target inside the organization's own subtree
    assert_error(api.post(f"/orgs/{orgs['B']}/transfers", json={"to_parent_id": orgs["BX"], "reason": "99"}), 400)
    # Out of scope, or the organization's own account: refused; an unknown one is 404.
    assert clerks["C"].post(url, json={"to_parent_id": orgs["C"], "reason": "99"}).status_code in (403, 404)
    assert clerks["X"].post(f"/orgs/{orgs['X']}/transfers", json={"to_parent_id": orgs["C"],
                                                                  "reason": "99"}).status_code in (403, 404, 409)
    assert_error(api.post("/orgs/999999999999/transfers", json={"to_parent_id": orgs["C"], "reason": "99"}), 404)
    assert_error(api.post("/orgs/0/transfers", json={"to_parent_id": orgs["C"], "reason": "99"}), 404)
    # Nothing was written by any refusal.
    assert ok(api.get(f"/orgs/{branch}/transfers", params={"box": "out"}))["total"] == 0


def test_two_applications_and_two_receives_at_once_give_one_move_inside_a_committee_counts_nothing(
        system, api, tree):
    orgs, _, clerks = tree
    branch = create_org(api, orgs["A"], "整建制并发支部")
    _member(api, branch, "整建制丁")
    before = whole_org_cells(api, orgs["A"])
    body = {"to_parent_id": orgs["A2"], "reason": "99"}
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: api.post(f"/orgs/{branch}/transfers", json=body), range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    created = next(r.json() for r in answers if r.status_code == 201)
    # The same 党委 A sends and receives: one approval (by A) and the new parent's 接收.
    assert steps(created) == [(orgs["A"], "approve", "current"), (orgs["A2"], "receive", "waiting")]
    approved = ok(act(clerks["A"], created, "approve"))
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: act(clerks["A"], approved, "receive"), range(2)))
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    received(clerks["A"], created["id"])
    assert ok(api.get(f"/orgs/{branch}"))["parent_id"] == orgs["A2"]
    with psycopg.connect(plain_dsn(system)) as conn:
        moves = conn.execute("SELECT count(*) FROM org.outbox WHERE event_type = 'org_moved' "
                             "AND envelope->'payload'->'transfer'->>'id' = %s", (str(created["id"]),)).fetchone()[0]
    assert moves == 1
    wait_for(lambda: ok(api.post(f"/orgs/{orgs['A']}/stats/reconcile"))["total_differences"], lambda n: n == 0,
             timeout=30, what="reconcile to be clean")
    assert whole_org_cells(api, orgs["A"]) == before  # a move inside one 基层党委 is not counted


def test_the_report_page_shows_the_attachment(system, api, browser_session, tree):
    """After the move above (module order): the report page of the receiving 党委 lists it."""
    orgs = tree[0]
    page = browser_session.get(f"/orgs/{orgs['B']}/reports/{YEAR}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="whole-org"'):]
    section = section[:section.index("</section>")]
    for text in ("附表 整建制转入/转出情况", "整建制转移总支", "整建制转出党委", "接收党委第一总支", ">3<", "转入",
                 "整建制转入党员 3 名"):
        assert text in section, text
    empty = browser_session.get(f"/orgs/{orgs['C']}/reports/{YEAR}").text
    assert 'id="whole-org-none"' in empty
