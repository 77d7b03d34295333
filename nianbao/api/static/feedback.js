// 赞/踩 under an answer: POST /api/feedback with the conversation id and the question; the server
// stores them with the answer it kept. After 踩, an optional note on what was wrong.

import { api, el } from "./dom.js";

/** The feedback bar for the answer to `question` in conversation `conversationId`. */
export function feedbackBar(conversationId, question) {
  const status = el("span", { class: "feedback-status muted", role: "status" });
  const up = el("button", { type: "button", class: "rate", "data-rating": "up", "aria-pressed": "false" }, "赞");
  const down = el("button", { type: "button", class: "rate", "data-rating": "down", "aria-pressed": "false" }, "踩");
  const note = el("input", { type: "text", class: "feedback-note", maxlength: 500, placeholder: "哪里不对？（可不填）",
    "aria-label": "哪里不对" });
  const send = el("button", { type: "button", class: "secondary feedback-send" }, "提交意见");
  const more = el("div", { class: "feedback-more", hidden: true }, note, send);
  const bar = el("div", { class: "feedback" }, el("span", { class: "muted" }, "这个回答有帮助吗？"), up, down, status, more);

  async function rate(rating, comment = "") {
    status.textContent = "正在提交……";
    try {
      await api("/api/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ conversation_id: conversationId, question, rating, comment }),
      });
      up.setAttribute("aria-pressed", String(rating === "up"));
      down.setAttribute("aria-pressed", String(rating === "down"));
      more.hidden = rating !== "down";
      status.textContent = comment ? "已收到您的意见，谢谢！" : "谢谢反馈！";
    } catch (error) {
      status.textContent = `提交失败：${error.message}`;
    }
  }

  up.addEventListener("click", () => rate("up"));
  down.addEventListener("click", () => rate("down"));
  send.addEventListener("click", () => rate("down", note.value.trim()));
  return bar;
}
