"""ingest/read_html.py on the corpus's real report pages and on hostile or broken markup."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from nianbao import keys
from nianbao.ingest.errors import UnreadableFile
from nianbao.ingest.labels import normalise
from nianbao.ingest.read_html import read_html
from nianbao.model import Document, Table

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"

T3_COLUMNS = tuple(keys.T3_COLUMNS)
T4_KEYS = tuple(
    f"t4.{r}.{c}"
    for r in ("review", "suit_direct", "suit_after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
)


def _gold_as_written(name: str, keys: list[str]) -> list[str]:
    """The cells as the report writes them: ``as_written`` where listed, else the number."""
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    return [gold["as_written"].get(k, str(gold["cells"].get(k))) for k in keys]


def _gold_case(name: str, marker: str) -> tuple[str, list[str], list[str], str]:
    new_received = _gold_as_written(name, [f"t3.new_received.{c}" for c in T3_COLUMNS])
    return name, new_received, _gold_as_written(name, list(T4_KEYS)), marker


# Pingtan has no gold file. Its figures were read by eye from the page source (and the .txt
# copy of the same page); the 表四 rows are the ones SOURCES.md lists, and the 本年新收 totals
# (81, 218, 154) are the application counts SOURCES.md quotes from each report's narrative.
PINGTAN = [
    (
        "2023_pingtan_zonghe_shiyanqu",
        ["80", "1", "0", "0", "0", "0", "81"],
        "1 1 0 0 2 4 0 0 1 5 1 0 1 0 2".split(),
        "0591-23165385",  # the contact phone in the preamble
    ),
    (
        "2024_pingtan_zonghe_shiyanqu",
        ["217", "1", "0", "0", "0", "0", "218"],
        "2 1 3 1 7 0 0 0 0 0 13 2 4 0 19".split(),
        "全年办理政府信息公开申请218件",  # no contact phone in this report
    ),
    (
        "2025_pingtan_zonghe_shiyanqu",
        ["151", "3", "0", "0", "0", "0", "154"],
        "25 3 8 0 36 3 3 0 0 6 3 0 0 0 3".split(),
        "全区共收到政府信息公开申请154件",  # no contact phone in this report
    ),
]
CASES = [
    # No contact phone in this report; the preamble names the download site instead.
    _gold_case("2019_shanghai_shizhengfu_bangongting", "www.shanghai.gov.cn"),
    _gold_case("2023_suqian_shuyangxian_fagaiju", "0527—83593059"),
    *PINGTAN,
]
NAMES = [case[0] for case in CASES]


def _read_raw(name: str) -> Document:
    path = CORPUS / "raw" / f"{name}.html"
    return read_html(path.read_bytes(), path.name, "0" * 64)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: _read_raw(name) for name in NAMES}


def _row_labelled(doc: Document, word: str) -> tuple[str, ...]:
    table = next(t for t in doc.tables if any(word in normalise(c) for row in t.rows for c in row))
    return next(row for row in table.rows if any(word in normalise(c) for c in row))


@pytest.mark.parametrize(("name", "new_received", "t4", "marker"), CASES, ids=NAMES)
def test_html_new_received_row_has_the_reports_figures(docs, name, new_received, t4, marker) -> None:
    row = _row_labelled(docs[name], "本年新收")
    assert list(row[-7:]) == new_received


@pytest.mark.parametrize(("name", "new_received", "t4", "marker"), CASES, ids=NAMES)
def test_html_table_four_has_a_row_of_the_fifteen_figures(docs, name, new_received, t4, marker) -> None:
    assert any(list(row) == t4 for table in docs[name].tables for row in table.rows)


@pytest.mark.parametrize("name", NAMES)
def test_html_table_grids_are_rectangular(docs, name) -> None:
    assert len(docs[name].tables) == 3
    for table in docs[name].tables:
        assert len({len(row) for row in table.rows}) == 1
        assert all(cell == cell.strip() and "\xa0" not in cell for row in table.rows for cell in row)


@pytest.mark.parametrize(("name", "new_received", "t4", "marker"), CASES, ids=NAMES)
def test_html_narrative_keeps_the_reports_own_words(docs, name, new_received, t4, marker) -> None:
    assert marker in docs[name].text


@pytest.mark.parametrize("name", NAMES)
def test_html_title_is_the_pages_title(docs, name) -> None:
    assert "年" in docs[name].title and "报告" in docs[name].title
    assert docs[name].title == docs[name].paragraphs[0].text


def test_html_paragraphs_and_tables_interleave_in_order(docs) -> None:
    blocks = docs["2023_suqian_shuyangxian_fagaiju"].blocks
    kinds = ["table" if isinstance(b, Table) else b.text[:2] for b in blocks]
    # each table sits right after its section heading 二、三、四, and 五 follows the last one
    assert kinds[kinds.index("二、") + 1] == "table"
    assert kinds[kinds.index("三、") + 1] == "table"
    assert kinds[kinds.index("四、") + 1] == "table"
    assert kinds.index("四、") + 2 == kinds.index("五、")
    table3 = blocks[kinds.index("三、") + 1]
    assert any("本年新收" in c for row in table3.rows for c in row)


def test_html_header_cells_split_over_paragraphs_read_as_one_label(docs) -> None:
    header = _row_labelled(docs["2025_pingtan_zonghe_shiyanqu"], "商业企业")
    assert "社会公益组织" in header and "法律服务机构" in header


def test_html_blank_cells_read_as_empty_strings(docs) -> None:
    row = _row_labelled(docs["2023_suqian_shuyangxian_fagaiju"], "本年新收")
    assert row[-7:] == ("26", "", "", "", "", "", "26")


# --- safety and robustness -----------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _all_text(doc: Document) -> str:
    cells = "\n".join(c for t in doc.tables for row in t.rows for c in row)
    return "\n".join((doc.title, doc.text, cells))


def test_html_scripts_and_images_never_reach_the_output(no_network) -> None:
    page = (CORPUS / "raw" / "2023_suqian_shuyangxian_fagaiju.html").read_text(encoding="utf-8")
    hostile = (
        '<script>document.write("SCRIPT-TEXT")</script><style>p{x:"STYLE-TEXT"}</style>'
        '<noscript>NOSCRIPT-TEXT</noscript><img src="http://example.invalid/x.png" alt="IMG-ALT">'
        '<link rel="stylesheet" href="http://example.invalid/s.css">'
        '<iframe src="http://example.invalid/frame"></iframe>'
    )
    page = page.replace("<body>", "<body>" + hostile, 1)
    page = page.replace("本年新收", '本年新收<script>var a="CELL-SCRIPT"</script>', 1)
    doc = read_html(page.encode("utf-8"), "hostile.html", "0")
    text = _all_text(doc)
    for planted in (
        "SCRIPT-TEXT",
        "STYLE-TEXT",
        "NOSCRIPT-TEXT",
        "IMG-ALT",
        "example.invalid",
        "CELL-SCRIPT",
    ):
        assert planted not in text
    assert _row_labelled(doc, "本年新收")[-7:] == ("26", "", "", "", "", "", "26")


@pytest.mark.parametrize("declare", [True, False], ids=["meta-gb2312", "undeclared"])
def test_html_gb_encoded_page_reads_like_the_utf8_page(docs, declare) -> None:
    name = "2019_shanghai_shizhengfu_bangongting"
    page = (CORPUS / "raw" / f"{name}.html").read_text(encoding="utf-8")
    meta = '<meta charset="gb2312">' if declare else ""
    data = page.replace('<meta charset="utf-8">', meta).encode("gb18030")
    doc = read_html(data, "gb.html", "0")
    assert doc.title == docs[name].title
    assert doc.blocks == docs[name].blocks


def test_html_bare_fragment_reads_like_the_wrapped_page(docs) -> None:
    # The Shanghai 2019 page was published as bare <p>s and <table>s; the corpus copy wraps them.
    name = "2019_shanghai_shizhengfu_bangongting"
    page = (CORPUS / "raw" / f"{name}.html").read_text(encoding="utf-8")
    fragment = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    assert not fragment.lstrip().startswith(("<html", "<!DOCTYPE"))
    doc = read_html(fragment.encode("utf-8"), "fragment.html", "0")
    assert doc.tables == docs[name].tables
    assert doc.text == docs[name].text


def test_html_spans_fill_every_covered_position() -> None:
    page = (
        "<table><tr><td rowspan=3>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>4</td></tr>"
        "<tr><td rowspan=2><p>（三）不予</p><p>公开</p></td><td>1.属于国家秘密</td><td>&nbsp;</td></tr>"
        "<tr><td>2.其他法律</td><td>\u3000 5 </td></tr></table>"
    )
    doc = read_html(page.encode(), "spans.html", "0")
    assert doc.tables[0].rows == (
        ("三、本年度办理结果", "（一）予以公开", "（一）予以公开", "4"),
        ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", ""),
        ("三、本年度办理结果", "（三）不予公开", "2.其他法律", "5"),
    )


def test_html_spans_past_the_table_are_clamped() -> None:
    page = (
        '<table><tr><td rowspan="0">a</td><td colspan="x">1</td></tr><tr><td rowspan=99>2</td></tr></table>'
    )
    doc = read_html(page.encode(), "clamp.html", "0")
    assert doc.tables[0].rows == (("a", "1"), ("a", "2"))


def test_html_hostile_spans_are_refused() -> None:
    rows = "".join("<tr><td colspan=1000>x</td></tr>" for _ in range(300))
    with pytest.raises(UnreadableFile, match="cells"):
        read_html(f"<table>{rows}</table>".encode(), "spans.html", "0")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff\xfe garbage \x80\x81<<<>>>",
        b"<table><tr><td>unclosed" * 50,
        b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000,
        (CORPUS / "raw" / "2025_pingtan_zonghe_shiyanqu.html").read_bytes()[:30_001],
    ],
    ids=["empty", "binary", "unclosed", "deep", "truncated"],
)
def test_html_bad_markup_never_raises_anything_but_unreadable(data) -> None:
    try:
        doc = read_html(data, "bad.html", "0")
    except UnreadableFile:
        return
    assert isinstance(doc, Document)
    for table in doc.tables:
        assert len({len(row) for row in table.rows}) == 1
