// Small DOM and HTTP helpers. Text always goes in as text nodes (never innerHTML), so a report's
// quoted "<script>" is shown, not run.

/** el("p", {class: "x", "aria-live": "polite"}, "text", childNode, ...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") || name === "style") throw new Error(`el: ${name} is not allowed`);
    node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** svg("rect", {x: 1, y: 2}, ...children): an SVG element, text as text nodes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return append(node, children);
}

/** Fetch JSON; a non-2xx answer throws an Error carrying the API's error message. */
export async function api(url, options = {}) {
  const response = await fetch(url, {
    ...options,
    headers: { Accept: "application/json", ...(options.headers || {}) },
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

const reportCache = new Map();

/** GET /api/reports/{id}, once per page. */
export function getReport(id) {
  if (!reportCache.has(id)) {
    const pending = api(`/api/reports/${encodeURIComponent(id)}`);
    pending.catch(() => reportCache.delete(id));
    reportCache.set(id, pending);
  }
  return reportCache.get(id);
}

let metricsPending = null;

/** GET /api/metrics (every canonical key with its labels), once per page. */
export function getMetrics() {
  if (!metricsPending) {
    metricsPending = api("/api/metrics");
    metricsPending.catch(() => { metricsPending = null; });
  }
  return metricsPending;
}

export function yearText(year) {
  return year ? `${year}年` : "年份未知";
}
