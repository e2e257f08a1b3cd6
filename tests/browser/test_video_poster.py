"""A video's poster frame in a real browser, desktop and phone, against the local S3 server: the
test records a real MP4 with Chromium's MediaRecorder (a moving canvas), uploads it from the meeting
page, and the page's script draws a frame of it on a canvas and uploads that as the video's
thumbnail (the server has no video decoder); a file the browser cannot play keeps the neutral video
icon. No Content-Security-Policy violation on the way (the local file plays from a blob: URL)."""
import base64
import io
import os
from datetime import datetime, timedelta

import httpx
from PIL import Image
from playwright.sync_api import expect

from tests.support.api import create_org
from tests.support.factories import code, member_data

from .conftest import log_in, no_sideways_scroll, shot, wait_until

# A second and a half of a red canvas with a white square moving across, recorded as MP4 (the
# codecs Chromium can put in MP4; the server accepts MP4 or MOV by content).
RECORD_MP4 = """async () => {
  const type = ["video/mp4;codecs=avc1", "video/mp4;codecs=vp9", "video/mp4;codecs=av01", "video/mp4"]
    .find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) return null;
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 240;
  const context = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType: type });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start(100);
  for (let i = 0; i < 20; i += 1) {
    context.fillStyle = "rgb(190, 30, 30)"; context.fillRect(0, 0, 320, 240);
    context.fillStyle = "#fff"; context.fillRect(20 + i * 12, 90, 60, 60);
    await new Promise((resolve) => setTimeout(resolve, 75));
  }
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks, { type }).arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}"""


def test_a_video_gets_its_poster_frame_and_an_unplayable_one_an_icon(system, api, root_id, screen):
    page, size = screen
    console = []  # Chromium reports each CSP violation on the console (the page reloads after uploading)
    page.on("console", lambda message: console.append(message.text))
    tag = code("")
    branch = create_org(api, root_id, f"封面测试支部{tag}")
    member = api.post("/members", json=member_data(branch, name="封面党员")).json()["id"]
    held = (datetime.now() - timedelta(days=1)).replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    meeting = api.post(f"/orgs/{branch}/meetings", json={
        "kind": "主题党日", "held_at": held, "place": "社区", "host": "甲", "recorder": "乙", "topic": "志愿服务",
        "attendees": [member]}).json()["id"]
    log_in(page, system, api, branch, f"vp{tag}".lower())
    page.goto(f"{system.url}/meetings/{meeting}")

    recorded = page.evaluate(RECORD_MP4)
    assert recorded, "Chromium 无法录制 MP4"
    video = base64.b64decode(recorded)
    assert video[4:8] == b"ftyp"
    page.locator("#attachment-input").set_input_files([
        {"name": "活动录像.mp4", "mimeType": "video/mp4", "buffer": video},
        {"name": "无法播放.mp4", "mimeType": "video/mp4",
         "buffer": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + os.urandom(50_000)},
    ])
    page.locator("#attachment-button").click()
    expect(page.locator(".attachment")).to_have_count(2, timeout=90000)
    played = page.locator(".attachment", has_text="活动录像.mp4")
    expect(played.locator("img")).to_have_attribute("alt", "活动录像.mp4（视频封面）")
    expect(played.locator(".play")).to_have_count(1)
    wait_until(page, "Array.from(document.querySelectorAll('.attachment img'))"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    unplayable = page.locator(".attachment", has_text="无法播放.mp4")
    expect(unplayable.locator(".video-icon")).to_be_visible()
    expect(unplayable.locator("img")).to_have_count(0)
    assert not [text for text in console if "Content Security Policy" in text], console
    no_sideways_scroll(page)
    shot(page, f"orglife-video-poster-{size}")

    # The thumbnail is a frame of the video: the red of the recorded canvas, re-encoded, at most 320 px.
    items = api.get(f"/meetings/{meeting}/attachments").json()["items"]
    thumb_url = next(i["thumbnail_url"] for i in items if i["filename"] == "活动录像.mp4")
    link = api.get(thumb_url.removeprefix("/api/v1"), follow_redirects=False).headers["location"]
    stored = Image.open(io.BytesIO(httpx.get(link, timeout=30).content))
    assert stored.format == "JPEG" and max(stored.size) <= 320
    frame = stored.convert("RGB")
    red, green, blue = frame.getpixel((5, 5))
    assert red > 150 and green < 90 and blue < 90, (red, green, blue)
