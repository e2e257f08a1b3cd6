// Member import: upload with progress, show the preview's problems, commit on request. A 组织生活附件清单
// (data-files) also sends the chosen files to their meetings (attachment_upload.js) before its commit.
(function () {
  const form = document.getElementById("import-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = document.getElementById("import-status");
  const progress = document.getElementById("import-progress");
  // The page says what it imports (党员 by default, 党组织 with its own URLs and column names).
  const upload = form.dataset.upload || "/api/v1/imports/members";
  const commitBase = form.dataset.commit || "/api/v1/imports/";
  const what = form.dataset.what || "名党员";
  const FIELDS = Object.assign({ name: "姓名", id_number: "公民身份号码", ethnicity: "民族", category: "党员类别",
                   joined_on: "入党日期", org_code: "所在党组织代码" }, JSON.parse(form.dataset.fields || "{}"));
  let importId = null;
  let toSend = [];  // a 组织生活附件清单's valid rows: the files to send to their meetings

  function errorMessage(xhrOrData) {
    const data = xhrOrData && xhrOrData.error ? xhrOrData : null;
    return (data && data.error.message) || "操作失败，请重试";
  }

  // The import's report (Excel: counts and every refused row with its reason), offered once previewed.
  function showReport() {
    const link = document.getElementById("import-report");
    if (!link || !form.dataset.report) return;
    link.href = `${form.dataset.report}${importId}/report.xlsx`;
    link.hidden = false;
  }

  function showPreview(preview) {
    importId = preview.id;
    toSend = preview.items || [];
    matchFiles();
    showReport();
    document.getElementById("import-preview").hidden = false;
    document.getElementById("preview-summary").textContent =
      `共 ${preview.rows} 行，有效 ${preview.valid} 行，问题 ${preview.errors.length} 处`;
    // A member import names the person and the organization of each row (姓名, 所在党组织).
    const who = (e) => ("name" in e ? [e.name, e.org] : []);
    const body = document.querySelector("#preview-errors tbody");
    const labels = [...document.querySelectorAll("#preview-errors thead th")].map((th) => th.textContent);
    body.replaceChildren(...preview.errors.map((e) => row([e.row, ...who(e), FIELDS[e.field] || e.field, e.message],
                                                          labels)));
    // The values the import read otherwise than typed (民族：汉 → 汉族).
    const notes = document.getElementById("preview-notes");
    if (notes) {
      const list = preview.notes || [];
      notes.hidden = list.length === 0;
      notes.querySelector("tbody").replaceChildren(...list.map((n) => row([n.row, n.name, n.org, n.message])));
    }
  }

  // A row of cells; `labels` name them on a phone's stacked table (the headers, as data-label).
  function row(texts, labels) {
    const tr = document.createElement("tr");
    for (const [index, text] of texts.entries()) {
      const td = document.createElement("td");
      td.textContent = text;
      if (labels && labels[index]) td.dataset.label = labels[index];
      tr.appendChild(td);
    }
    return tr;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = document.getElementById("import-file").files[0];
    if (!file) { status.textContent = "请选择文件"; return; }
    const body = new FormData();
    body.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    progress.hidden = false;
    progress.value = 0;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = progress.value < 100 ? `正在上传… ${progress.value}%` : "正在逐行校验…";
    };
    xhr.onload = () => {
      progress.hidden = true;
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      // A sheet whose preview is a page of its own (the 党费基数表) goes there.
      if (xhr.status === 201 && form.dataset.previewPage) { window.location.assign(form.dataset.previewPage + data.id); }
      else if (xhr.status === 201) { status.textContent = "校验完成"; showPreview(data); }
      else status.textContent = errorMessage(data);
    };
    xhr.onerror = () => { progress.hidden = true; status.textContent = "上传失败，请检查网络后重试"; };
    xhr.send(body);
  });

  // A 组织生活附件清单: the files chosen, matched to the valid rows by name.
  const chooser = document.getElementById("import-files");
  function chosen() {
    const byName = new Map();
    for (const file of (chooser ? chooser.files : [])) byName.set(file.name, file);
    return byName;
  }
  function matchFiles() {
    const shown = document.getElementById("files-matched");
    if (!shown) return;
    const byName = chosen();
    const found = toSend.filter((item) => byName.has(item.filename)).length;
    shown.textContent = `清单中有效的 ${toSend.length} 个文件，已选择其中 ${found} 个`;
  }
  if (chooser) chooser.addEventListener("change", matchFiles);

  // Each matched file sent to its meeting by the attachments' own upload; what happened to each row.
  async function sendFiles() {
    const status = document.getElementById("files-status");
    const bar = document.getElementById("files-progress");
    const uploader = window.pmisAttachmentUploader(status, bar);
    const byName = chosen();
    const results = [];
    bar.hidden = false;
    for (const [index, item] of toSend.entries()) {
      const file = byName.get(item.filename);
      if (!file) continue;  // not chosen: the commit lists it
      bar.value = 0;
      try {
        const kept = await uploader.send(item.meeting_id, file, index, toSend.length);
        results.push({ row: item.row, attachment_id: kept.id });
      } catch (error) {
        results.push({ row: item.row, message: error.message });
      }
    }
    bar.hidden = true;
    status.textContent = "";
    return results;
  }

  const commitButton = document.getElementById("commit-import");
  if (!commitButton) return;
  commitButton.addEventListener("click", async () => {
    const commitStatus = document.getElementById("commit-status");
    const allOrNothing = document.getElementById("all-or-nothing").checked;
    let results;
    commitButton.disabled = true;
    if (form.dataset.files && !(allOrNothing && document.querySelector("#preview-errors tbody tr"))) {
      commitStatus.textContent = "正在上传文件…";
      results = await sendFiles();
    }
    commitStatus.textContent = "正在写入…";
    const response = await fetch(`${commitBase}${importId}/commit`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(results ? { all_or_nothing: allOrNothing, results } : { all_or_nothing: allOrNothing }),
    });
    commitButton.disabled = false;
    const data = await response.json().catch(() => ({}));
    commitStatus.textContent = response.ok ? `已写入 ${data.written} ${what}，跳过 ${data.skipped_rows} 行` : errorMessage(data);
    if (response.ok) showReport();
  });
})();
