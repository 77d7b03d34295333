// The chat view's "what's here": example questions and the stored bodies and years, both from
// GET /api/overview (built from what is stored; each example is checked to be answered).

import { api, append, clear, el } from "./dom.js";

/**
 * Fill #examples with question buttons (`ask(question)` on click) and #whats-here with the bodies
 * and their years; a year button puts "body + year" in the ask box to finish the question.
 */
export async function setupOverview(ask) {
  const examples = document.getElementById("examples");
  const panel = document.getElementById("whats-here");
  try {
    const overview = await api("/api/overview");
    for (const text of overview.examples) {
      const button = el("button", { type: "button", class: "example" }, text);
      button.addEventListener("click", () => ask(text));
      examples.appendChild(button);
    }
    examples.hidden = overview.examples.length === 0;
    if (overview.examples.length) document.getElementById("question").placeholder = `例如：${overview.examples[0]}`;
    showBodies(panel, overview);
  } catch (error) {
    examples.hidden = true;
    append(clear(panel), [el("summary", {}, "已收录的报告"), el("p", { class: "muted" }, `载入失败：${error.message}`)]);
  }
}

function showBodies(panel, overview) {
  clear(panel);
  if (!overview.bodies.length) {
    append(panel, [
      el("summary", {}, "还没有收录任何年度报告"),
      el("p", { class: "muted" }, "管理员可以在管理页（/admin）上传报告，或在命令行运行 nianbao ingest。"),
    ]);
    panel.open = true;
    return;
  }
  const count = overview.bodies.length;
  append(panel, [
    el("summary", {}, `已收录 ${count} 个单位的 ${overview.reports} 份年度报告`),
    el("p", { class: "muted" }, "点年份，把单位和年份填进提问框，再接着写要问什么。"),
    el("ul", { class: "bodies" }, overview.bodies.map((body) => el("li", {},
      el("span", { class: "body-name" }, body.name),
      body.years.map((year) => yearButton(body.name, year))))),
  ]);
}

function yearButton(name, year) {
  const button = el("button", { type: "button", class: "year-chip" }, `${year}`);
  button.addEventListener("click", () => {
    const box = document.getElementById("question");
    box.value = `${name}${year}年`;
    box.dispatchEvent(new Event("input"));
    box.focus();
  });
  return button;
}
