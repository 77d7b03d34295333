// 年报问答 page: two views, 问答 (chat) and 数据 (figures). No libraries, nothing from elsewhere.

import { setupChat } from "./chat.js";
import { setupData } from "./data.js";

function showView(name) {
  for (const view of ["chat", "data"]) {
    const selected = view === name;
    document.getElementById(`tab-${view}`).setAttribute("aria-selected", String(selected));
    document.getElementById(`view-${view}`).hidden = !selected;
  }
  if (name === "data") setupData();
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
}

document.getElementById("tab-chat").addEventListener("click", () => showView("chat"));
document.getElementById("tab-data").addEventListener("click", () => showView("data"));
setupChat();
showView(location.hash === "#data" ? "data" : "chat");
