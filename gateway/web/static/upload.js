// Member photo upload: ask the media service for a presigned request, send the file straight
// to object storage, then ask the media service to verify and keep it.
(function () {
  const form = document.getElementById("photo-form");
  if (!form) return;
  const status = document.getElementById("photo-status");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const MAX = 5 * 1024 * 1024;

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

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("photo-input").files[0];
    if (!file) { status.textContent = "请选择照片"; return; }
    if (file.size > MAX) { status.textContent = "图片不能超过5MB"; return; }
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      status.textContent = "正在上传…";
      const upload = await api("/api/v1/media/uploads", {
        member_id: Number(form.dataset.memberId), content_type: file.type || "application/octet-stream", size: file.size,
      });
      const body = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) body.append(name, value);
      body.append("file", file);
      const stored = await fetch(upload.url, { method: "POST", body });
      if (!stored.ok) throw new Error("上传到存储失败，请重试");
      status.textContent = "正在校验图片…";
      await api(`/api/v1/media/uploads/${upload.upload_id}/complete`);
      status.textContent = "上传成功";
      window.location.reload();
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
})();
