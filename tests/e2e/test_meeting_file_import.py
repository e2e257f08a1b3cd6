"""数据迁移: the 组织生活附件清单 end to end against the real local S3 server — the template and the
migration list; a preview that finds each row's meeting (by organization code, kind and time) and
names every refused row's reason (no such code, out of scope, no such meeting, a voided one, a file
type not allowed, the same file twice); the files sent by the attachments' own upload (presigned PUTs,
the content checked) and the commit that counts a row only when its meeting has that file; the
report; the same manifest twice uploading nothing; scope and rights."""
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.support.api import create_org, staff_client
from tests.support.factories import member_data
from tests.support.helpers import assert_error
from tests.support.sheets import collection_sheet

from .test_meeting_attachments import complete, office, upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["党组织代码", "组织生活类型", "会议时间", "文件名"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def manifest(rows: list[list]) -> bytes:
    return collection_sheet("组织生活附件清单", HEADERS, rows)


def send_manifest(client, content: bytes):
    return client.post("/imports/meeting-files", files={"file": ("组织生活附件清单.xlsx", content, XLSX)}, timeout=60)


def meeting(api, org: int, member: int, held: datetime, kind: str = "支部党员大会") -> int:
    return ok(api.post(f"/orgs/{org}/meetings", json={
        "kind": kind, "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "活动室", "host": "甲", "recorder": "乙",
        "topic": "学习", "attendees": [member]}), 201)["id"]


@pytest.fixture(scope="module")
def world(system, api, root_id):
    """A branch with its clerk and two meetings (one voided since), an organization outside the clerk's scope."""
    branch = create_org(api, root_id, "附件迁移支部")
    other = create_org(api, root_id, "附件迁移外支部")
    member = ok(api.post("/members", json=member_data(branch, name="附件迁移甲")), 201)["id"]
    outsider = ok(api.post("/members", json=member_data(other, name="附件迁移乙")), 201)["id"]
    held = (datetime.now() - timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    first = meeting(api, branch, member, held)
    voided = meeting(api, branch, member, held - timedelta(days=7), "主题党日")
    ok(api.post(f"/meetings/{voided}/void", json={"reason": "重复录入"}))
    theirs = meeting(api, other, outsider, held)
    clerk = staff_client(system, api, branch, "mfimp")
    codes = {key: ok(api.get(f"/orgs/{org}"))["code"] for key, org in (("branch", branch), ("other", other))}
    yield {"branch": branch, "meeting": first, "theirs": theirs, "held": held, "codes": codes, "clerk": clerk,
           "voided_at": held - timedelta(days=7)}
    clerk.close()


def test_the_template_and_the_migration_list(api, world):
    response = world["clerk"].get("/imports/meeting-files/template.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["组织生活附件清单"][1]] == HEADERS
    notes = [[cell.value for cell in row] for row in book["填写说明"].iter_rows()]
    assert notes[0][3] == "示例" and notes[4][0] == "文件名" and notes[4][3] == "会议照片1.jpg"
    kinds = ok(api.get("/migration/kinds"))
    assert {"key": "meeting-files", "sheet": "组织生活附件清单", "module": "orglife"}.items() <= next(
        kind for kind in kinds["items"] if kind["key"] == "meeting-files").items()
    assert kinds["not_yet"] == []


def test_preview_upload_commit_report_and_the_same_manifest_twice(api, world):
    clerk, codes, held = world["clerk"], world["codes"], world["held"]
    when = held.strftime("%Y-%m-%d %H:%M")
    content = manifest([
        [codes["branch"], "支部党员大会", when, "会议记录.pdf"],
        [codes["branch"], "支部党员大会", when, "签到表.xlsx"],
        [codes["branch"], "支部党员大会", when, "未选择.pdf"],
        [codes["other"], "支部党员大会", when, "别处.pdf"],
        ["NO-SUCH", "支部党员大会", when, "无.pdf"],
        [codes["branch"], "主题党日", when, "没有这次会.pdf"],
        [codes["branch"], "主题党日", world["voided_at"].strftime("%Y-%m-%d %H:%M"), "作废的.pdf"],
        [codes["branch"], "支部党员大会", when, "程序.exe"],
        [codes["branch"], "支部党员大会", when, "会议记录.pdf"],
    ])
    preview = ok(send_manifest(clerk, content), 201)
    assert (preview["rows"], preview["valid"]) == (9, 3), preview
    assert {item["meeting_id"] for item in preview["items"]} == {world["meeting"]}
    assert [(item["row"], item["filename"]) for item in preview["items"]] == [
        (2, "会议记录.pdf"), (3, "签到表.xlsx"), (4, "未选择.pdf")]
    reasons = {error["row"]: (error["field"], error["message"]) for error in preview["errors"]}
    assert set(reasons) == {5, 6, 7, 8, 9, 10}
    assert reasons[5] == ("org_code", "本账号管理范围内没有这个代码的党组织")
    assert reasons[6] == ("org_code", "没有代码为“NO-SUCH”的党组织")
    assert reasons[7][0] == "held_at" and "没有找到这次会议" in reasons[7][1]
    assert "已作废" in reasons[8][1]
    assert reasons[9][0] == "filename" and "不支持的文件类型" in reasons[9][1]
    assert reasons[10] == ("filename", "与第 2 行是同一会议的同名文件")
    assert ok(clerk.get(f"/meetings/{world['meeting']}/attachments"))["items"] == []  # a preview sends nothing

    # What the page does: each chosen file through the attachments' own upload, then the commit.
    pdf = upload(clerk, world["meeting"], "会议记录.pdf", "application/pdf", PDF)
    kept = ok(complete(clerk, pdf["upload_id"]))
    sheet = upload(clerk, world["meeting"], "签到表.xlsx", "application/pdf", office("xlsx"))  # mislabelled
    refused = assert_error(complete(clerk, sheet["upload_id"]), 422)
    theirs = upload(clerk, world["meeting"], "别的.pdf", "application/pdf", PDF)
    other_file = ok(complete(clerk, theirs["upload_id"]))
    done = ok(clerk.post(f"/imports/meeting-files/{preview['id']}/commit", json={"results": [
        {"row": 2, "attachment_id": kept["id"]}, {"row": 3, "message": refused["message"]},
        {"row": 4, "attachment_id": other_file["id"]}]}))  # an attachment that is not this row's file
    assert (done["written"], done["skipped_rows"]) == (1, 8), done
    late = {error["row"]: error["message"] for error in done["errors"]}
    assert late[3].startswith("未上传：") and refused["message"] in late[3]
    assert late[4] == "未上传：该会议没有这个附件"
    names = [item["filename"] for item in ok(clerk.get(f"/meetings/{world['meeting']}/attachments"))["items"]]
    assert sorted(names) == ["会议记录.pdf", "别的.pdf"]

    report = load_workbook(io.BytesIO(clerk.get(f"/imports/meeting-files/{preview['id']}/report.xlsx").content))
    summary = dict(report["概况"].iter_rows(values_only=True))
    assert (summary["导入的表"], summary["写入"], summary["未导入的行"]) == ("组织生活附件清单", 1, 8)
    assert_error(clerk.post(f"/imports/meeting-files/{preview['id']}/commit", json={"results": []}), 409)

    again = ok(send_manifest(clerk, content), 201)  # the same manifest twice: the file sent is not sent again
    assert [item["row"] for item in again["items"]] == [3, 4]
    assert any(error["row"] == 2 and "不再重复上传" in error["message"] for error in again["errors"])


def test_bad_results_and_all_or_nothing_change_nothing(world):
    clerk, when = world["clerk"], world["held"].strftime("%Y-%m-%d %H:%M")
    content = manifest([[world["codes"]["branch"], "支部党员大会", when, "另一份.pdf"],
                        [world["codes"]["branch"], "支部党员大会", when, "坏.exe"]])
    preview = ok(send_manifest(clerk, content), 201)
    for bad in ({"results": "x"}, {"results": [{"row": "2"}]}, {"results": [{"row": 2, "attachment_id": 5}]},
                {"results": [{"row": 2}] * 5001}):
        assert_error(clerk.post(f"/imports/meeting-files/{preview['id']}/commit", json=bad), 400)
    error = assert_error(clerk.post(f"/imports/meeting-files/{preview['id']}/commit",
                                    json={"all_or_nothing": True}), 400)
    assert "未写入任何数据" in error["message"]
    assert ok(clerk.get(f"/imports/meeting-files/{preview['id']}"))["status"] == "previewed"


def test_scope_and_rights(api, world):
    when = world["held"].strftime("%Y-%m-%d %H:%M")
    theirs = ok(send_manifest(api, manifest([[world["codes"]["other"], "支部党员大会", when, "外.pdf"]])), 201)
    assert [item["meeting_id"] for item in theirs["items"]] == [world["theirs"]]  # the root reaches it
    clerk = world["clerk"]
    assert_error(clerk.get(f"/imports/meeting-files/{theirs['id']}"), 403)
    assert_error(clerk.post(f"/imports/meeting-files/{theirs['id']}/commit", json={}), 403)
    assert_error(clerk.get(f"/imports/meeting-files/{theirs['id']}/report.xlsx"), 403)
    # A missing 组织生活 right and a read-only role: the authorization matrix (test_accounts_and_scope.py).
