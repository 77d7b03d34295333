// 数据: pick a body, years and a metric → a table, a small trend chart (inline SVG) and CSV links,
// then the staff's panels (review.js): rates, audit, changes between years, the export; above the
// form, which bodies and years are stored.

import { api, append, clear, el, getMetrics, svg, yearText } from "./dom.js";
import { coveragePanel, reviewPanels } from "./review.js";

let loaded = null;
let bodies = [];
let metrics = [];

/** Load the choices the first time the view is opened. */
export function setupData() {
  if (!loaded) loaded = load();
  return loaded;
}

async function load() {
  const status = document.getElementById("data-status");
  status.textContent = "正在载入……";
  try {
    const [reports, metricList] = await Promise.all([api("/api/reports"), getMetrics()]);
    bodies = groupBodies(reports);
    metrics = metricList;
    fillBodies();
    fillRows();
    const form = document.getElementById("data-form");
    form.addEventListener("submit", (event) => { event.preventDefault(); query(); });
    document.getElementById("body-select").addEventListener("change", fillYears);
    document.getElementById("row-select").addEventListener("change", fillColumns);
    status.textContent = bodies.length ? "" : "还没有收录任何年度报告。";
    clear(document.getElementById("coverage-slot")).appendChild(await coveragePanel(pickBody));
  } catch (error) {
    loaded = null;
    status.textContent = `载入失败：${error.message}`;
  }
}

/** One entry per body; 洪泽区人民政府 and 淮安市洪泽区人民政府 are one body in two years' titles. */
function groupBodies(reports) {
  const names = [...new Set(reports.map((r) => r.body))].sort((a, b) => a.length - b.length);
  const groups = [];
  for (const name of names) {
    const group = groups.find((g) => g.name.length >= 4 && name.endsWith(g.name));
    if (group) group.names.push(name);
    else groups.push({ name, names: [name], years: new Set() });
  }
  for (const r of reports) {
    const group = groups.find((g) => g.names.includes(r.body));
    if (r.year) group.years.add(r.year);
  }
  return groups.sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

/** A body picked in the coverage matrix: select it with all its years and show its data. */
function pickBody(name) {
  const index = bodies.findIndex((g) => g.names.includes(name));
  if (index < 0) return;
  document.getElementById("body-select").value = String(index);
  fillYears();
  query();
}

function fillBodies() {
  const select = clear(document.getElementById("body-select"));
  for (const [i, group] of bodies.entries()) {
    const label = group.names.length > 1 ? group.names.join(" / ") : group.name;
    select.appendChild(el("option", { value: String(i) }, label));
  }
  fillYears();
}

function fillYears() {
  const box = clear(document.getElementById("year-boxes"));
  const group = bodies[Number(document.getElementById("body-select").value)];
  if (!group) return;
  for (const year of [...group.years].sort()) {
    const input = el("input", { type: "checkbox", name: "year", value: String(year), checked: true });
    box.appendChild(el("label", {}, input, ` ${year}`));
  }
}

function fillRows() {
  const select = clear(document.getElementById("row-select"));
  const groups = new Map();
  for (const m of metrics) {
    if (!groups.has(m.table_name)) groups.set(m.table_name, new Map());
    groups.get(m.table_name).set(`${m.table}.${m.row}`, m.row_label);
  }
  for (const [tableName, rows] of groups) {
    const optgroup = el("optgroup", { label: tableName });
    for (const [value, label] of rows) optgroup.appendChild(el("option", { value }, label));
    select.appendChild(optgroup);
  }
  select.value = "t3.new_received";
  fillColumns();
}

function fillColumns() {
  const row = document.getElementById("row-select").value;
  const select = clear(document.getElementById("column-select"));
  const columns = metrics.filter((m) => `${m.table}.${m.row}` === row);
  for (const m of columns) select.appendChild(el("option", { value: m.key }, m.column_label));
  const total = columns.find((m) => m.column === "total");
  if (total) select.value = total.key;
}

async function query() {
  const group = bodies[Number(document.getElementById("body-select").value)];
  const key = document.getElementById("column-select").value;
  const years = [...document.querySelectorAll("#year-boxes input:checked")].map((i) => i.value);
  const status = document.getElementById("data-status");
  const result = clear(document.getElementById("data-result"));
  if (!group || !key) return;
  const params = new URLSearchParams({ body: group.name, key });
  for (const year of years) params.append("year", year);
  status.textContent = "正在查询……";
  try {
    const [rows, findings] = await Promise.all([api(`/api/figures?${params}`), api("/api/findings")]);
    status.textContent = "";
    const metric = metrics.find((m) => m.key === key);
    rows.sort((a, b) => (a.year || 0) - (b.year || 0));
    const missing = years.filter((y) => !rows.some((r) => String(r.year) === y));
    append(result, [
      chartPanel(group, metric, rows, missing),
      tablePanel(rows, params, group, years),
      findingsPanel(findings.filter((f) => group.names.includes(f.body)
        && (!years.length || years.includes(String(f.year))))),
    ]);
    append(result, await reviewPanels(group.name, years));
  } catch (error) {
    status.textContent = `查询失败：${error.message}`;
  }
}

function chartPanel(group, metric, rows, missing) {
  const title = `${group.name} · ${metric.row_label} · ${metric.column_label}`;
  const panel = el("section", { class: "panel" }, el("h2", {}, title));
  if (!rows.length) return append(panel, [el("p", { class: "muted" }, "所选年份的报告里没有这一项。")]);
  panel.appendChild(barChart(rows, title));
  if (missing.length) {
    panel.appendChild(el("p", { class: "muted" }, `${missing.map((y) => `${y}年`).join("、")}的报告里没有这一项。`));
  }
  return panel;
}

/** Bars by year with their values, and a line through the tops. */
function barChart(rows, title) {
  const width = Math.max(320, rows.length * 90 + 40);
  const height = 220;
  const top = 28;
  const base = height - 34;
  const max = Math.max(1, ...rows.map((r) => (typeof r.value === "number" ? r.value : 0)));
  const chart = svg("svg", { class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": title },
    svg("title", {}, title), svg("line", { class: "axis", x1: 20, x2: width - 20, y1: base, y2: base }));
  const points = [];
  const line = svg("polyline", { class: "trend" });
  chart.appendChild(line); // behind the bars and their labels
  rows.forEach((r, i) => {
    const x = 40 + i * 90;
    const numeric = typeof r.value === "number";
    const h = numeric ? Math.round(((base - top) * r.value) / max) : 0;
    if (numeric) {
      chart.appendChild(svg("rect", { class: "bar", x, y: base - h, width: 50, height: Math.max(h, 1) }));
      points.push(`${x + 25},${base - h}`);
    }
    chart.appendChild(svg("text", { class: "value", x: x + 25, y: base - h - 6 }, numeric ? r.value : "空"));
    chart.appendChild(svg("text", { class: "label", x: x + 25, y: base + 20 }, yearText(r.year)));
  });
  if (points.length > 1) line.setAttribute("points", points.join(" "));
  return chart;
}

function tablePanel(rows, params, group, years) {
  const csv = new URLSearchParams(params);
  csv.set("format", "csv");
  const all = new URLSearchParams({ body: group.name, format: "csv" });
  for (const year of years) all.append("year", year);
  const head = el("tr", {}, ["年份", "数值", "报告原文", "来源文件", "位置"].map((t) => el("th", { scope: "col" }, t)));
  const body = rows.map((r) => el("tr", {},
    el("th", { scope: "row" }, yearText(r.year)),
    el("td", {}, r.value === null ? "—" : String(r.value)),
    el("td", {}, r.as_written || "（空白）"),
    el("td", { class: "left" }, r.source),
    el("td", { class: "left" }, `${r.table} · ${r.row_label} · ${r.column_label}${r.page ? ` · 第${r.page}页` : ""}`)));
  return el("section", { class: "panel" },
    el("h2", {}, "数据表"),
    el("div", { class: "grid-wrap" }, el("table", { class: "grid data-table" }, el("thead", {}, head), el("tbody", {}, body))),
    el("p", { class: "downloads" },
      el("a", { href: `/api/figures?${csv}`, download: "nianbao-figures.csv", id: "csv-link" }, "下载本项 CSV"),
      el("a", { href: `/api/figures?${all}`, download: "nianbao-figures-all.csv" }, "下载该机关所选年份全部数字 CSV")));
}

function findingsPanel(findings) {
  const panel = el("section", { class: "panel" }, el("h2", {}, "勾稽检查"));
  if (!findings.length) return append(panel, [el("p", { class: "muted" }, "所选年份的报告中没有发现数字不一致。")]);
  return append(panel, [el("ul", { class: "findings" },
    findings.map((f) => el("li", {}, `${yearText(f.year)}（${f.source}）：${f.message}`)))]);
}
