// 问答: ask, show each answer with its status, text and citations; a citation opens its passage,
// or its table with the cited cell highlighted. The conversation id is kept in localStorage, so
// the conversation is shown again after a reload (its turns come from the server).

import { api, append, clear, el, getMetrics, getReport, yearText } from "./dom.js";
import { answerText } from "./emphasis.js";
import { feedbackBar } from "./feedback.js";
import { recordGrid, tableRecords } from "./grid.js";
import { setupOverview } from "./overview.js";

const STATUS = { answered: "已回答", not_found: "没有找到", clarify: "请选择", error: "出错了" };
/** Citations shown before "显示其余…". */
const SHOWN_CITATIONS = 3;

/** Where the browser keeps the conversation id, so a reload shows the conversation again. */
const KEPT = "nianbao.conversation";

let conversationId = null;
let busy = false;

function keep(id) {
  conversationId = id;
  try {
    if (id) localStorage.setItem(KEPT, id);
    else localStorage.removeItem(KEPT);
  } catch {
    // storage may be off (private mode); the conversation then lasts as long as the page
  }
}

function keptId() {
  try {
    return localStorage.getItem(KEPT);
  } catch {
    return null;
  }
}

export function setupChat() {
  const form = document.getElementById("ask-form");
  const box = document.getElementById("question");
  const count = document.getElementById("char-count");
  setupOverview(ask);
  box.addEventListener("input", () => { count.textContent = `${box.value.length}/500`; });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    count.textContent = "0/500";
    ask(text);
  });
  document.getElementById("new-conversation").addEventListener("click", () => {
    keep(null);
    clear(document.getElementById("conversation"));
    box.focus();
  });
  restore();
}

/** After a reload: show the kept conversation again (GET /api/conversations/{id}). */
async function restore() {
  const id = keptId();
  if (!id || busy) return;
  busy = true;
  conversationId = id;
  try {
    const kept = await api(`/api/conversations/${encodeURIComponent(id)}`);
    const list = document.getElementById("conversation");
    for (const turn of kept.turns) {
      const answerBox = el("article", { class: "answer" });
      list.appendChild(el("li", { class: "turn" }, el("div", { class: "question" }, turn.question), answerBox));
      renderAnswer(answerBox, { ...turn, options: [], conversation_id: kept.id });
    }
    conversationId = kept.id;
  } catch (error) {
    if (error.status === 404) keep(null); // expired or unknown: the next question starts a new one
  } finally {
    busy = false;
  }
}

/** Ask a question in the current conversation and show the answer under it. */
export async function ask(question) {
  if (busy) return;
  busy = true;
  const button = document.getElementById("ask-button");
  button.disabled = true;
  const answerBox = el("article", { class: "answer pending", "aria-busy": "true" }, "正在查找……");
  const turn = el("li", { class: "turn" }, el("div", { class: "question" }, question), answerBox);
  document.getElementById("conversation").appendChild(turn);
  turn.scrollIntoView({ block: "nearest" });
  try {
    const reply = await api("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, conversation_id: conversationId }),
    });
    keep(reply.conversation_id);
    renderAnswer(answerBox, { ...reply, question });
  } catch (error) {
    renderAnswer(answerBox, { status: "error", answer: error.message, citations: [], options: [] });
    if (error.retryable) answerBox.appendChild(retryButton(turn, question));
  } finally {
    busy = false;
    button.disabled = false;
    answerBox.scrollIntoView({ block: "nearest" });
  }
}

/** 重试: the failed turn goes, and the same question is asked again. */
function retryButton(turn, question) {
  const button = el("button", { type: "button", class: "retry" }, "重试");
  button.addEventListener("click", () => {
    turn.remove();
    ask(question);
  });
  return button;
}

function renderAnswer(box, reply) {
  clear(box);
  box.className = `answer ${reply.status}`;
  box.removeAttribute("aria-busy");
  box.dataset.status = reply.status;
  append(box, [el("span", { class: "badge" }, STATUS[reply.status] || reply.status), answerText(reply.answer)]);
  if (reply.options && reply.options.length) box.appendChild(optionButtons(reply));
  if (reply.citations && reply.citations.length) box.appendChild(citationList(reply.citations));
  if (reply.status !== "error" && reply.conversation_id && reply.question) {
    box.appendChild(feedbackBar(reply.conversation_id, reply.question));
  }
}

/** The citations, the first few shown and the rest behind a button; one opened at a time. */
function citationList(citations) {
  const items = citations.map(citationItem);
  const list = el("ol", { class: "citations" }, items);
  const section = el("div", { class: "citation-list" },
    el("h3", { class: "citations-title" }, `出处（${citations.length}）`), list);
  if (citations.length > SHOWN_CITATIONS) {
    const hidden = items.slice(SHOWN_CITATIONS);
    for (const item of hidden) item.hidden = true;
    const more = el("button", { type: "button", class: "secondary more-citations", "aria-expanded": "false" },
      `显示其余 ${hidden.length} 条出处`);
    more.addEventListener("click", () => {
      const open = more.getAttribute("aria-expanded") !== "true";
      for (const item of hidden) item.hidden = !open;
      more.setAttribute("aria-expanded", String(open));
      more.textContent = open ? "收起" : `显示其余 ${hidden.length} 条出处`;
    });
    section.appendChild(more);
  }
  return section;
}

function optionButtons(reply) {
  const row = el("div", { class: "options" });
  for (const option of reply.options) {
    const isYear = /^\d{4}$/.test(option);
    const button = el("button", { type: "button", class: "option" }, isYear ? `改问${option}年` : option);
    button.addEventListener("click", () => ask(isYear ? `那${option}年呢？` : withChoice(reply, option)));
    row.appendChild(button);
  }
  return row;
}

/**
 * The question asked again with the chosen name in place of the ambiguous one (「试验县」可以指…),
 * so a text question keeps its words; the bare name when the mention cannot be found.
 */
function withChoice(reply, option) {
  const mention = /「([^」]+)」/.exec(reply.answer);
  if (reply.status === "clarify" && mention && reply.question && reply.question.includes(mention[1])) {
    return reply.question.replace(mention[1], option);
  }
  return option;
}

function citationItem(citation) {
  const detail = el("div", { class: "cite-detail", hidden: true });
  const button = el("button", { type: "button", class: "cite", "aria-expanded": "false" },
    `${citation.body} ${yearText(citation.year)} · ${citation.locator}`);
  button.addEventListener("click", () => toggle(button, detail, citation));
  return el("li", {}, button, el("span", { class: "cite-source" }, `来源文件：${citation.source}`), detail);
}

async function toggle(button, detail, citation) {
  const open = detail.hidden;
  if (open) closeOthers(button.closest(".citations"), detail);
  detail.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (!open || detail.dataset.loaded) return;
  detail.dataset.loaded = "1";
  if (!citation.key || !citation.report_id) {
    showQuote(detail, citation);
    return;
  }
  detail.appendChild(el("p", { class: "muted" }, "正在打开表格……"));
  try {
    const [report, metrics] = await Promise.all([getReport(citation.report_id), getMetrics().catch(() => [])]);
    showCell(detail, citation, report, metrics);
  } catch (error) {
    showQuote(detail, citation, `无法打开表格：${error.message}`);
  }
}

/** One opened source at a time in an answer: opening one closes the others. */
function closeOthers(list, keepOpen) {
  if (!list) return;
  for (const other of list.querySelectorAll(".cite-detail")) {
    if (other === keepOpen || other.hidden) continue;
    other.hidden = true;
    const button = other.parentElement.querySelector("button.cite");
    if (button) button.setAttribute("aria-expanded", "false");
  }
}

function showQuote(detail, citation, note) {
  clear(detail);
  append(detail, [
    note ? el("p", { class: "muted" }, note) : null,
    el("blockquote", { class: "quote" }, citation.quote),
    el("p", { class: "where muted" }, `位置：${citation.locator}${citation.page ? `（第${citation.page}页）` : ""}`),
  ]);
}

function showCell(detail, citation, report, metrics) {
  const records = tableRecords(report.records, citation.key.split(".")[0]);
  const hit = records.find((r) => r.key === citation.key);
  clear(detail);
  append(detail, [
    el("p", { class: "grid-caption" }, hit ? hit.table : citation.locator),
    recordGrid(records, citation.key, metrics),
    el("p", { class: "where muted" }, `报告原文：${citation.quote}`),
  ]);
  const cell = detail.querySelector("td.hit");
  if (cell) cell.scrollIntoView({ block: "nearest", inline: "center" });
}
