"""The page and the admin page in a real headless Chromium (issue 15): what is stored shown from
the catalogue, a 390 px phone on both tabs, the ask box in view, a network failure and 重试, the
conversation after a reload, 赞/踩, the admin upload with its progress, delete and restore, and
/docs with every request outside 127.0.0.1 refused. Expected numbers from the gold files.

Needs Debian's chromium and the playwright package, like tests/api/test_browser.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from tests.api.conftest import (
    ADMIN_KEY,
    GOLD,
    RAW,
    SEED,
    Served,
    live_server,
    raw_files,
    settings_for,
    upload,
)
from tests.api.test_browser import ARGS, CHROMIUM, screenshot, sync_api

pytestmark = pytest.mark.slow

GOLD_SEED = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))
OTHER = "2023_suqian_shuyangxian_fagaiju"
GOLD_OTHER = json.loads((GOLD / f"{OTHER}.json").read_text(encoding="utf-8"))
CITY = "2024_huaian_shi"
GOLD_CITY = json.loads((GOLD / f"{CITY}.json").read_text(encoding="utf-8"))
RECEIVED = GOLD_SEED["cells"]["t3.new_received.total"]
QUESTION = "市中区政府办2023年收到多少信息公开申请？"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with live_server(settings_for(tmp_path_factory.mktemp("page-browser") / "data")) as srv:
        with srv.client() as c:
            outcomes = upload(c, raw_files(f"{SEED}.docx", f"{OTHER}.html")).json()["outcomes"]
        assert [o["status"] for o in outcomes] == ["ingested"] * 2, outcomes
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-page")),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1100, "height": 900},
            locale="zh-CN",
        )
        yield context
        context.close()


class Tab:
    """A fresh tab whose JS errors and console errors are collected (``problems``)."""

    def __init__(self, browser: object, url: str, viewport: dict | None = None) -> None:
        self.page = browser.new_page()  # type: ignore[attr-defined]
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on(
            "console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None
        )
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        if viewport:
            self.page.set_viewport_size(viewport)
        self.page.goto(url)


@pytest.fixture
def tab(browser, served: Served) -> Iterator[Tab]:
    opened = Tab(browser, served.url + "/")
    opened.page.evaluate("localStorage.clear()")
    opened.page.reload()
    yield opened
    opened.page.close()
    assert opened.problems == []


def ask(page, question: str):
    before = page.locator("article.answer[data-status]").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator("article.answer[data-status]").nth(before)
    answer.wait_for(timeout=90_000)
    return answer


def has_number(text: str, number: float) -> bool:
    return re.search(rf"(?<![\d.]){number:g}(?![\d.])", text) is not None


def test_examples_and_the_whats_here_panel_come_from_what_is_stored(tab: Tab) -> None:
    page = tab.page
    page.locator("button.example").first.wait_for()
    bodies = {GOLD_SEED["agency"]: GOLD_SEED["year"], GOLD_OTHER["agency"]: GOLD_OTHER["year"]}
    examples = page.locator("button.example").all_inner_texts()
    assert examples and all(any(body in e for body in bodies) for e in examples), examples
    assert any(GOLD_OTHER["agency"] in e for e in examples)  # not fixed to 市中区
    page.click("#whats-here summary")
    listed = page.locator("#whats-here li").all_inner_texts()
    assert sorted("".join(item.split()) for item in listed) == sorted(f"{b}{y}" for b, y in bodies.items())
    page.locator("#whats-here button.year-chip").first.click()
    assert page.input_value("#question") in {f"{b}{y}年" for b, y in bodies.items()}
    first = page.locator("button.example").first
    text = first.inner_text()
    first.click()
    answer = page.locator("article.answer[data-status]").first
    answer.wait_for(timeout=90_000)
    assert answer.get_attribute("data-status") == "answered", text
    screenshot(page, "page-examples")


def test_the_answers_key_number_is_emphasised(tab: Tab) -> None:
    answer = ask(tab.page, QUESTION)
    assert answer.locator(".key-number").inner_text() == str(RECEIVED)


def test_a_phone_scrolls_neither_tab_sideways_and_keeps_the_ask_box_in_view(browser, served: Served) -> None:
    opened = Tab(browser, served.url + "/", PHONE)
    page = opened.page
    answer = ask(page, QUESTION)
    answer.locator("button.cite").first.click()
    answer.locator("td.hit").wait_for()
    ask(page, "其中自然人呢？").locator("button.cite").first.click()
    page.locator("td.hit").nth(1).wait_for()
    page.mouse.wheel(0, 200)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("#question").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    screenshot(page, "page-phone-chat")
    page.click("#tab-data")
    page.locator("#body-select option").first.wait_for(state="attached")
    page.select_option("#body-select", label=GOLD_SEED["agency"])
    page.click("#data-button")
    page.locator(".data-table tbody tr").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("#data-form").bounding_box()["width"] <= PHONE["width"]
    screenshot(page, "page-phone-data")
    page.close()
    assert opened.problems == []


def test_a_network_failure_is_said_in_chinese_and_retry_asks_again(tab: Tab) -> None:
    page = tab.page
    page.route("**/api/chat", lambda route: route.abort("internetdisconnected"))
    failed = ask(page, QUESTION)
    assert failed.get_attribute("data-status") == "error"
    assert "网络" in failed.inner_text() and "Failed to fetch" not in failed.inner_text()
    page.unroute("**/api/chat")
    page.route("**/api/chat", lambda route: route.fulfill(status=502, body="bad gateway"))
    failed.locator("button.retry").click()
    again = page.locator("article.answer[data-status]").first
    page.locator("article.answer[data-status=error]", has_text="502").wait_for()
    assert "服务器出错了" in again.inner_text()
    page.unroute("**/api/chat")
    again.locator("button.retry").click()
    page.locator("article.answer[data-status=answered]").wait_for(timeout=90_000)
    answers = page.locator("article.answer[data-status]")
    assert answers.count() == 1 and page.locator(".turn .question").all_inner_texts() == [QUESTION]
    assert has_number(answers.first.locator(".answer-text").inner_text(), RECEIVED)
    tab.problems.clear()  # the failed loads were logged by the browser on purpose


def test_the_conversation_is_shown_again_after_a_reload_and_in_a_new_tab(tab: Tab, browser, served) -> None:
    page = tab.page
    ask(page, QUESTION)
    follow = ask(page, "其中自然人呢？")
    assert has_number(follow.inner_text(), GOLD_SEED["cells"]["t3.new_received.natural_person"])
    page.reload()
    page.locator("article.answer[data-status]").nth(1).wait_for()
    assert page.locator(".turn .question").all_inner_texts() == [QUESTION, "其中自然人呢？"]
    other = Tab(browser, served.url + "/")
    other.page.locator("article.answer[data-status]").nth(1).wait_for()
    assert has_number(other.page.locator(".answer-text").first.inner_text(), RECEIVED)
    other.page.close()
    assert other.problems == []


def test_feedback_is_stored_with_the_question_and_answer(tab: Tab, served: Served) -> None:
    page = tab.page
    answer = ask(page, QUESTION)
    answer.locator("button.rate[data-rating=up]").click()
    answer.locator(".feedback-status", has_text="谢谢").wait_for()
    answer.locator("button.rate[data-rating=down]").click()
    answer.locator(".feedback-note").wait_for()
    answer.locator(".feedback-note").fill("想知道自然人的数")
    answer.locator(".feedback-send").click()
    answer.locator(".feedback-status", has_text="已收到").wait_for()
    assert answer.locator("button.rate[data-rating=down]").get_attribute("aria-pressed") == "true"
    with served.client() as c:
        stored = [
            e
            for e in c.get("/api/feedback", headers={"X-Admin-Key": ADMIN_KEY}).json()
            if e["comment"] == "想知道自然人的数"
        ]
    assert len(stored) == 1 and stored[0]["rating"] == "down" and stored[0]["question"] == QUESTION
    assert has_number(stored[0]["answer"], RECEIVED)


def tables_of(gold: dict) -> dict[str, int]:
    return {t: sum(k.startswith(f"{t}.") for k in gold["cells"]) for t in ("t2", "t3", "t4")}


def test_the_admin_page_uploads_several_files_with_progress_and_what_was_read(browser, served) -> None:
    opened = Tab(browser, served.url + "/admin")
    page = opened.page
    page.fill("#admin-key", "wrong")
    page.click("#key-button")
    page.locator("#key-status", has_text="密钥").wait_for()
    assert page.locator("#admin").is_hidden()
    opened.problems.clear()  # the refused key's 401 was logged by the browser
    page.fill("#admin-key", ADMIN_KEY)
    page.click("#key-button")
    page.locator("#admin").wait_for()
    page.set_input_files("#files", [str(RAW / f"{CITY}.pdf"), str(RAW / f"{SEED}.txt")])
    rows = page.locator("#uploads li.upload")
    assert rows.count() == 2
    for i in range(2):
        rows.nth(i).locator(".read").wait_for(timeout=180_000)  # shown with the outcome
    city, seed = rows.nth(0), rows.nth(1)
    assert city.get_attribute("data-status") == "ingested"
    assert city.locator("progress").get_attribute("value") == "100"
    city.locator(".read li.summary").wait_for()
    said = city.inner_text()
    assert f"读到 {len(GOLD_CITY['cells'])} 个数字" in said
    for name, (table, count) in zip(("表二", "表三", "表四"), tables_of(GOLD_CITY).items(), strict=True):
        assert f"{name}：{count} / {count} 个单元格" in said, (table, said)
    assert seed.get_attribute("data-status") == "same_report"  # the seed's .docx is stored already
    page.locator(f"#reports tr:has-text('{GOLD_CITY['agency']}')").wait_for()
    screenshot(page, "admin-upload")

    # drag and drop: a file dropped on the box goes the same way
    page.evaluate(
        """async ([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, { type: "text/plain" }));
            const drop = new DragEvent("drop", { dataTransfer: data, bubbles: true });
            document.getElementById("drop").dispatchEvent(drop);
        }""",
        [f"{OTHER}-copy.txt", "这不是年度报告。"],
    )
    dropped = page.locator("#uploads li.upload").nth(2)
    page.locator("#uploads li.upload[data-status=skipped]").wait_for(timeout=60_000)
    assert f"{OTHER}-copy.txt" in dropped.inner_text()
    page.close()
    assert opened.problems == []


def test_the_admin_page_deletes_and_restores_a_report(browser, served) -> None:
    with served.client() as c:
        [outcome] = upload(c, raw_files("2024_shanghai_kewei.txt")).json()["outcomes"]
    assert outcome["status"] == "ingested", outcome
    opened = Tab(browser, served.url + "/admin")
    page = opened.page
    page.fill("#admin-key", ADMIN_KEY)
    page.click("#key-button")
    row = page.locator(f"#reports tr[data-id='{outcome['report_id']}']")
    row.wait_for()
    row.locator("button.danger").click()
    assert row.locator("button.danger").inner_text() == "确认删除？"  # asked again in place, no dialog
    row.locator("button.danger").click()
    row.wait_for(state="detached")
    restore = page.locator("#audit tr", has_text="2024_shanghai_kewei.txt").locator("button", has_text="恢复")
    restore.first.click()
    page.locator(f"#reports tr[data-id='{outcome['report_id']}']").wait_for()
    page.locator(f"#reports tr[data-id='{outcome['report_id']}'] button", has_text="版本").click()
    page.locator(f"li[data-version='{outcome['report_id']}']").wait_for()
    assert "当前版本" in page.locator(f"li[data-version='{outcome['report_id']}']").inner_text()
    screenshot(page, "admin-versions")
    page.close()
    assert opened.problems == []


def test_docs_render_with_every_request_outside_this_machine_refused(browser, served: Served) -> None:
    page = browser.new_page()
    outside: list[str] = []

    def only_here(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(served.url + "/docs")
    page.locator(".swagger-ui .opblock-tag").first.wait_for(timeout=30_000)
    tags = page.locator(".swagger-ui .opblock-tag").all_inner_texts()
    assert any("chat" in t for t in tags) and any("admin" in t for t in tags)
    assert page.locator(".swagger-ui .opblock").count() >= 10
    screenshot(page, "docs-offline")
    page.close()
    assert outside == []
