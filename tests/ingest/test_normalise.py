"""Text exports are normalised before any reader looks at them: encodings, line ends, spaces,
full-width digits; a crawler's header is metadata, not report text."""

from __future__ import annotations

import codecs

import pytest

from nianbao.ingest import normalise
from nianbao.ingest.errors import UnreadableFile
from nianbao.ingest.read import read_bytes
from nianbao.ingest.read_html import read_html
from nianbao.ingest.read_txt import read_txt
from tests.conftest import RAW

SEED = RAW / "2023_zaozhuang_shizhongqu_zfb.txt"
CRAWLED = RAW / "2023_pingtan_zonghe_shiyanqu.txt"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
)
def test_every_encoding_a_report_comes_in_decodes_to_the_same_text(encoding: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert normalise.decode(text.encode(encoding)) == text


def test_gbk_bytes_that_are_not_utf8_decode_as_gb18030() -> None:
    text = "沭阳县人民政府2025年政府信息公开工作年度报告\n一、总体情况\n受理申请27件。"
    assert normalise.decode(text.encode("gbk")) == text


def test_binary_bytes_are_refused_with_a_message() -> None:
    with pytest.raises(UnreadableFile, match="not text"):
        read_txt(bytes(range(256)) * 40, "x.txt", "0")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r", "\r\r\n", "\u2028", "\u2029"])
def test_every_line_end_style_gives_the_same_lines(end: str) -> None:
    lines = ["某局2023年度政府信息公开工作年度报告", "一、总体情况", "", "\t0"]
    assert normalise.normalise(end.join(lines)).split("\n") == lines


def test_full_width_digits_and_odd_spaces_become_ascii() -> None:
    text = "受理申请２７件，\u00a0合计\u3000１２．５万元\u200b"
    assert normalise.normalise(text) == "受理申请27件， 合计 12.5万元"


def test_the_seed_report_reads_the_same_through_any_line_end_and_bom() -> None:
    text = SEED.read_text(encoding="utf-8")
    plain = read_txt(text.encode(), SEED.name, "0")
    for end in ("\r\n", "\r"):
        data = codecs.BOM_UTF8 + text.replace("\n", end).encode()
        doc = read_txt(data, SEED.name, "0")
        assert doc.title == plain.title
        assert doc.tables == plain.tables
        assert doc.text == plain.text


def test_the_crawler_header_becomes_title_date_and_address_not_text() -> None:
    doc = read_bytes(CRAWLED.read_bytes(), CRAWLED.name)
    header = CRAWLED.read_text(encoding="utf-8").split("\n")[:8]
    assert doc.title == header[0].split(": ", 1)[1]
    assert doc.published == header[1].split(": ", 1)[1][:10]
    assert doc.source_url == header[5].split(": ", 1)[1]
    assert not any(line.strip() and line in doc.text for line in header[1:])
    assert doc.source_url not in doc.text


def test_a_header_without_the_rule_line_is_still_metadata() -> None:
    text = "标题: 某局2023年度政府信息公开工作年度报告\n发布日期: 2024年3月8日\n一、总体情况\n正文。"
    header, lines = normalise.split_crawler_header(text.split("\n"))
    assert (header.title, header.published, header.source_url) == (
        "某局2023年度政府信息公开工作年度报告",
        "2024-03-08",
        None,
    )
    assert lines == ["一、总体情况", "正文。"]


def test_a_report_line_with_a_colon_is_not_taken_for_a_header() -> None:
    lines = ["某局2023年度政府信息公开工作年度报告", "联系电话: 0632-1234567", "一、总体情况"]
    header, body = normalise.split_crawler_header(lines)
    assert header == normalise.CrawlerHeader() and body == lines


def test_an_html_page_gives_its_date_and_address_from_its_meta_tags() -> None:
    page = (
        '<html><head><meta name="PubDate" content="2024-03-08 15:34">'
        '<link rel="canonical" href="https://www.example.gov.cn/a.html"><title>某局2023年度报告</title>'
        "</head><body><p>正文</p><table><tr><td>行政许可</td><td>２７</td></tr></table></body></html>"
    )
    doc = read_html(page.encode("utf-16"), "a.html", "0")
    assert (doc.published, doc.source_url) == ("2024-03-08", "https://www.example.gov.cn/a.html")
    assert doc.tables[0].rows == (("行政许可", "27"),)
