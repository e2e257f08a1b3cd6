// A meeting's attachments: the chosen files sent one by one by the shared uploader
// (attachment_upload.js), then the page reloads with them.
(function () {
  const form = document.getElementById("attachment-form");
  if (!form) return;
  const input = document.getElementById("attachment-input");
  const status = document.getElementById("attachment-status");
  const bar = document.getElementById("attachment-progress");
  const button = document.getElementById("attachment-button");
  const meetingId = form.dataset.meetingId;
  const uploader = window.pmisAttachmentUploader(status, bar);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from(input.files);
    if (!files.length) { status.textContent = "请选择文件"; return; }
    button.disabled = true;
    bar.hidden = false;
    try {
      for (let i = 0; i < files.length; i += 1) { bar.value = 0; await uploader.send(meetingId, files[i], i, files.length); }
      status.textContent = "上传成功";
      window.location.reload();
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
})();
