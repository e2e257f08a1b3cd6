"""Importing members from the collection sheet in a browser: upload, preview, commit."""
import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.support.factories import code, id_number

from .conftest import log_in


def filled_template(api, branch_code: str) -> bytes:
    book = load_workbook(io.BytesIO(api.get("/imports/members/template.xlsx").content))
    sheet = book["党员采集表"]
    sheet.append(["页面导入", id_number(), "汉族", "正式党员", "2012-07-01", branch_code])
    sheet.append(["错误行", "110105194912310021", "汉族", "正式党员", "2012-07-01", branch_code])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_with_preview_and_commit(system, api, root_id, phone):
    branch_code = code("PB")
    branch = api.post("/orgs", json={"name": "页面导入支部", "code": branch_code, "type": "31",
                                     "parent_id": root_id}).json()["id"]
    log_in(phone, system, api, root_id, f"imp{code('')}")
    phone.goto(f"{system.url}/orgs/{branch}/import")
    phone.locator("#import-file").set_input_files(files=[{
        "name": "党员.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": filled_template(api, branch_code)}])
    phone.get_by_role("button", name="上传并预览").click()
    expect(phone.locator("#preview-summary")).to_have_text("共 2 行，有效 1 行，问题 1 处")
    expect(phone.locator("#preview-errors tbody tr")).to_have_count(1)
    expect(phone.locator("#preview-errors tbody")).to_contain_text("公民身份号码校验码错误")
    phone.get_by_role("button", name="写入有效行").click()
    expect(phone.locator("#commit-status")).to_have_text("已写入 1 名党员，跳过 1 行")
    phone.goto(f"{system.url}/orgs/{branch}")
    expect(phone.get_by_role("link", name="页面导入", exact=True)).to_be_visible()
