// 组织生活 attachments' upload, shared by a meeting's page (attachments.js) and the 组织生活附件清单's
// import (import.js): ask the gateway for presigned PUTs (one, or one per 8 MB part of a large file),
// send each part straight to object storage with progress, retry a failed part a few times, resume
// after an interruption (the parts already stored are skipped), then ask to complete: the server
// verifies the content. No file byte goes through the gateway.
// A video gets a poster frame: the server has no video decoder, so the browser plays the chosen
// file locally (a blob: URL), draws a frame on a canvas and uploads it as a JPEG by the photos'
// path (presigned POST; the media service checks it is an image, re-encodes it, drops EXIF).
// When no frame can be drawn (a format the browser cannot play) the page shows a video icon.
// window.pmisAttachmentUploader(status, bar).send(meetingId, file, index, count) → the attachment kept.
window.pmisAttachmentUploader = function (status, bar) {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const TYPES = { doc: "application/msword", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xls: "application/vnd.ms-excel", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ppt: "application/vnd.ms-powerpoint", pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", mp4: "video/mp4", mov: "video/quicktime" };
  const RETRIES = 4;

  async function api(path, body) {
    const response = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || "上传失败，请重试");
    return data;
  }

  function put(url, blob, onProgress) {  // XHR: fetch reports no upload progress
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr.getResponseHeader("ETag")) : reject(new Error("存储拒绝了上传")));
      xhr.onerror = () => reject(new Error("网络中断"));
      xhr.send(blob);
    });
  }

  async function putWithRetry(url, blob, onProgress) {
    for (let attempt = 1; ; attempt += 1) {
      try { return await put(url, blob, onProgress); } catch (error) {
        if (attempt >= RETRIES) throw error;
        status.textContent = `网络不稳定，正在重试（${attempt}/${RETRIES - 1}）…`;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  function typeOf(file) {
    if (file.type) return file.type;
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    return TYPES[ext] || "application/octet-stream";
  }

  async function send(meetingId, file, index, count) {
    const label = count > 1 ? `（${index + 1}/${count}）` : "";
    status.textContent = `正在上传 ${file.name}${label}…`;
    let upload = await api(`/api/v1/meetings/${meetingId}/attachments`, { filename: file.name, content_type: typeOf(file), size: file.size });
    const partSize = upload.part_size;
    const done = {};
    const sent = {};
    const show = () => { bar.value = Object.values(sent).reduce((a, b) => a + b, 0) / file.size; };
    for (let round = 0; round < 3; round += 1) {
      try {
        for (const part of upload.parts) {
          const blob = file.slice((part.number - 1) * partSize, part.number * partSize);
          done[part.number] = await putWithRetry(part.url, blob, (loaded) => { sent[part.number] = loaded; show(); });
          sent[part.number] = blob.size; show();
        }
        break;
      } catch (error) {  // still failing: ask which parts arrived and send only the others
        if (round === 2) throw error;
        status.textContent = `连接中断，正在续传 ${file.name}…`;
        const resumed = await api(`/api/v1/attachments/${upload.upload_id}/resume`);
        for (const part of resumed.parts_done) { done[part.number] = part.etag; sent[part.number] = part.size; }
        upload = { ...upload, parts: resumed.parts };
      }
    }
    status.textContent = `正在校验 ${file.name}…`;
    const parts = Object.entries(done).map(([number, etag]) => ({ number: Number(number), etag }));
    const kept = await api(`/api/v1/attachments/${upload.upload_id}/complete`, parts.every((p) => p.etag) ? { parts } : {});
    if (kept.kind === "video" && !kept.thumbnail_url) await sendPoster(file, kept.id);
    return kept;
  }

  const POSTER_SIDE = 1280;  // the media service keeps a 320 px thumbnail of it
  const POSTER_WAIT = 15000;

  function frameOf(file) {  // a JPEG of a frame near the start, or null
    return new Promise((resolve) => {
      const video = document.createElement("video");
      const url = URL.createObjectURL(file);
      let settled = false;
      const finish = (blob) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        video.removeAttribute("src");
        video.load();
        URL.revokeObjectURL(url);
        resolve(blob);
      };
      const timer = setTimeout(() => finish(null), POSTER_WAIT);
      const draw = () => {
        const scale = Math.min(1, POSTER_SIDE / Math.max(video.videoWidth, video.videoHeight));
        const width = Math.round(video.videoWidth * scale), height = Math.round(video.videoHeight * scale);
        if (!width || !height) { finish(null); return; }
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        canvas.getContext("2d").drawImage(video, 0, 0, width, height);
        canvas.toBlob((blob) => finish(blob), "image/jpeg", 0.85);
      };
      video.muted = true;
      video.playsInline = true;
      video.preload = "auto";
      video.addEventListener("error", () => finish(null));
      video.addEventListener("loadeddata", () => {
        // A second into a longer video says more than its (often black) first frame.
        if (Number.isFinite(video.duration) && video.duration > 2) {
          video.addEventListener("seeked", draw, { once: true });
          video.currentTime = 1;
        } else {
          draw();
        }
      }, { once: true });
      video.src = url;
    });
  }

  async function sendPoster(file, attachmentId) {  // best effort: the video is kept either way
    try {
      status.textContent = `正在生成 ${file.name} 的封面…`;
      const frame = await frameOf(file);
      if (!frame) return;
      const upload = await api("/api/v1/media/uploads", {
        owner_kind: "video_poster", owner_id: attachmentId, content_type: "image/jpeg", size: frame.size,
      });
      const body = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) body.append(name, value);
      body.append("file", frame, "poster.jpg");
      const stored = await fetch(upload.url, { method: "POST", body });
      if (!stored.ok) return;
      await api(`/api/v1/media/uploads/${upload.upload_id}/complete`);
    } catch (error) {
      // no poster: the page shows the video icon
    }
  }

  return { send };
};
