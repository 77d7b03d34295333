// A report table drawn from its records: row labels down the side, column labels across the top.

import { el } from "./dom.js";

/** The records of one table (t2, t3 or t4), in the report's order. */
export function tableRecords(records, table) {
  return records.filter((r) => r.key.split(".")[0] === table);
}

/**
 * A <table> of the records, rows and columns in first-seen order, keyed by the canonical key's
 * row and column parts (labels can repeat across groups). The cell whose key is `hitKey` is
 * marked `hit`. `metrics` (GET /api/metrics) give the headings that table 3's sub-rows are
 * printed under (（三）不予公开 over 1. 2. 3. …).
 */
export function recordGrid(records, hitKey, metrics = []) {
  const vocabulary = new Map(metrics.map((m) => [`${m.table}.${m.row}`, m]));
  const table = records.length ? records[0].key.split(".")[0] : "";
  const rows = new Map();
  const columns = new Map();
  const cells = new Map();
  for (const r of records) {
    const [, row, column] = r.key.split(".");
    if (!rows.has(row)) rows.set(row, r.row_label);
    if (!columns.has(column)) columns.set(column, r.column_label);
    cells.set(`${row}.${column}`, r);
  }
  const head = el("tr", {}, el("th", { scope: "col" }, "项目"),
    [...columns.values()].map((label) => el("th", { scope: "col" }, label)));
  const body = [];
  let group = null;
  for (const [row, label] of rows) {
    const known = vocabulary.get(`${table}.${row}`);
    const heading = known ? known.row_heading : null;
    if (heading && heading !== group) {
      // the label in its own (sticky) cell, so it stays in view when the table scrolls sideways
      body.push(el("tr", { class: "group" }, el("th", { scope: "rowgroup" }, heading), el("td", { colspan: columns.size })));
    }
    // a row that is itself a heading (（六）其他处理 as one row) heads the sub-rows after it
    group = heading || (known ? known.row_label : null);
    const hitRow = hitKey && hitKey.split(".")[1] === row;
    body.push(el("tr", { class: hitRow ? "hit-row" : null },
      el("th", { scope: "row" }, label),
      [...columns.keys()].map((column) => gridCell(cells.get(`${row}.${column}`), hitKey))));
  }
  return el("div", { class: "grid-wrap" },
    el("table", { class: "grid" }, el("thead", {}, head), el("tbody", {}, body)));
}

function gridCell(record, hitKey) {
  if (!record) return el("td", { class: "empty" }, "");
  const hit = record.key === hitKey;
  return el("td", {
    class: hit ? "hit" : null,
    "data-key": record.key,
    "aria-current": hit ? "true" : null,
    title: `${record.row_label} · ${record.column_label}`,
  }, record.as_written === "" ? "（空白）" : record.as_written);
}
