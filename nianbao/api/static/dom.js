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

/** An error the page shows as it is (in Chinese); `retryable` when trying again may help. */
export class ApiFailure extends Error {
  constructor(message, { status = 0, code = "", retryable = false, detail = "" } = {}) {
    super(message);
    this.detail = detail; // the server's own words, when they are not the message
    this.status = status;
    this.code = code;
    this.retryable = retryable;
  }
}

const BY_STATUS = {
  401: "管理密钥不对或没有填写。",
  403: "服务器没有开启管理功能（需要设置 NIANBAO_ADMIN_KEY）。",
  404: "没有找到。",
  413: "内容太大，超过了服务器的上限。",
  503: "服务器正忙，请稍后重试。",
};

/**
 * Fetch JSON; a failure throws an ApiFailure with a Chinese message: the network (no answer at
 * all), the API's own message for a 4xx (validation messages are in Chinese), or what a 5xx means.
 */
export async function api(url, options = {}) {
  let response;
  try {
    response = await fetch(url, {
      ...options,
      headers: { Accept: "application/json", ...(options.headers || {}) },
    });
  } catch {
    throw new ApiFailure("网络连接失败，没有收到服务器的回答。请检查网络后重试。", { retryable: true });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    const retryable = response.status >= 500 || response.status === 429;
    const generic = retryable ? `服务器出错了（${response.status}），请稍后重试。` : `请求没有成功（${response.status}）。`;
    const chinese = /[\u4e00-\u9fff]/.test(error.message || "");
    const message = chinese ? error.message : BY_STATUS[response.status] || generic;
    const detail = chinese ? "" : error.message || "";
    throw new ApiFailure(message, { status: response.status, code: error.code || "", retryable, detail });
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
