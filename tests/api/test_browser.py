"""The page in a real headless Chromium (Debian's), driven by Playwright's Python API.

Needs ``apt-get install chromium`` and ``pip install playwright`` (no ``playwright install``: the
system browser is used). Skipped, with the reason, when either is missing. Set
NIANBAO_SCREENSHOT_DIR to keep a screenshot of each view.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.eval.variants import relabel
from tests.api.conftest import GOLD, SEED, Served, live_server, raw_files, settings_for, upload

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
CELLS = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))["cells"]
QUESTION = "市中区政府办2023年收到多少信息公开申请？"
MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>"
#: A small report whose closing paragraph quotes markup; the page must show it as text.
CRAFTED = f"""<html><head><meta charset="utf-8">
<title>试验县人民政府办公室2023年政府信息公开工作年度报告</title></head><body><h1>试验县人民政府办公室2023年政府信息公开工作年度报告</h1>
<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p>
<h2>六、其他需要报告的事项</h2>
<p>如有疑问请联系政务公开科，联系电话：0530-7654321，{MARKUP.replace("<", "&lt;").replace(">", "&gt;")}。</p>
</body></html>""".encode()

#: A real report filed under a second body of the same county, so that 试验县 alone is ambiguous.
OTHER = "2023_suqian_shuyangxian_fagaiju"
OTHER_BODY = "试验县发展和改革局"


def other_body_report() -> tuple[str, bytes]:
    """The real report re-labelled as filed by ``OTHER_BODY`` (an upload's body field only fills
    a title that lacks one, so the title itself is changed)."""
    [(name, data)] = raw_files(f"{OTHER}.html")
    text = relabel(data.decode("utf-8"), [["沭阳县发展和改革局", OTHER_BODY]])
    return name, text.encode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with live_server(settings_for(tmp_path_factory.mktemp("browser") / "data")) as srv:
        with srv.client() as c:
            outcomes = upload(c, [*raw_files(f"{SEED}.docx"), ("xss_test_report.html", CRAFTED)]).json()
            outcomes["outcomes"] += upload(c, [other_body_report()]).json()["outcomes"]
        assert [o["status"] for o in outcomes["outcomes"]] == ["ingested"] * 3, outcomes
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1100, "height": 900},
            locale="zh-CN",
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, served: Served):
    """A fresh tab on the page; any JS error, console error or dialog fails the test."""
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.goto(served.url + "/")
    tab.evaluate("localStorage.clear()")  # the conversation id is kept per browser, not per tab
    tab.reload()
    yield tab
    tab.close()
    assert problems == []


def screenshot(page, name: str) -> None:
    folder = os.environ.get("NIANBAO_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def ask(page, question: str):
    """Type the question, send it, and return the new answer once it is shown."""
    before = page.locator("article.answer[data-status]").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator("article.answer[data-status]").nth(before)
    answer.wait_for(timeout=60_000)
    return answer


def test_asking_shows_the_answer_with_its_source_and_the_cited_cell(page) -> None:
    answer = ask(page, QUESTION)
    expected = CELLS["t3.new_received.total"]
    assert answer.get_attribute("data-status") == "answered"
    assert re.search(rf"(?<!\d){expected}(?!\d)", answer.locator(".answer-text").inner_text())
    assert f"{SEED}.docx" in answer.locator(".cite-source").first.inner_text()
    answer.locator("button.cite").first.click()
    hit = answer.locator("td.hit")
    hit.wait_for(timeout=30_000)
    assert hit.inner_text().strip() == str(expected)
    assert hit.get_attribute("data-key") == "t3.new_received.total"
    assert answer.locator("table.grid tbody tr").count() >= 20  # the whole of table 3, not one cell
    headings = answer.locator("table.grid tr.group th").all_inner_texts()
    assert headings == ["（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]
    screenshot(page, "chat-cell")


def test_a_follow_up_and_a_not_found_are_shown_distinctly(page) -> None:
    ask(page, QUESTION)
    follow = ask(page, "其中自然人呢？")
    assert str(CELLS["t3.new_received.natural_person"]) in follow.locator(".answer-text").inner_text()
    missing = ask(page, "市中区政府办2021年收到多少信息公开申请？")
    assert missing.get_attribute("data-status") == "not_found"
    assert "not_found" in missing.get_attribute("class")
    screenshot(page, "chat-followup")


def test_a_refresh_shows_the_conversation_again_and_it_goes_on(page) -> None:
    first = ask(page, QUESTION)
    expected = str(CELLS["t3.new_received.total"])
    assert expected in first.locator(".answer-text").inner_text()
    page.reload()
    shown = page.locator("article.answer[data-status]")
    shown.first.wait_for(timeout=30_000)
    assert page.locator(".turn .question").all_inner_texts() == [QUESTION]
    assert expected in shown.first.locator(".answer-text").inner_text()
    assert f"{SEED}.docx" in shown.first.locator(".cite-source").first.inner_text()
    follow = ask(page, "其中自然人呢？")  # the same conversation, kept by the server
    assert str(CELLS["t3.new_received.natural_person"]) in follow.locator(".answer-text").inner_text()
    page.click("#new-conversation")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator(".turn").count() == 0


def test_quoted_markup_is_shown_as_text_and_never_run(page) -> None:
    answer = ask(page, "试验县政府办的联系电话是多少？")
    assert MARKUP in answer.locator(".answer-text").inner_text()
    answer.locator("button.cite").first.click()
    quote = answer.locator("blockquote")
    quote.wait_for()
    assert MARKUP in quote.inner_text()
    assert page.locator("main img, main script").count() == 0
    page.wait_for_timeout(300)  # an onerror would have fired by now (the page fixture fails on a dialog)
    screenshot(page, "chat-quote")


def test_clarify_offers_the_bodies_as_buttons_that_ask_again(page) -> None:
    answer = ask(page, "试验县2023年收到多少信息公开申请？")
    assert answer.get_attribute("data-status") == "clarify"
    options = answer.locator("button.option")
    assert sorted(options.all_inner_texts()) == sorted(["试验县人民政府办公室", OTHER_BODY])
    options.filter(has_text=OTHER_BODY).click()
    follow = page.locator("article.answer[data-status]").nth(1)
    follow.wait_for(timeout=60_000)
    assert page.locator(".question").nth(1).inner_text() == f"{OTHER_BODY}2023年收到多少信息公开申请？"
    assert follow.get_attribute("data-status") == "answered"
    gold = json.loads((GOLD / f"{OTHER}.json").read_text(encoding="utf-8"))
    expected = gold["cells"]["t3.new_received.total"]
    assert re.search(rf"(?<!\d){expected}(?!\d)", follow.locator(".answer-text").inner_text())
    assert f"{OTHER}.html" in follow.locator(".cite-source").first.inner_text()
    screenshot(page, "chat-clarify")


def test_data_view_shows_a_table_a_chart_and_a_csv_link(page) -> None:
    page.click("#tab-data")
    page.locator("#body-select option").first.wait_for(state="attached")
    page.select_option("#body-select", label="市中区人民政府办公室")
    page.select_option("#row-select", "t3.new_received")
    page.select_option("#column-select", "t3.new_received.total")
    page.click("#data-button")
    page.locator("svg.chart rect.bar").first.wait_for()
    rows = page.locator(".data-table tbody tr")
    assert rows.count() == 1 and str(CELLS["t3.new_received.total"]) in rows.first.inner_text()
    href = page.get_attribute("#csv-link", "href")
    assert "format=csv" in href and "key=t3.new_received.total" in href
    csv_text = page.request.get(page.url.split("#")[0].rstrip("/") + href).text()
    assert csv_text.lstrip("\ufeff").startswith("source,body,year,key,value")
    screenshot(page, "data-view")


def test_the_page_fits_a_phone_screen(browser, served: Served) -> None:
    tab = browser.new_page()
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(served.url + "/")
    ask(tab, QUESTION).locator("button.cite").first.click()
    tab.locator("td.hit").wait_for()
    width = tab.evaluate("document.documentElement.scrollWidth")
    screenshot(tab, "phone")
    tab.close()
    assert width <= 390  # wide tables scroll inside their box, the page does not
