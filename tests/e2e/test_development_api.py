"""发展党员 through the gateway: a person from 申请 to 正式党员 (every step keyed, the 预备党员
created on 党委审批 with the 支部大会 date, 转正 through the member's probation call); each kind of
refusal (out of order, too early, an introducer not a full member, a vote short of the majority, a
临时党支部, a branch account approving); 回退 with its reason kept; a batch all or nothing; the
due list; the annual report counting the 发展党员 in the meeting's year with reconcile clean."""
import pytest

from tests.support.api import create_org, staff_client
from tests.support.development import PATH, VOTES, add_applicant, step_body, upto
from tests.support.development import walk as walk_steps
from tests.support.factories import member_data
from tests.support.helpers import assert_error, wait_for


@pytest.fixture(scope="module")
def tree(api, root_id):
    committee = create_org(api, root_id, "发展测试党委", "党委")
    branch = create_org(api, committee, "发展测试支部", "党支部")
    temporary = create_org(api, committee, "发展测试临时支部", "临时党支部")
    full = [api.post("/members", json=member_data(branch, name=name)).json()["id"] for name in ("王正式", "李正式")]
    probationary = api.post("/members", json=member_data(branch, name="赵预备", category="预备党员",
                                                         joined_on="2022-06-01")).json()["id"]
    return {"committee": committee, "branch": branch, "temporary": temporary, "full": full,
            "probationary": probationary}


def add(api, org_id, applied_on="2022-01-10", name="发展对象人") -> int:
    return add_applicant(api, org_id, applied_on, name)


def body(tree, step: str, on: str, fields) -> dict:
    return step_body(tree["full"], step, on, fields)


def walk(api, tree, applicant_id: int, steps) -> dict:
    return walk_steps(api, tree["full"], applicant_id, steps)


def t1(report: dict) -> dict:
    return next(t for t in report["tables"] if t["key"] == "t1")["rows"][0]["cells"]


def test_a_person_from_application_to_full_member(api, rpc, tree):
    applicant_id = add(api, tree["branch"], name="从申请到转正")
    first = walk(api, tree, applicant_id, PATH[:1])
    assert first["stage"] == "applicant" and [s["step"] for s in first["steps"]] == ["talk"]
    assert {d["step"] for d in first["due"]} >= {"activist"}
    before = walk(api, tree, applicant_id, upto("approval")[1:])
    assert before["stage"] == "candidate" and before["member_id"] is None
    meeting = next(s for s in before["steps"] if s["step"] == "branch_meeting")
    assert {"label": "赞成票数（含书面意见）", "text": "7"} in meeting["shown"]
    introducers = next(s for s in before["steps"] if s["step"] == "introducers")["fields"]["introducers"]
    assert [p["name"] for p in introducers] == ["王正式", "李正式"] and {p["category"] for p in introducers} == {"01"}

    accepted = walk(api, tree, applicant_id, PATH[-1:])
    assert accepted["stage"] == "probationary" and accepted["joined_on"] == "2023-07-01"
    assert accepted["probation_ends"] == "2024-07-01"
    member = api.get(f"/members/{accepted['member_id']}").json()
    assert member["name"] == "从申请到转正" and member["category"] == "02" and member["joined_on"] == "2023-07-01"
    assert member["org_id"] == tree["branch"] and member["education_name"] == "大学本科"
    # The applicant is a member now: off the applicants' list, its record no longer edited there.
    listed = api.get(f"/orgs/{tree['branch']}/applicants").json()["items"]
    assert applicant_id not in [a["id"] for a in listed]
    assert_error(api.patch(f"/applicants/{applicant_id}", json={"version": accepted["version"], "name": "改"}), 409)
    # 回退 cannot take back an approval: the member exists.
    assert "不能回退" in assert_error(api.post(f"/applicants/{applicant_id}/steps/undo", json={"reason": "误录"}),
                                      422, "refused")["message"]
    # The report counts one 发展党员 in the meeting's year.
    wait_for(lambda: api.get(f"/orgs/{tree['branch']}/reports/2023").json(),
             lambda r: t1(r)["increase_develop"] == 1, what="2023年报表的发展党员")

    # 转正 by the member's probation call: 党龄 from the end of probation.
    early = api.post(f"/members/{member['id']}/probation",
                     json={"outcome": "confirm", "meeting_on": "2024-06-20", "approved_on": "2024-06-25"})
    assert "预备期满" in assert_error(early, 422, "refused")["message"]
    confirmed = api.post(f"/members/{member['id']}/probation",
                         json={"outcome": "confirm", "meeting_on": "2024-07-05", "approved_on": "2024-07-20",
                               **VOTES})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["category"] == "01" and confirmed.json()["full_on"] == "2024-07-01"
    history = api.get(f"/members/{member['id']}/development").json()
    assert history["development"]["stage"] == "full" and history["development"]["steps"][-1]["step"] == "confirm"
    assert [d["outcome"] for d in history["decisions"]] == ["confirm"]
    assert_error(api.post(f"/members/{member['id']}/probation",
                          json={"outcome": "confirm", "meeting_on": "2024-07-05", "approved_on": "2024-07-20"}), 409)
    wait_for(lambda: rpc.call("stats", "reconcile", org_id=tree["committee"])["total_differences"],
             lambda n: n == 0, timeout=30, what="reconcile to be clean")


@pytest.mark.parametrize("walked, step, expected", [
    ([], ("activist", "2022-03-01", {}), "须先完成：“派人谈话”"),
    (upto("candidate"), ("candidate", "2023-02-01", {}), "满1年后办理"),
    (upto("introducers"), ("introducers", "2023-04-01", "mixed"), "入党介绍人须为正式党员：赵预备（预备党员）"),
    (upto("branch_meeting"), ("branch_meeting", "2023-07-01", {"entitled": 10, "present": 8, "yes": 5}),
     "赞成票（5）须超过应到会有表决权的正式党员（10）的半数"),
])
def test_each_refusal_is_a_422_in_chinese_and_writes_nothing(api, tree, walked, step, expected):
    applicant_id = add(api, tree["branch"])
    walk(api, tree, applicant_id, walked)
    before = api.get(f"/applicants/{applicant_id}/steps").json()
    fields = step[2]
    if fields == "mixed":
        fields = {"introducers": [{"member_id": tree["full"][0]}, {"member_id": tree["probationary"]}]}
    error = assert_error(api.post(f"/applicants/{applicant_id}/steps", json=body(tree, step[0], step[1], fields)),
                         422, "refused")
    assert expected in error["message"]
    after = api.get(f"/applicants/{applicant_id}/steps").json()
    assert after["steps"] == before["steps"] and after["version"] == before["version"]


def test_a_temporary_branch_cannot_accept(api, tree):
    applicant_id = add(api, tree["temporary"])
    walk(api, tree, applicant_id, upto("branch_meeting"))
    error = assert_error(api.post(f"/applicants/{applicant_id}/steps", json=body(tree, *PATH[14])), 422, "refused")
    assert "临时党组织不能接收预备党员" in error["message"]


def test_only_the_committee_above_the_branch_approves(system, api, tree):
    applicant_id = add(api, tree["branch"])
    walk(api, tree, applicant_id, upto("approval"))
    branch_clerk = staff_client(system, api, tree["branch"], "dev")
    try:
        # The branch keys its own steps, but the approval is its 党委's.
        assert branch_clerk.get(f"/applicants/{applicant_id}/steps").status_code == 200
        assert_error(branch_clerk.post(f"/applicants/{applicant_id}/steps", json=body(tree, *PATH[-1])), 403,
                     "forbidden")
    finally:
        branch_clerk.close()
    committee_clerk = staff_client(system, api, tree["committee"], "dev")
    try:
        approved = committee_clerk.post(f"/applicants/{applicant_id}/steps", json=body(tree, *PATH[-1]))
        assert approved.status_code == 200, approved.text
        assert approved.json()["member_id"]
    finally:
        committee_clerk.close()


def test_undo_takes_the_last_step_back_with_its_reason_kept(api, tree):
    applicant_id = add(api, tree["branch"])
    walk(api, tree, applicant_id, PATH[:2])
    assert_error(api.post(f"/applicants/{applicant_id}/steps/undo", json={}), 400, "validation")
    undone = api.post(f"/applicants/{applicant_id}/steps/undo", json={"reason": "推荐会议记录有误"})
    assert undone.status_code == 200, undone.text
    result = undone.json()
    assert result["stage"] == "applicant"
    assert [(s["step"], s["undone"]) for s in result["steps"]] == [("talk", False), ("activist", True)]
    assert result["steps"][1]["undo_reason"] == "推荐会议记录有误"
    redone = walk(api, tree, applicant_id, [("activist", "2022-03-02", {})])
    assert redone["stage"] == "activist" and len(redone["steps"]) == 3
    assert api.get(f"/applicants/{applicant_id}").json()["stage"] == "activist"


def test_a_batch_is_all_or_nothing_and_names_each_refused_person(api, tree):
    ready = add(api, tree["branch"], name="甲培训")
    walk(api, tree, ready, upto("training"))
    early = add(api, tree["branch"], name="乙培训")
    walk(api, tree, early, upto("candidate"))
    batch = {"step": "training", "date": "2023-05-10", "days": 3,
             "items": [{"applicant_id": ready}, {"applicant_id": early}]}
    error = assert_error(api.post(f"/orgs/{tree['branch']}/applicants/steps", json=batch), 422, "refused")
    assert "乙培训：" in error["message"] and "甲培训" not in error["message"]
    assert [s["step"] for s in api.get(f"/applicants/{ready}/steps").json()["steps"]][-1] == "political_review"
    second = add(api, tree["branch"], name="丙培训")
    walk(api, tree, second, upto("training"))
    done = api.post(f"/orgs/{tree['branch']}/applicants/steps",
                    json={**batch, "items": [{"applicant_id": ready}, {"applicant_id": second}]})
    assert done.status_code == 200, done.text
    assert done.json()["count"] == 2
    steps = api.get(f"/applicants/{second}/steps").json()["steps"]
    assert steps[-1]["step"] == "training" and steps[-1]["batch_id"] == done.json()["batch_id"]


def test_the_due_list_shows_overdue_talks(api, tree):
    applicant_id = add(api, tree["branch"], applied_on="2026-01-05", name="未谈话")
    due = api.get(f"/orgs/{tree['committee']}/development/due", params={"size": 200}).json()
    item = next(i for i in due["items"] if i["id"] == applicant_id)
    assert item["due"][0]["step"] == "talk" and item["due"][0]["overdue"] and item["due"][0]["due_on"] == "2026-02-05"
    assert due["overdue"] >= 1
    assert api.get(f"/orgs/{tree['committee']}/development/supervision").json()["items"] == []


def test_probation_extension_and_cancellation_of_a_member(api, rpc, tree):
    member_id = api.post("/members", json=member_data(tree["branch"], name="延长预备", category="预备党员",
                                                      joined_on="2024-03-01")).json()["id"]
    short = api.post(f"/members/{member_id}/probation",
                     json={"outcome": "extend", "meeting_on": "2025-03-05", "approved_on": "2025-03-20", "months": 3})
    assert "不能少于6个月" in assert_error(short, 422, "refused")["message"]
    extended = api.post(f"/members/{member_id}/probation",
                        json={"outcome": "extend", "meeting_on": "2025-03-05", "approved_on": "2025-03-20",
                              "months": 6})
    assert extended.status_code == 200 and extended.json()["probation_extended_months"] == 6
    again = api.post(f"/members/{member_id}/probation",
                     json={"outcome": "extend", "meeting_on": "2025-09-05", "approved_on": "2025-09-20", "months": 6})
    assert "只能延长1次" in assert_error(again, 422, "refused")["message"]
    cancelled = api.post(f"/members/{member_id}/probation",
                         json={"outcome": "cancel", "meeting_on": "2025-09-05", "approved_on": "2025-09-20"})
    assert cancelled.status_code == 200, cancelled.text
    member = api.get(f"/members/{member_id}").json()
    assert member["status"] == "left" and member["leave_kind"] == "25" and member["left_on"] == "2025-09-20"
    assert_error(api.post(f"/members/{member_id}/probation", json={"outcome": "maybe"}), 409)
    wait_for(lambda: rpc.call("stats", "reconcile", org_id=tree["branch"])["total_differences"],
             lambda n: n == 0, timeout=30, what="reconcile to be clean")


def test_bad_step_input_is_a_400(api, tree):
    applicant_id = add(api, tree["branch"])
    assert_error(api.post(f"/applicants/{applicant_id}/steps", json={"step": "dance", "date": "2022-02-01"}), 400)
    assert_error(api.post(f"/applicants/{applicant_id}/steps", json={"step": "talk", "date": "明天"}), 400)
    unknown = assert_error(api.post(f"/applicants/{applicant_id}/steps",
                                    json={"step": "talk", "date": "2022-01-20", "votes": 3}), 400)
    assert "votes" in unknown["fields"]
    walk(api, tree, applicant_id, upto("branch_meeting"))
    assert_error(api.post(f"/applicants/{applicant_id}/steps",
                          json={"step": "branch_meeting", "date": "2023-07-01", "entitled": 5, "present": 9,
                                "yes": 4}), 400)


def test_the_openapi_document_lists_the_steps(api):
    document = api.get("/openapi.json").json()
    post = document["paths"]["/applicants/{id}/steps"]["post"]
    names = post["requestBody"]["content"]["application/json"]["schema"]["properties"]["step"]["enum"]
    assert {"talk", "activist", "branch_meeting", "approval", "filed"} <= set(names)
    assert "/members/{id}/probation" in document["paths"]
