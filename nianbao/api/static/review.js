// 数据 view, for staff: the coverage matrix (bodies × years), and for a body and years the rates
// (formula and cells), a completeness audit per report, what changed between two years, and the
// per-body export (.docx, .csv). Everything comes from /api/coverage, /api/rates, /api/audit,
// /api/diff and /api/export; text goes in as text nodes (dom.js).

import { api, append, clear, el, yearText } from "./dom.js";

const STATUS = { ok: "通过", problem: "有问题", unknown: "无法判断" };
const KIND = { added: "新增", removed: "删去", rewritten: "改写" };

/** The coverage matrix: one row per body, one column per year; ✓ stored, 缺 a gap. */
export async function coveragePanel(onPick) {
  const found = await api("/api/coverage");
  const panel = el("section", { class: "panel", id: "coverage" }, el("h2", {}, "收录情况"));
  if (!found.bodies.length) return append(panel, [el("p", { class: "muted" }, "还没有收录任何年度报告。")]);
  const head = el("tr", {}, el("th", { scope: "col" }, "机关"),
    found.years.map((y) => el("th", { scope: "col" }, String(y))));
  const rows = found.bodies.map((b) => {
    const name = el("button", { type: "button", class: "link", "data-body": b.body }, b.body);
    name.addEventListener("click", () => onPick(b.body));
    return el("tr", { "data-body": b.body }, el("th", { scope: "row" }, name),
      found.years.map((y) => {
        const stored = b.reports.find((r) => r.year === y);
        if (stored) return el("td", { class: "stored", "data-year": y, title: stored.source }, "✓");
        if (b.missing.includes(y)) return el("td", { class: "missing", "data-year": y, title: "首尾年份之间缺这一年" }, "缺");
        return el("td", { "data-year": y }, "");
      }));
  });
  const gaps = found.gaps ? `首尾年份之间共缺${found.gaps}份报告（标“缺”）。` : "各机关首尾年份之间没有缺年。";
  return append(panel, [
    el("div", { class: "grid-wrap" }, el("table", { class: "grid coverage" }, el("thead", {}, head), el("tbody", {}, rows))),
    el("p", { class: "muted" }, `✓ 已收录（悬停看文件名）。${gaps}点机关名称可在上方选中它。`),
  ]);
}

/** The staff's panels for a body and the years chosen: rates, audit, changes, downloads. */
export async function reviewPanels(body, years) {
  const params = new URLSearchParams({ body });
  for (const year of years) params.append("year", year);
  const [rates, audits] = await Promise.all([api(`/api/rates?${params}`), api(`/api/audit?${params}`)]);
  return [ratesPanel(rates, params), auditPanel(audits), diffPanel(body, years), downloadPanel(body, years)];
}

function ratesPanel(rates, params) {
  const panel = el("section", { class: "panel", id: "rates" }, el("h2", {}, "比率"));
  if (!rates.length) return append(panel, [el("p", { class: "muted" }, "所选年份的报告里没有计算比率所需的数字。")]);
  const years = [...new Set(rates.map((r) => r.year))].sort();
  const labels = [...new Map(rates.map((r) => [r.rate, r.label]))];
  const head = el("tr", {}, el("th", { scope: "col" }, "比率"), years.map((y) => el("th", { scope: "col" }, yearText(y))));
  const body = labels.map(([name, label]) => el("tr", { "data-rate": name }, el("th", { scope: "row" }, label),
    years.map((y) => rateCell(rates.find((r) => r.rate === name && r.year === y)))));
  const csv = new URLSearchParams(params);
  csv.set("format", "csv");
  return append(panel, [
    el("div", { class: "grid-wrap" }, el("table", { class: "grid rates" }, el("thead", {}, head), el("tbody", {}, body))),
    el("p", { class: "muted" }, "每个比率下面是公式；展开“所用单元格”看它读的是表格的哪一行哪一列。少于30件的比率标“样本较少”。"),
    el("p", { class: "downloads" }, el("a", { href: `/api/rates?${csv}`, download: "nianbao-rates.csv" }, "下载比率 CSV")),
  ]);
}

function rateCell(rate) {
  if (!rate) return el("td", {}, "");
  const cells = el("details", { class: "cells" }, el("summary", {}, "所用单元格"),
    el("ul", {}, rate.cells.map((c) => el("li", {}, `${c.table} · ${c.row_label} · ${c.column_label}：${c.as_written || "（空白）"}`))),
    el("p", { class: "muted" }, rate.source));
  return el("td", { class: "rate", "data-year": rate.year },
    el("strong", { class: "percent" }, rate.percent === null ? "无法计算" : `${rate.percent.toFixed(1)}%`),
    rate.small_sample ? el("span", { class: "badge small-sample", title: rate.note }, "样本较少") : null,
    el("div", { class: "formula" }, rate.formula), cells);
}

function auditPanel(audits) {
  const panel = el("section", { class: "panel", id: "audit" }, el("h2", {}, "完整性检查"));
  if (!audits.length) return append(panel, [el("p", { class: "muted" }, "所选年份没有报告。")]);
  return append(panel, audits.map((a) => {
    const flagged = a.items.filter((i) => i.status !== "ok");
    const passed = a.items.filter((i) => i.status === "ok");
    return el("details", { class: "audit-report", "data-year": a.year, open: flagged.length > 0 },
      el("summary", {}, `${yearText(a.year)}（${a.source}）：${a.summary}`),
      el("ul", { class: "audit-items" }, flagged.map(auditItem)),
      passed.length ? el("details", { class: "audit-passed" }, el("summary", {}, `通过的${passed.length}项`),
        el("ul", { class: "audit-items" }, passed.map(auditItem))) : null);
  }));
}

function auditItem(i) {
  return el("li", { class: `audit-item ${i.status}`, "data-check": i.check },
    el("span", { class: `status ${i.status}` }, STATUS[i.status]), " ",
    el("span", { class: "check" }, i.check_name), "：", i.message,
    el("span", { class: "where" }, i.where),
    i.quote ? el("blockquote", {}, i.quote) : null);
}

function diffPanel(body, years) {
  const panel = el("section", { class: "panel", id: "diff" }, el("h2", {}, "年度变化"));
  const sorted = [...years].sort();
  if (sorted.length < 2) return append(panel, [el("p", { class: "muted" }, "选两个或以上的年份，才能比较年度变化。")]);
  const from = el("select", { id: "diff-from" }, sorted.map((y) => el("option", { value: y }, `${y}年`)));
  const to = el("select", { id: "diff-to" }, sorted.map((y) => el("option", { value: y }, `${y}年`)));
  from.value = sorted[sorted.length - 2];
  to.value = sorted[sorted.length - 1];
  const button = el("button", { type: "button", id: "diff-button" }, "比较");
  const out = el("div", { id: "diff-result" });
  button.addEventListener("click", () => showDiff(body, from.value, to.value, out));
  showDiff(body, from.value, to.value, out);
  return append(panel, [el("div", { class: "diff-bar" }, el("label", {}, "从 ", from), el("label", {}, " 到 ", to), button), out]);
}

async function showDiff(body, a, b, out) {
  clear(out);
  if (a === b) {
    out.appendChild(el("p", { class: "muted" }, "请选两个不同的年份。"));
    return;
  }
  out.appendChild(el("p", { class: "muted" }, "正在比较……"));
  try {
    const d = await api(`/api/diff?${new URLSearchParams({ body, year: b, year2: a })}`);
    clear(out);
    const head = el("tr", {}, ["项目", `${d.year_before}年`, `${d.year_after}年`, "变化"].map((t) => el("th", { scope: "col" }, t)));
    const rows = d.cells.map((c) => {
      const cell = c.after || c.before;
      return el("tr", { "data-key": c.key },
        el("th", { scope: "row", title: `${cell.table} · ${cell.row_label} · ${cell.column_label}` }, `${c.label}`),
        el("td", {}, shown(c.before)), el("td", {}, shown(c.after)),
        el("td", { class: c.change > 0 ? "up" : c.change < 0 ? "down" : null }, c.change === null ? "—" : signed(c.change)));
    });
    const parts = new Map();
    for (const t of d.text) {
      if (!parts.has(t.part_title)) parts.set(t.part_title, []);
      parts.get(t.part_title).push(t);
    }
    append(out, [
      el("p", { class: "diff-summary" }, d.summary),
      el("p", { class: "muted" }, `出处：${d.source_before}、${d.source_after}；行、列见各行的悬停提示。`),
      el("div", { class: "grid-wrap" }, el("table", { class: "grid diff-cells" }, el("thead", {}, head), el("tbody", {}, rows))),
      d.rates.length ? el("ul", { class: "diff-rates" }, d.rates.map((r) => el("li", {},
        `${r.label}：${r.before ? r.before.formula : "—"} → ${r.after ? r.after.formula : "—"}`,
        r.points === null ? "" : `（${signed(r.points)}个百分点）`))) : null,
      [...parts].map(([title, changes]) => el("details", { class: "diff-text" },
        el("summary", {}, `${title}：${counts(changes)}`),
        el("ul", {}, changes.map((t) => el("li", { class: t.kind }, el("span", { class: "kind" }, KIND[t.kind]), "：",
          t.kind === "rewritten" ? [el("del", {}, t.before), " → ", el("ins", {}, t.after)]
            : t.kind === "added" ? el("ins", {}, t.after) : el("del", {}, t.before)))))),
      d.boilerplate_left_out ? el("p", { class: "muted" }, `多数报告共有的套话${d.boilerplate_left_out}句未列入。`) : null,
    ]);
  } catch (error) {
    clear(out);
    out.appendChild(el("p", { class: "muted" }, `比较失败：${error.message}`));
  }
}

function downloadPanel(body, years) {
  const sorted = [...years].sort();
  const span = sorted.length ? `${sorted[0]}-${sorted[sorted.length - 1]}` : "";
  const link = (format, text) => el("a", {
    href: `/api/export?${new URLSearchParams({ body, years: span, format })}`,
    id: `export-${format}`,
    download: `nianbao-${body}-${span}.${format}`,
  }, text);
  return el("section", { class: "panel", id: "export" }, el("h2", {}, "汇编下载"),
    el("p", {}, `${body} ${span.replace("-", "–")}年：数据表、比率、完整性检查和年度变化，每个数字注明 文件 · 表 · 行 · 列。`),
    el("p", { class: "downloads" }, link("docx", "下载 Word（.docx）"), link("csv", "下载 CSV")));
}

function shown(cell) {
  if (!cell) return "（无此项）";
  return cell.value === null ? (cell.as_written || "（空白）") : String(cell.value);
}

function signed(value) {
  const text = Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
  return value > 0 ? `+${text}` : text;
}

function counts(changes) {
  const n = { added: 0, removed: 0, rewritten: 0 };
  for (const t of changes) n[t.kind] += 1;
  return Object.entries(n).filter(([, v]) => v).map(([k, v]) => `${KIND[k]}${v}句`).join("、");
}
