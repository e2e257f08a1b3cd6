"""组织生活 in a real browser, desktop and phone (the `screen` fixture): a branch secretary records a
支部党员大会 (a refused form names its fields in Chinese; attendees ticked on the roster, one absent
with a reason), uploads photos and a video from the meeting page straight to the local S3 server
(static/attachments.js: presigned PUTs, no byte through the gateway) and sees the thumbnails, signs
as host and recorder (each asks first; then it is locked), and finds it in the year's summary (with
its charts) and as 最近一次组织生活 on the organization card. Every page is shot and scrolls only
inside its tables."""
import io
import os
from datetime import datetime, timedelta

from PIL import Image
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot, wait_until


def jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(out, "JPEG")
    return out.getvalue()


def test_a_branch_records_a_meeting_with_photos_and_a_video(system, api, root_id, screen):
    page, size = screen
    page.on("dialog", lambda dialog: dialog.accept())
    tag = code("")
    branch = create_org(api, root_id, f"页面组织生活支部{tag}")
    people = [api.post("/members", json=member_data(branch, name=name)).json()["id"]
              for name in ("王一", "李二", "赵三")]
    log_in(page, system, api, branch, f"ol{tag}".lower())

    page.locator("#nav-orglife").click()
    expect(page.locator("#orglife-title")).to_have_text("组织生活")
    page.locator("#new-meeting").click()
    page.get_by_role("button", name="保存记录").click()
    expect(page.locator("#form-error")).to_contain_text("类型")
    expect(page.locator("#form-error")).to_contain_text("主持人")
    shot(page, f"orglife-meeting-refused-{size}")

    held = (datetime.now() - timedelta(days=1)).replace(hour=15, minute=0).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("类型").select_option(label="支部党员大会")
    page.get_by_label("时间").fill(held)
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_label("主持人").fill("王一")
    page.get_by_label("记录人").fill("李二")
    page.get_by_label("会议主题").fill("学习贯彻党章")
    page.locator(f'input[name="attend.{people[2]}"]').uncheck()
    page.get_by_label("赵三缺席原因").fill("出差")
    page.get_by_label("会议内容").fill("一、集体学习党章\n二、交流发言")
    shot(page, f"orglife-meeting-new-{size}")
    page.get_by_role("button", name="保存记录").click()
    expect(page.locator("#flash")).to_have_text("已记录组织生活")
    expect(page.locator("#meeting-absentees")).to_contain_text("赵三（出差）")
    expect(page.locator("#meeting-content")).to_contain_text("交流发言")

    page.locator("#attachment-input").set_input_files([
        {"name": "现场1.jpg", "mimeType": "image/jpeg", "buffer": jpeg((180, 40, 40))},
        {"name": "现场2.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40, 40, 180))},
        {"name": "会议.mp4", "mimeType": "video/mp4",
         "buffer": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + os.urandom(200_000)},
    ])
    page.locator("#attachment-button").click()
    expect(page.locator(".attachment")).to_have_count(3, timeout=60000)
    expect(page.locator('.attachment[data-kind="image"] img')).to_have_count(2)
    wait_until(page,   # the thumbnails came from the S3 server through their signed links
        "Array.from(document.querySelectorAll('.attachment img')).every(i => i.complete && i.naturalWidth > 0)")
    expect(page.locator('.attachment[data-kind="video"]')).to_contain_text("会议.mp4")

    page.locator("#sign-host").click()
    expect(page.locator("#flash")).to_have_text("已签认")
    page.locator("#sign-recorder").click()
    expect(page.locator("#meeting-status")).to_have_text("已签认锁定")
    expect(page.locator("#meeting-history")).to_contain_text("签认")
    no_sideways_scroll(page)
    shot(page, f"orglife-meeting-{size}")

    page.locator(".crumbs").get_by_role("link", name="组织生活", exact=True).click()
    expect(page.locator('#summary-table tr[data-kind="11"]')).to_contain_text("1")
    expect(page.locator("#meeting-list")).to_contain_text("学习贯彻党章")
    expect(page.locator("#completion")).not_to_have_text("—")
    # The charts: held against required, and the attendance rate (2 of 3 present), drawn on the server,
    # with the figures in words; the same as the table's.
    expect(page.locator("#chart-held svg desc")).to_contain_text("支部党员大会已开展1次，应开展4次")
    expect(page.locator("#chart-attendance svg desc")).to_contain_text("支部党员大会66.7%")
    expect(page.locator("#attendance")).to_have_text("66.7%")
    expect(page.locator('#summary-table tr[data-kind="11"] td[data-label="出席率"]')).to_have_text("66.7%（2/3）")
    no_sideways_scroll(page)
    shot(page, f"orglife-list-{size}")

    page.goto(f"{system.url}/orgs/{branch}")
    expect(page.locator("#latest-meeting")).to_contain_text("支部党员大会：学习贯彻党章")
