"""操作日志 beyond members and accounts (docs/AUDIT.md, coverage): a transfer's 发起 and 审批, a dues
base and a large payment, a 组织生活 record, the dues 上缴 (record, 退回, confirm, void, correct), the
大额党费 上缴 (record, 退回, confirm, void) and a 流入党员's dues on the inflow ledger (record, void) — each
leaves its entry, with names, under its organization.
And every other write of the coverage table: logout, roles, 转接审批权限 and 转接原因, 组织生活计划,
入党申请人 and their development steps and imports, 发展计划, 固定查询, 批量修改 as a batch, photos and
attachments, and 统计报表's 录改/上报/退回/接收 — each done once through the API and found exactly once."""
import io
from datetime import date, datetime, timedelta

import httpx
import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.support.api import PASSWORD, complete_member, create_org, new_staff_account, staff_client
from tests.support.development import add_applicant, history_sheet
from tests.support.factories import code, id_number, member_data
from tests.support.helpers import wait_for
from tests.support.images import black_png

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def tree(api, root_id):
    a = create_org(api, root_id, "日志覆盖甲党委", "党委")
    b = create_org(api, root_id, "日志覆盖乙党委", "党委")
    return {"A": a, "A1": create_org(api, a, "日志覆盖甲支部"), "B": b, "B1": create_org(api, b, "日志覆盖乙支部")}


def logged(api, entity: str, entity_id, action: str) -> dict:
    items = wait_for(lambda: api.get("/audit", params={"entity": entity, "entity_id": entity_id}).json()["items"],
                     lambda found: any(e["action"] == action for e in found), what=f"{action}的日志")
    return next(e for e in items if e["action"] == action)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_a_transfer_is_logged_at_each_step(api, tree):
    member_id = complete_member(api, tree["A1"], "日志转接党员")
    created = ok(api.post("/transfers", json={"member_id": member_id, "kind": "within", "to_org_id": tree["B1"],
                                              "reason": "01", "dues_paid_to": f"{date.today():%Y-%m}",
                                              "phone": "13900000000", "address": "某某市某某路1号",
                                              "postcode": "100020"}), 201)
    applied = logged(api, "transfer", created["id"], "发起")
    assert {"field": "党员", "before": None, "after": "日志转接党员"} in applied["changes"]
    assert {"field": "状态", "before": None, "after": "审批中"} in applied["changes"]
    path_a1 = api.get(f"/orgs/{tree['A1']}").json()["path"]
    assert applied["org_path"] == path_a1
    ok(api.post(f"/transfers/{created['id']}/approve", json={"version": created["version"], "opinion": "同意转出"}))
    approved = logged(api, "transfer", created["id"], "审批同意")
    assert {"field": "意见或说明", "before": None, "after": "同意转出"} in approved["changes"]


def test_dues_bases_and_payments_are_logged(api, tree):
    member_id = ok(api.post("/members", json=member_data(tree["A1"], name="日志党费党员")), 201)["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="党费中的党员")
    month = f"{date.today():%Y-%m}"
    ok(api.put(f"/orgs/{tree['A1']}/dues/settings", json={"registration_start": month}))
    ok(api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000", "from_month": month}))
    base = logged(api, "dues_base", member_id, "设定党费基数")
    fields = {c["field"]: c["after"] for c in base["changes"]}
    assert fields["党员"] == "日志党费党员" and fields["起始月份"] == month and fields["基数类型"] != "employed"
    large = ok(api.post(f"/members/{member_id}/dues/large", json={
        "amount": "2000", "paid_on": date.today().isoformat(), "receipt_no": f"R{code('')}"}), 201)
    entry = logged(api, "dues_payment", large["id"], "登记大额党费")
    assert {"field": "金额", "before": None, "after": "2000.00"} in entry["changes"]


def test_a_meeting_is_logged(api, tree):
    people = [ok(api.post("/members", json=member_data(tree["B1"], name=f"日志会议{n}")), 201)["id"] for n in "甲乙"]
    held = (datetime.now() - timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    created = ok(api.post(f"/orgs/{tree['B1']}/meetings", json={
        "kind": "支部党员大会", "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "党员活动室", "host": "张书记",
        "recorder": "李委员", "topic": "学习党章", "content": "学习", "attendees": people, "absentees": [],
        "decisions": "同意"}), 201)
    entry = logged(api, "meeting", created["id"], "录入组织生活记录")
    assert entry["changes"][0]["field"] == "会议" and "支部党员大会" in entry["changes"][0]["after"]
    assert entry["org_path"] == api.get(f"/orgs/{tree['B1']}").json()["path"]


# --- the rest of the coverage: each write once, its entry found exactly once -------------------------

def only(api, entity: str, entity_id, action: str, account: str | None = "admin") -> dict:
    """The one entry of `action` about the entity (waited for: it travels through the outbox)."""
    items = wait_for(lambda: api.get("/audit", params={"entity": entity, "entity_id": entity_id,
                                                       "limit": 500}).json()["items"],
                     lambda found: any(e["action"] == action for e in found), what=f"{action}的日志")
    found = [e for e in items if e["action"] == action]
    assert len(found) == 1, found
    if account is not None:
        assert found[0]["account"]["username"] == account, found[0]
    return found[0]


def fields(entry: dict) -> dict:
    return {c["field"]: (c["before"], c["after"]) for c in entry["changes"]}


def test_logout_is_logged(system, api, tree):
    username = new_staff_account(system, api, tree["A1"], f"aud{code('')}".lower())
    client = httpx.Client(base_url=f"{system.url}/api/v1", timeout=20)
    token = client.post("/session", json={"username": username, "password": PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    assert client.delete("/session").status_code == 204
    client.close()
    account = next(a for a in api.get("/accounts", params={"org_id": tree["A1"]}).json()["items"]
                   if a["username"] == username)
    entry = only(api, "account", account["id"], "退出登录", account=username)
    assert entry["org_path"] == api.get(f"/orgs/{tree['A1']}").json()["path"] and entry["ip"]


def test_roles_and_approval_rights_are_logged(api, rpc, tree):
    # 转接原因's edits are the 代码表's (entity code_entry): tests/e2e/test_code_tables.py.
    role = api.post("/roles", json={"name": f"日志角色{code('')}", "rights": {"daily": "write", "dues": "read"}})
    assert role.status_code == 201, role.text
    entry = only(api, "role", role.json()["id"], "新建角色")
    assert fields(entry)["权限"][1] == "日常管理（维护）、党费（查看）"

    rpc.call("transfer", "set_approval_rights", org_id=tree["B1"], can_approve=True)
    entry = only(api, "approval_rights", tree["B1"], "设置审批权限", account=None)
    assert fields(entry)["转接审批权限"] == ("默认（按党组织类别）", "有审批权")



def test_an_orglife_plan_is_logged(api, tree):
    year = date.today().year
    ok(api.put(f"/orgs/{tree['A1']}/org-life/plan", json={"year": year, "items": [
        {"kind": "支委会", "month": 1}, {"kind": "11", "month": 12}]}))
    entry = only(api, "orglife_plan", f"{tree['A1']}-{year}", "制定组织生活计划")
    assert fields(entry)["年度"] == (None, str(year)) and "1月支部委员会" in fields(entry)["计划"][1]


def test_an_applicant_its_steps_and_the_imports_are_logged(api, tree):
    applicant = add_applicant(api, tree["A1"], applied_on="2022-01-10", name="日志申请人")
    entry = only(api, "applicant", applicant, "新增入党申请人")
    assert fields(entry)["民族"] == (None, "汉族") and fields(entry)["发展阶段"] == (None, "入党申请人")
    assert entry["org_path"] == api.get(f"/orgs/{tree['A1']}").json()["path"]
    ok(api.patch(f"/applicants/{applicant}", json={"version": 1, "name": "日志申请人改"}))
    assert fields(only(api, "applicant", applicant, "修改入党申请人"))["姓名"] == ("日志申请人", "日志申请人改")
    step = ok(api.post(f"/applicants/{applicant}/steps", json={"step": "talk", "date": "2022-01-20",
                                                                 "actors": "支部书记谈话"}))
    entry = only(api, "applicant", applicant, "办理发展步骤")
    assert fields(entry)["发展步骤"] == (None, "派人谈话") and fields(entry)["经办人/参加人员"][1] == "支部书记谈话"
    ok(api.post(f"/applicants/{applicant}/steps/undo", json={"version": step["version"], "reason": "日期有误"}))
    assert fields(only(api, "applicant", applicant, "回退发展步骤"))["回退原因"] == (None, "日期有误")
    version = api.get(f"/applicants/{applicant}").json()["version"]
    ok(api.request("DELETE", f"/applicants/{applicant}", json={"version": version, "reason": "重复录入"}))
    assert fields(only(api, "applicant", applicant, "删除入党申请人"))["删除原因"] == (None, "重复录入")
    ok(api.post(f"/applicants/{applicant}/restore", json={"version": version + 1}))
    only(api, "applicant", applicant, "找回入党申请人")

    # 发展纪实 imported: one entry per applicant, naming the import.
    other = add_applicant(api, tree["A1"], applied_on="2022-01-10", name="日志纪实人")
    number = api.get(f"/applicants/{other}").json()["id_number"]
    preview = ok(api.post("/imports/development", files={"file": ("纪实.xlsx", history_sheet(api, [
        [number, "日志纪实人", "派人谈话", "2022-01-20"]]), XLSX)}), 201)
    assert preview["valid"] == 1, preview
    ok(api.post(f"/imports/development/{preview['id']}/commit"))
    entry = only(api, "applicant", other, "导入发展步骤")
    assert fields(entry)["导入批次"] == (None, preview["id"]) and fields(entry)["发展步骤"] == (None, "派人谈话")

    # 入党申请人 imported: each row's entry.
    book = load_workbook(io.BytesIO(api.get("/imports/applicants/template.xlsx").content))
    sheet = book["入党申请人采集表"]
    org_code = api.get(f"/orgs/{tree['A1']}").json()["code"]
    for column, value in enumerate(["日志导入人", id_number(date(1996, 2, 3)), "汉族", "2024-01-01", org_code], 1):
        sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    preview = ok(api.post("/imports/applicants", files={"file": ("申请人.xlsx", out.getvalue(), XLSX)}), 201)
    assert ok(api.post(f"/imports/applicants/{preview['id']}/commit"))["written"] == 1
    imported = api.get(f"/orgs/{tree['A1']}/applicants", params={"q": "日志导入人"}).json()["items"][0]
    entry = only(api, "applicant", imported["id"], "导入入党申请人")
    assert fields(entry)["所在党支部"] == (None, "日志覆盖甲支部") and fields(entry)["导入批次"][1] == preview["id"]


def test_a_development_plan_is_logged(api, tree):
    applicant = add_applicant(api, tree["B1"], name="日志计划人")
    saved = ok(api.put(f"/orgs/{tree['B1']}/development/plans/2025", json={
        "members": 1, "activists": 2, "candidates": 1, "named": [applicant]}))
    assert saved["version"] == 1
    entry = only(api, "development_plan", f"{tree['B1']}-2025", "制定发展计划")
    assert fields(entry)["计划发展党员数"] == (None, 1)
    assert fields(entry)["列入计划的入党申请人"] == (None, "日志计划人")


def test_saved_queries_and_a_member_batch_are_logged(api, tree):
    people = [ok(api.post("/members", json=member_data(tree["B1"], name=f"日志批量{n}")), 201)["id"] for n in "甲乙"]
    query = {"org_id": tree["B1"], "where": {"conditions": [{"field": "name", "operator": "starts", "value":
                                                            "日志批量"}]}}
    saved = ok(api.post("/saved-queries", json={"name": f"日志查询{code('')}", "query": query}), 201)
    assert "日志批量" in fields(only(api, "saved_query", saved["id"], "保存固定查询"))["查询条件"][1]
    ok(api.patch(f"/saved-queries/{saved['id']}", json={"name": "日志查询改"}))
    assert fields(only(api, "saved_query", saved["id"], "重命名固定查询"))["名称"] == (saved["name"], "日志查询改")
    assert api.delete(f"/saved-queries/{saved['id']}").status_code == 204
    only(api, "saved_query", saved["id"], "删除固定查询")

    batch = ok(api.post("/member-batches", json={"query": query, "field": "ethnicity", "value": "满族"}), 201)
    entry = only(api, "member_batch", batch["id"], "批量修改")
    assert fields(entry)["修改项目"] == (None, "民族") and fields(entry)["修改为"] == (None, "满族")
    assert fields(entry)["修改人数"] == (None, 2)
    for member_id in people:  # and each member's own entry
        assert logged(api, "member", member_id, "修改基本信息")
    ok(api.post(f"/member-batches/{batch['id']}/undo"))
    assert fields(only(api, "member_batch", batch["id"], "撤销批量修改"))["恢复人数"] == (None, 2)


def test_a_photo_and_an_attachment_are_logged(api, tree):
    member_id = ok(api.post("/members", json=member_data(tree["B1"], name="日志照片")), 201)["id"]
    png = black_png(300, 400)
    started = ok(api.post("/media/uploads", json={"member_id": member_id, "content_type": "image/png",
                                                  "size": len(png)}), 201)
    stored = httpx.post(started["url"], data=started["fields"], files={"file": ("p.png", png, "image/png")},
                        timeout=60)
    assert 200 <= stored.status_code < 300, stored.text
    ok(api.post(f"/media/uploads/{started['upload_id']}/complete"))
    assert fields(only(api, "member", member_id, "上传照片"))["照片"][1].startswith("300×400像素")

    held = (datetime.now() - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    meeting = ok(api.post(f"/orgs/{tree['B1']}/meetings", json={
        "kind": "支部委员会", "held_at": held.strftime("%Y-%m-%dT%H:%M"), "place": "活动室", "host": "张书记",
        "recorder": "李委员", "topic": "附件日志", "content": "学习", "attendees": [member_id], "absentees": [],
        "decisions": "同意"}), 201)
    data = b"%PDF-1.4\n%%EOF\n"
    started = ok(api.post(f"/meetings/{meeting['id']}/attachments", json={
        "filename": "通知.pdf", "content_type": "application/pdf", "size": len(data)}), 201)
    for part in started["parts"]:
        assert httpx.put(part["url"], content=data, timeout=60).status_code < 300
    attachment = ok(api.post(f"/attachments/{started['upload_id']}/complete", json={}))
    entry = only(api, "attachment", attachment["id"], "上传附件")
    assert fields(entry)["文件名"] == (None, "通知.pdf") and fields(entry)["类别"] == (None, "文档")


def test_a_refused_upload_is_logged_with_its_reason(api, tree):
    """A file the content checks refuse leaves nothing stored but an entry: who tried what, and why."""
    member_id = ok(api.post("/members", json=member_data(tree["B1"], name="日志拒收")), 201)["id"]
    png = black_png(8900, 8900)  # over the pixel limit
    started = ok(api.post("/media/uploads", json={"member_id": member_id, "content_type": "image/png",
                                                  "size": len(png)}), 201)
    stored = httpx.post(started["url"], data=started["fields"], files={"file": ("大图.png", png, "image/png")},
                        timeout=60)
    assert 200 <= stored.status_code < 300, stored.text
    assert api.post(f"/media/uploads/{started['upload_id']}/complete").status_code == 400
    entry = only(api, "member", member_id, "上传被拒绝")
    assert fields(entry)["拒绝原因"] == (None, "图片像素过大（最大 1600 万像素）")
    assert not any(e["action"] == "上传照片" for e in api.get(
        "/audit", params={"entity": "member", "entity_id": member_id}).json()["items"])


def test_a_reports_corrections_submission_and_decisions_are_logged(system, api, tree):
    branch = create_org(api, tree["B"], "日志报表支部")
    base = f"/orgs/{branch}/reports/2025"
    ok(api.post(base + "/generate"))
    report = {"id": f"{branch}-2025"}
    only(api, "report", report["id"], "直统生成报表")
    ok(api.post(base + "/corrections", json={"table": "t1", "row": "total", "column": "year_end", "value": 1,
                                             "reason": "日志录改"}))
    entry = only(api, "report", report["id"], "录改报表")
    assert fields(entry)["录改原因"] == (None, "日志录改") and (0, 1) in fields(entry).values()
    correction = next(h for h in api.get(base + "/history").json()["items"] if h["kind"] == "corrected")
    ok(api.post(f"{base}/corrections/{correction['id']}/undo", json={}))
    only(api, "report", report["id"], "撤销录改")
    clerk = staff_client(system, api, branch, "audrpt")
    try:
        ok(clerk.post(base + "/submit"))
        entry = only(api, "report", report["id"], "上报报表", account=None)
        assert fields(entry)["状态"] == ("草稿", "已上报")
        ok(api.post(base + "/return", json={"comment": "请核对"}))
        assert fields(only(api, "report", report["id"], "退回报表"))["意见"] == (None, "请核对")
        ok(clerk.post(base + "/submit"))
    finally:
        clerk.close()
    ok(api.post(base + "/accept", json={}))
    assert fields(only(api, "report", report["id"], "接收报表"))["状态"] == ("已上报", "已接收")


def test_a_member_imports_rows_are_logged(api, tree):
    book = load_workbook(io.BytesIO(api.get("/imports/members/template.xlsx").content))
    org_code = api.get(f"/orgs/{tree['B1']}").json()["code"]
    for column, value in enumerate(["日志导入党员", id_number(), "汉族", "正式党员", "2010-07-01", org_code], 1):
        book["党员采集表"].cell(row=2, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    preview = ok(api.post("/imports/members", files={"file": ("党员.xlsx", out.getvalue(), XLSX)}), 201)
    assert ok(api.post(f"/imports/{preview['id']}/commit"))["written"] == 1
    member = api.post("/member-queries", json={"org_id": tree["B1"], "where": {"conditions": [
        {"field": "name", "operator": "eq", "value": "日志导入党员"}]}}).json()["items"][0]
    entry = only(api, "member", member["id"], "导入党员")
    assert fields(entry)["所在党组织"] == (None, "日志覆盖乙支部") and fields(entry)["民族"] == (None, "汉族")
    assert fields(entry)["导入批次"] == (None, preview["id"])


def fields_of(entry: dict) -> dict:
    return {c["field"]: (c["before"], c["after"]) for c in entry["changes"]}


def test_remittances_and_inflow_dues_are_logged(system, api, tree):
    """B1 (under the 党委 B) remits this month's dues and hands up a 大额党费; B answers; B1 keeps the inflow
    ledger of a 流入党员 from outside."""
    clerks = {name: login(system.url, new_staff_account(system, api, tree[name], f"rz{name.lower()}{code('')}"
                                                        .lower()), PASSWORD) for name in ("B", "B1")}
    b1, b = clerks["B1"], clerks["B"]
    path = api.get(f"/orgs/{tree['B1']}").json()["path"]
    today, month = date.today().isoformat(), f"{date.today():%Y-%m}"
    member_id = ok(api.post("/members", json=member_data(tree["B1"], name="日志上缴党员")), 201)["id"]
    wait_for(lambda: api.get(f"/members/{member_id}/dues").status_code, lambda status: status == 200,
             what="党费中的党员")
    ok(api.put(f"/orgs/{tree['B1']}/dues/settings", json={"registration_start": month}))
    ok(api.put(f"/members/{member_id}/dues/base", json={"kind": "employed", "amount": "5000", "from_month": month}))
    ok(api.post(f"/orgs/{tree['B1']}/dues/payments", json={"month": month, "payments": [
        {"member_id": member_id, "amount": "50.00", "paid_on": today}]}), 201)
    # 上缴: recorded, 退回 by B, recorded again, corrected, confirmed by B, voided by B.
    entry = {"period": month, "amount": "50.00", "remitted_on": today, "receipt_no": "RZ-1"}
    first = ok(b1.post(f"/orgs/{tree['B1']}/dues/remittances", json=entry), 201)
    recorded = logged(api, "dues_remittance", first["id"], "登记上缴")
    assert recorded["org_path"] == path and fields_of(recorded)["上缴组织"] == (None, "日志覆盖乙支部")
    assert fields_of(recorded)["金额"] == (None, "50.00") and fields_of(recorded)["状态"] == (None, "待确认")
    ok(b.post(f"/dues/remittances/{first['id']}/return", json={"reason": "未收到款项"}))
    returned = fields_of(logged(api, "dues_remittance", first["id"], "退回上缴"))
    assert returned["状态"] == ("待确认", "已退回") and returned["作废或退回原因"] == (None, "退回：未收到款项")
    second = ok(b1.post(f"/orgs/{tree['B1']}/dues/remittances", json={**entry, "amount": "40.00"}), 201)
    fixed = ok(b1.post(f"/dues/remittances/{second['id']}/correct", json={
        "amount": "50.00", "remitted_on": today, "reason": "金额填错"}), 201)
    assert fields_of(logged(api, "dues_remittance", fixed["id"], "更正上缴"))["金额"] == ("40.00", "50.00")
    ok(b.post(f"/dues/remittances/{fixed['id']}/confirm", json={"opinion": "已收到"}))
    confirmed = fields_of(logged(api, "dues_remittance", fixed["id"], "确认收到上缴"))
    assert confirmed["状态"] == ("待确认", "已确认") and confirmed["意见"] == (None, "已收到")
    ok(b.post(f"/dues/remittances/{fixed['id']}/void", json={"reason": "确认有误"}))
    assert fields_of(logged(api, "dues_remittance", fixed["id"], "作废上缴记录"))["状态"] == ("已确认", "已作废")
    # 大额党费 上缴: recorded, 退回, recorded again, confirmed, voided by the receiver.
    ok(api.post(f"/members/{member_id}/dues/large", json={"amount": "1200", "paid_on": today,
                                                          "receipt_no": f"RZL{code('')}"}), 201)
    large = {"remitted_on": today, "amount": "1200.00", "voucher_no": "RZ-L1"}
    up = ok(b1.post(f"/orgs/{tree['B1']}/dues/large/remittances", json=large), 201)
    made = logged(api, "dues_large_remittance", up["id"], "登记大额党费上缴")
    assert made["org_path"] == path and fields_of(made)["收款"] == (None, "日志覆盖乙党委")
    assert "日志上缴党员 1200.00" in fields_of(made)["所缴各笔"][1]
    ok(b.post(f"/dues/large-remittances/{up['id']}/return", json={"reason": "凭证不符"}))
    assert fields_of(logged(api, "dues_large_remittance", up["id"], "退回大额党费上缴"))["状态"] == ("待确认", "已退回")
    again = ok(b1.post(f"/orgs/{tree['B1']}/dues/large/remittances", json={**large, "voucher_no": "RZ-L2"}), 201)
    ok(b.post(f"/dues/large-remittances/{again['id']}/confirm", json={}))
    assert fields_of(logged(api, "dues_large_remittance", again["id"], "确认收到大额党费上缴"))["状态"] == (
        "待确认", "已确认")
    ok(b.post(f"/dues/large-remittances/{again['id']}/void", json={"reason": "确认有误"}))
    assert fields_of(logged(api, "dues_large_remittance", again["id"], "作废大额党费上缴"))["状态"] == (
        "已确认", "已作废")
    # The inflow ledger: a 流入党员 from outside pays at B1, the payment is voided.
    inflow = ok(b1.post(f"/orgs/{tree['B1']}/inflows", json={"from_date": today, "external": {
        "name": "日志流入党员", "id_number": id_number(), "home_org_text": "外省某支部", "certificate_no": "RZ0001"}}),
        201)
    paid = wait_for(lambda: b1.post(f"/orgs/{tree['B1']}/dues/inflow-payments", json={"month": month, "payments": [
        {"inflow_id": inflow["id"], "amount": "30.00", "paid_on": today}]}), lambda r: r.status_code == 201,
        what="the dues service's projection of the inflow").json()["recorded"][0]
    inflow_entry = logged(api, "dues_inflow_payment", paid["id"], "登记流入党员党费")
    assert inflow_entry["org_path"] == path
    assert fields_of(inflow_entry)["流入党员"] == (None, "日志流入党员")
    assert fields_of(inflow_entry)["活动证编号"] == (None, "RZ0001")
    ok(b1.post(f"/dues/inflow-payments/{paid['id']}/void", json={"reason": "金额错登"}))
    assert fields_of(logged(api, "dues_inflow_payment", paid["id"], "作废流入党员党费"))["作废原因"] == (
        None, "金额错登")
    for client in clerks.values():
        client.close()
