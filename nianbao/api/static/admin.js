// 管理: behind the admin key (typed here, kept in this tab's sessionStorage, sent as X-Admin-Key).
// Upload several files (drag and drop), each with its own progress and what was read; list the
// reports with their versions, replace, delete and restore; the audit log; the 赞/踩 ratings.

import { api, append, clear, el, yearText } from "./dom.js";

const KEY = "nianbao.admin-key";
const OUTCOMES = {
  ingested: "已收录",
  replaced: "已替换旧版本",
  unchanged: "已有相同文件，未改动",
  same_report: "同一报告的另一种格式，保留了原有数字",
  kept_current: "已存为新版本，但读到的数字比当前版本少，当前版本不变",
  refused: "被拒绝",
  skipped: "没有收录",
};
const ACTIONS = { replace: "替换", force_replace: "强制替换", keep_current: "保留当前版本", delete: "删除",
  restore: "恢复", purge: "彻底清除" };

let adminKey = "";

function withKey(options = {}) {
  return { ...options, headers: { ...(options.headers || {}), "X-Admin-Key": adminKey } };
}

// --- the key -------------------------------------------------------------------------------

async function enter(key) {
  const status = document.getElementById("key-status");
  adminKey = key;
  status.textContent = "正在核对……";
  try {
    await api("/api/audit-log?limit=1", withKey());
  } catch (error) {
    status.textContent = error.message;
    try { sessionStorage.removeItem(KEY); } catch { /* storage off */ }
    return;
  }
  try { sessionStorage.setItem(KEY, key); } catch { /* storage off: type it again after a reload */ }
  status.textContent = "";
  document.getElementById("key-form").hidden = true;
  document.getElementById("admin").hidden = false;
  refreshAll();
}

function refreshAll() {
  loadReports();
  loadAudit();
  loadFeedback();
}

// --- upload --------------------------------------------------------------------------------

function setupUpload() {
  const drop = document.getElementById("drop");
  const input = document.getElementById("files");
  input.addEventListener("change", () => { uploadAll([...input.files]); input.value = ""; });
  drop.addEventListener("click", (event) => { if (event.target === drop) input.click(); });
  drop.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") input.click(); });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    uploadAll([...event.dataTransfer.files]);
  });
}

/** One file after another, each in its own request, so each has its own progress and outcome. */
async function uploadAll(files, fields = formFields()) {
  const items = files.map((file) => ({ file, row: uploadRow(file) }));
  for (const { file, row } of items) await uploadOne(file, row, fields);
  refreshAll();
}

function formFields() {
  return {
    body: document.getElementById("upload-body").value.trim(),
    year: document.getElementById("upload-year").value.trim(),
    force: document.getElementById("upload-force").checked,
  };
}

function uploadRow(file) {
  const row = el("li", { class: "upload", "data-status": "waiting" },
    el("div", { class: "name" }, file.name),
    el("progress", { max: 100, value: 0 }),
    el("div", { class: "state" }, `等待上传（${sizeText(file.size)}）`));
  document.getElementById("uploads").append(row);
  return row;
}

function sizeText(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** POST /api/reports with one file (XMLHttpRequest: fetch cannot report upload progress). */
function uploadOne(file, row, fields) {
  const bar = row.querySelector("progress");
  const state = row.querySelector(".state");
  const form = new FormData();
  form.append("files", file, file.name);
  if (fields.body) form.append("body", fields.body);
  if (fields.year) form.append("year", fields.year);
  if (fields.force) form.append("force", "true");
  const started = performance.now();
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/reports");
    xhr.setRequestHeader("X-Admin-Key", adminKey);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      bar.value = Math.round((event.loaded / event.total) * 90);
      state.textContent = `正在上传 ${Math.round((event.loaded / event.total) * 100)}%`;
    });
    xhr.upload.addEventListener("load", () => {
      bar.value = 90;
      state.textContent = "已上传，服务器正在读取表格、核对数字、建立检索……";
    });
    xhr.addEventListener("load", async () => {
      bar.value = 100;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 200 && body) await showOutcome(row, body.outcomes[0], seconds);
      else failed(row, body && body.error ? body.error.message : `服务器回答 ${xhr.status}`, file, fields);
      resolve();
    });
    xhr.addEventListener("error", () => {
      failed(row, "网络连接失败，文件没有送到服务器。", file, fields);
      resolve();
    });
    xhr.send(form);
  });
}

function failed(row, message, file, fields) {
  row.dataset.status = "error";
  const retry = el("button", { type: "button", class: "secondary small" }, "重试");
  retry.addEventListener("click", async () => {
    clear(row);
    append(row, [el("div", { class: "name" }, file.name), el("progress", { max: 100, value: 0 }), el("div", { class: "state" }, "等待上传")]);
    row.dataset.status = "waiting";
    await uploadOne(file, row, fields);
    refreshAll();
  });
  append(clear(row.querySelector(".state")), [`上传失败：${message} `, retry]);
}

/** The outcome, then what was read: tables (cells of each), findings, warnings. */
async function showOutcome(row, outcome, seconds) {
  row.dataset.status = outcome.status;
  const state = clear(row.querySelector(".state"));
  append(state, [el("strong", {}, OUTCOMES[outcome.status] || outcome.status), `（${seconds} 秒）`]);
  const read = el("ul", { class: "read" }, el("li", {}, outcome.message));
  state.appendChild(read);
  if (!outcome.report_id || outcome.status === "skipped" || outcome.status === "refused") return;
  try {
    const report = await api(`/api/reports/${encodeURIComponent(outcome.report_id)}`);
    read.appendChild(el("li", { class: "summary" },
      `${report.body} ${yearText(report.year)}：读到 ${report.cells} 个数字，${report.findings.length} 处数字对不上`));
    for (const table of report.tables) {
      read.appendChild(el("li", { class: table.read < table.expected ? "warning" : null },
        `${table.name}：${table.read} / ${table.expected} 个单元格`));
    }
    for (const warning of report.warnings) read.appendChild(el("li", { class: "warning" }, `提示：${warning}`));
  } catch (error) {
    read.appendChild(el("li", { class: "warning" }, `无法读取报告详情：${error.message}`));
  }
}

// --- reports, versions, delete, restore ----------------------------------------------------

async function loadReports() {
  const status = document.getElementById("reports-status");
  const table = clear(document.getElementById("reports"));
  try {
    const reports = await api("/api/reports");
    status.textContent = reports.length ? `共 ${reports.length} 份（每个单位每年的当前版本）` : "还没有收录任何报告。";
    table.appendChild(el("thead", {}, el("tr", {},
      ["单位", "年份", "文件", "数字", "版本", "操作"].map((t) => el("th", { scope: "col" }, t)))));
    table.appendChild(el("tbody", {}, reports.map(reportRow)));
  } catch (error) {
    status.textContent = `载入失败：${error.message}`;
  }
}

function reportRow(report) {
  const versions = el("button", { type: "button", class: "secondary small", "aria-expanded": "false" }, "版本");
  const replace = el("button", { type: "button", class: "secondary small" }, "替换");
  const remove = el("button", { type: "button", class: "danger small" }, "删除");
  const picker = el("input", { type: "file", class: "visually-hidden", accept: ".docx,.html,.htm,.pdf,.txt,.doc,.wps" });
  const row = el("tr", { "data-id": report.id },
    el("th", { scope: "row" }, report.body),
    el("td", {}, yearText(report.year)),
    el("td", {}, report.source, report.also_seen_as.length ? el("div", { class: "muted" }, `另见：${report.also_seen_as.join("、")}`) : null),
    el("td", {}, String(report.cells)),
    el("td", {}, `v${report.version}`),
    el("td", {}, el("div", { class: "actions" }, versions, replace, remove, picker)));
  versions.addEventListener("click", () => toggleVersions(row, versions, report));
  replace.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    const files = [...picker.files];
    picker.value = "";
    // A replacement names this report's body and year (a file naming others is refused) and is
    // made current even when it reads fewer cells: the admin asked for it.
    if (files.length) uploadAll(files, { body: report.body, year: report.year ? String(report.year) : "", force: true });
  });
  confirmClick(remove, "确认删除？", () => act(`/api/reports/${encodeURIComponent(report.id)}`, { method: "DELETE" }));
  return row;
}

/** A dangerous button asks again in place (no dialog): a second click within 5 s does it. */
function confirmClick(button, question, action) {
  const label = button.textContent;
  let timer = null;
  button.addEventListener("click", () => {
    if (!button.classList.contains("confirm")) {
      button.classList.add("confirm");
      button.textContent = question;
      timer = setTimeout(() => { button.classList.remove("confirm"); button.textContent = label; }, 5000);
      return;
    }
    clearTimeout(timer);
    button.disabled = true;
    action();
  });
}

async function act(url, options) {
  const status = document.getElementById("reports-status");
  try {
    const done = await api(url, withKey(options));
    status.textContent = done.message || "已完成。";
  } catch (error) {
    status.textContent = `没有成功：${error.message}${error.detail ? `（${error.detail}）` : ""}`;
  }
  loadReports();
  loadAudit();
}

async function toggleVersions(row, button, report) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains("versions")) {
    next.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  button.setAttribute("aria-expanded", "true");
  const cell = el("td", { colspan: 6 }, "正在载入版本……");
  row.after(el("tr", { class: "versions" }, cell));
  try {
    const versions = await api(`/api/reports/${encodeURIComponent(report.id)}/versions`);
    append(clear(cell), [el("ul", { class: "read" }, versions.map(versionItem))]);
  } catch (error) {
    cell.textContent = `载入失败：${error.message}`;
  }
}

function versionItem(v) {
  const state = v.deleted_at ? el("span", { class: "deleted-mark" }, `已删除（${v.deleted_at}）`)
    : v.current ? el("span", { class: "current-mark" }, "当前版本") : "较早或保留的版本";
  const item = el("li", { "data-version": v.id }, `v${v.version} · ${v.source} · ${v.cells} 个数字 · 收录于 ${v.ingested_at} · `, state, " ");
  if (!v.current || v.deleted_at) {
    const restore = el("button", { type: "button", class: "secondary small restore" }, "设为当前版本");
    restore.addEventListener("click", () => act(`/api/reports/${encodeURIComponent(v.id)}/restore`, { method: "POST" }));
    item.appendChild(restore);
  }
  return item;
}

async function loadAudit() {
  const table = clear(document.getElementById("audit"));
  try {
    const entries = await api("/api/audit-log?limit=50", withKey());
    table.appendChild(el("thead", {}, el("tr", {},
      ["时间", "操作", "报告", "说明", "操作人", ""].map((t) => el("th", { scope: "col" }, t)))));
    table.appendChild(el("tbody", {}, entries.map((e) => {
      let restore = null;
      if (e.action === "delete") {
        restore = el("button", { type: "button", class: "secondary small" }, "恢复");
        restore.addEventListener("click", () => act(`/api/reports/${encodeURIComponent(e.report_id)}/restore`, { method: "POST" }));
      }
      return el("tr", {},
        el("th", { scope: "row" }, e.at.replace("T", " ").replace("+00:00", " UTC")),
        el("td", {}, ACTIONS[e.action] || e.action),
        el("td", {}, `${e.body} ${yearText(e.year)} · ${e.source}`),
        el("td", {}, e.detail),
        el("td", {}, e.actor),
        el("td", {}, restore));
    })));
  } catch (error) {
    table.appendChild(el("caption", {}, `载入失败：${error.message}`));
  }
}

// --- feedback ------------------------------------------------------------------------------

async function loadFeedback() {
  const status = document.getElementById("feedback-status");
  const table = clear(document.getElementById("feedback"));
  try {
    const entries = await api("/api/feedback?limit=200", withKey());
    const down = entries.filter((e) => e.rating === "down").length;
    status.textContent = entries.length ? `最近 ${entries.length} 条评价，其中踩 ${down} 条` : "还没有评价。";
    table.appendChild(el("thead", {}, el("tr", {},
      ["时间", "评价", "问题", "回答", "意见"].map((t) => el("th", { scope: "col" }, t)))));
    table.appendChild(el("tbody", {}, entries.map((e) => el("tr", { "data-rating": e.rating },
      el("th", { scope: "row" }, e.at.replace("T", " ").replace("+00:00", " UTC")),
      el("td", {}, e.rating === "up" ? "赞" : "踩"),
      el("td", {}, e.question),
      el("td", {}, e.answer.length > 160 ? `${e.answer.slice(0, 160)}…` : e.answer),
      el("td", {}, e.comment)))));
  } catch (error) {
    status.textContent = `载入失败：${error.message}`;
  }
}

/** The CSV needs the key, so it is fetched here and handed to the browser as a download. */
async function downloadFeedback() {
  const status = document.getElementById("feedback-status");
  try {
    const response = await fetch("/api/feedback?format=csv&limit=10000", withKey());
    if (!response.ok) throw new Error(`服务器回答 ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: "nianbao-feedback.csv" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    status.textContent = `下载失败：${error.message}`;
  }
}

document.getElementById("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  enter(document.getElementById("admin-key").value);
});
document.getElementById("refresh").addEventListener("click", refreshAll);
document.getElementById("feedback-csv").addEventListener("click", downloadFeedback);
setupUpload();
let saved = null;
try { saved = sessionStorage.getItem(KEY); } catch { saved = null; }
if (saved) enter(saved);
