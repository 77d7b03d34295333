// The answer's key number: the first count or share in the answer text (27件, 12.5%), shown bold.
// Years (2023年), dates and telephone numbers are not counts and stay as they are.

import { el } from "./dom.js";

const KEY_NUMBER = /(?<![\d.\-－])(\d[\d,，]*(?:\.\d+)?)(?=\s*(?:件|项|个|条|次|人|份|家|起|篇|%|％))/u;

/** The answer text as nodes, its key number in <strong class="key-number">. */
export function answerText(text) {
  const p = el("p", { class: "answer-text" });
  const match = KEY_NUMBER.exec(text || "");
  if (!match) {
    p.textContent = text;
    return p;
  }
  p.append(text.slice(0, match.index), el("strong", { class: "key-number" }, match[1]),
    text.slice(match.index + match[1].length));
  return p;
}
