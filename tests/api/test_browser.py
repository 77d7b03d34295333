"""The page in a real headless Chromium (Debian's), driven by Playwright's Python API.

Needs ``apt-get install chromium`` and ``pip install playwright`` (no ``playwright install``: the
system browser is used). Skipped, with the reason, when either is missing. Set
NIANBAO_SCREENSHOT_DIR to keep a screenshot of each view.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
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


# --- the staff's views in the 数据 tab --------------------------------------------------------

#: 平潭 2021, 2023 and 2024 (2022 left out: a gap), and 沭阳县发改局 2023. Hand-checked: 2024 表四
#: 行政复议 纠正1 总计7; 表三 新收 81 (2023) and 218 (2024); the 2024 page is dated 2025-03-10
#: (on time: a government's own report is due by 31 March).
STAFF_FILES = [
    "2021_pingtan_zonghe_shiyanqu.txt",
    "2023_pingtan_zonghe_shiyanqu.html",
    "2024_pingtan_zonghe_shiyanqu.html",
    "2023_suqian_shuyangxian_fagaiju.html",
]


@pytest.fixture(scope="module")
def staff_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = settings_for(tmp_path_factory.mktemp("browser-staff") / "data")
    with live_server(settings, with_index=False) as srv:
        with srv.client() as c:
            outcomes = upload(c, raw_files(*STAFF_FILES)).json()["outcomes"]
        assert [o["status"] for o in outcomes] == ["ingested"] * len(STAFF_FILES), outcomes
        yield srv


@pytest.fixture
def staff_page(browser, staff_served: Served):
    """The 数据 tab, with the coverage matrix shown; JS errors, console errors and dialogs fail."""
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.goto(staff_served.url + "/#data")
    tab.locator("table.coverage").wait_for(timeout=30_000)
    yield tab
    tab.close()
    assert problems == []


def test_the_coverage_matrix_marks_stored_years_and_gaps(staff_page) -> None:
    row = staff_page.locator("table.coverage tr[data-body='平潭综合实验区']")
    assert row.locator("td.stored").count() == 3
    gap = row.locator("td.missing")
    assert gap.count() == 1 and gap.get_attribute("data-year") == "2022"
    assert row.locator("td[data-year='2021']").get_attribute("title") == "2021_pingtan_zonghe_shiyanqu.txt"
    screenshot(staff_page, "staff-coverage")


def pick_pingtan(page) -> None:
    page.click("button.link[data-body='平潭综合实验区']")
    page.locator("#diff-result table.diff-cells").wait_for(timeout=60_000)


def test_rates_show_formula_cells_and_small_sample(staff_page) -> None:
    pick_pingtan(staff_page)
    cell = staff_page.locator("#rates tr[data-rate='review_correction'] td[data-year='2024']")
    assert cell.locator(".percent").inner_text() == "14.3%"
    assert cell.locator(".formula").inner_text() == "结果纠正1 ÷ 总计7 = 14.3%"
    assert cell.locator(".small-sample").inner_text() == "样本较少"
    cell.locator("details.cells summary").click()
    cited = cell.locator("details.cells li").all_inner_texts()
    assert cited == [
        "表四 政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果纠正：1",
        "表四 政府信息公开行政复议、行政诉讼情况 · 行政复议 · 总计：7",
    ]
    people = staff_page.locator("#rates tr[data-rate='natural_person_share'] td[data-year='2024']")
    assert people.locator(".percent").inner_text() == "99.5%" and people.locator(".small-sample").count() == 0
    screenshot(staff_page, "staff-rates")


def test_each_report_has_an_audit_panel_citing_its_places(staff_page) -> None:
    pick_pingtan(staff_page)
    panels = staff_page.locator("#audit details.audit-report")
    assert [panels.nth(i).get_attribute("data-year") for i in range(panels.count())] == [
        "2021",
        "2023",
        "2024",
    ]
    dated = staff_page.locator(
        "#audit details.audit-report[data-year='2024'] li.audit-item[data-check='date']"
    )
    # a government's own report, published 2025-03-10: within 第四十九条第二款's 31 March, among the passed
    assert "ok" in dated.get_attribute("class") and "第四十九条第二款" in dated.text_content()
    assert "2025-03-10" in dated.locator("blockquote").text_content()
    screenshot(staff_page, "staff-audit")


def test_the_changes_view_compares_two_chosen_years(staff_page) -> None:
    pick_pingtan(staff_page)
    row = staff_page.locator("#diff-result tr[data-key='t3.new_received.total']")
    assert row.locator("td").all_inner_texts() == ["81", "218", "+137"]
    assert "有变化的单元格" in staff_page.locator("#diff-result .diff-summary").inner_text()
    staff_page.select_option("#diff-from", "2021")
    staff_page.select_option("#diff-to", "2023")
    staff_page.click("#diff-button")
    staff_page.locator("#diff-result th:has-text('2021年')").wait_for(timeout=30_000)
    assert (
        staff_page.locator("#diff-result tr[data-key='t3.new_received.total'] td").nth(1).inner_text() == "81"
    )
    staff_page.locator("#diff-result details.diff-text").first.locator("summary").click()
    assert staff_page.locator("#diff-result details.diff-text li").count() > 0
    screenshot(staff_page, "staff-diff")


def test_the_export_link_downloads_a_docx_of_the_stored_cells(staff_page) -> None:
    pick_pingtan(staff_page)
    href = staff_page.get_attribute("#export-docx", "href")
    assert "years=2021-2024" in href and "format=docx" in href
    response = staff_page.request.get(staff_page.url.split("#")[0].rstrip("/") + href)
    assert response.ok
    document = docx.Document(io.BytesIO(response.body()))
    # a figures table: 项目, 键, then one column per year headed by the year and its file
    figures = [
        t for t in document.tables if t.rows[0].cells[1].text == "键" and "\n" in t.rows[0].cells[2].text
    ]
    rows = [[c.text for c in row.cells] for t in figures for row in t.rows]
    [new_received] = [r for r in rows if r[1] == "t3.new_received.total"]
    # 2021: the .txt says 本年度全区共收到70件申请, and its glued row 640020470 is 64+2+4 = 70
    assert new_received[2:] == ["70", "81", "218"]


def test_the_staff_views_fit_a_phone_screen(browser, staff_served: Served) -> None:
    tab = browser.new_page()
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(staff_served.url + "/#data")
    tab.locator("table.coverage").wait_for(timeout=30_000)
    pick_pingtan(tab)
    width = tab.evaluate("document.documentElement.scrollWidth")
    screenshot(tab, "staff-phone")
    tab.close()
    assert width <= 390  # the matrix, rates and changes scroll inside their boxes, the form fits
