"""Chunking: sentences packed within sections, spans that cut the report's own text, tables as rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path
from nianbao.keys import Layout
from nianbao.model import Cell, Report, ReportMeta, Section
from nianbao.retrieval.chunks import MAX_CHARS, PATH_SEPARATOR, chunk_report, pack, sentence_spans, squeeze
from tests.conftest import RAW

REPORTS = [
    "2023_zaozhuang_shizhongqu_zfb.docx",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2019_shanghai_shizhengfu_bangongting.html",
    "2023_huaian_hongzequ.pdf",
]


@pytest.fixture(scope="module", params=REPORTS)
def report(request: pytest.FixtureRequest) -> Report:
    return extract_report(read_path(RAW / request.param))


def test_no_text_chunk_crosses_a_section_boundary(report: Report) -> None:
    for chunk in chunk_report(report):
        if chunk.kind != "text":
            continue
        assert chunk.start is not None and chunk.end is not None
        for section in report.sections:
            inside = section.start <= chunk.start and chunk.end <= section.end
            outside = chunk.end <= section.start or chunk.start >= section.end
            assert inside or outside, (chunk.section_path, section.path)


def test_text_chunks_read_section_path_then_exactly_the_span_of_the_report(report: Report) -> None:
    for chunk in chunk_report(report):
        if chunk.kind == "text":
            assert chunk.start is not None and chunk.end is not None
            quote = report.text[chunk.start : chunk.end]
            prefix = PATH_SEPARATOR.join(chunk.section_path) + "：" if chunk.section_path else ""
            assert chunk.text == prefix + quote


def test_text_chunks_stay_within_the_size_limit_and_cover_the_narrative(report: Report) -> None:
    texts = [c for c in chunk_report(report) if c.kind == "text"]
    assert all(len(report.text[c.start : c.end]) <= MAX_CHARS + 50 for c in texts)  # type: ignore[misc]  # text chunks have a span
    covered = sum(c.end - c.start for c in texts)  # type: ignore[operator]  # text chunks have a span
    assert covered > 0.8 * len(report.text.strip())


def test_a_subsection_heading_starts_a_chunk_and_is_named_in_its_path() -> None:
    report = extract_report(read_path(RAW / "2023_zaozhuang_shizhongqu_zfb.docx"))
    [fee] = [c for c in chunk_report(report) if c.section_path[-1:] == ("（一）收取信息处理费的情况",)]
    assert fee.text.startswith("六、其他需要报告的事项 › （一）收取信息处理费的情况：本年度")
    assert "未收取任何费用" in fee.text


def test_the_seed_contact_sentence_is_one_chunk_with_its_phone_number() -> None:
    report = extract_report(read_path(RAW / "2023_zaozhuang_shizhongqu_zfb.docx"))
    hits = [c for c in chunk_report(report) if "0632-3921308" in c.text]
    assert len(hits) == 1 and hits[0].kind == "text"
    assert "0632-3921308" in report.text[hits[0].start : hits[0].end]  # type: ignore[index]  # a text chunk has a span


def test_table_three_rows_become_labelled_chunks_with_every_value() -> None:
    report = extract_report(read_path(RAW / "2023_zaozhuang_shizhongqu_zfb.docx"))
    tables = [c for c in chunk_report(report) if c.kind == "table"]
    [not_held] = [c for c in tables if "本机关不掌握相关政府信息" in c.text]
    assert not_held.text.startswith("表三 收到和处理政府信息公开申请情况 · ")
    assert "自然人10" in not_held.text and "总计10" in not_held.text and "商业企业0" in not_held.text
    assert not_held.section_path == ("表三 收到和处理政府信息公开申请情况",)
    assert not_held.start is None and not_held.end is None
    t3_rows = {c.key.split(".")[1] for c in report.cells if c.key.startswith("t3.")}
    assert len([c for c in tables if c.text.startswith("表三")]) == len(t3_rows)
    assert len([c for c in tables if c.text.startswith("表二")]) == 1
    [t4] = [c for c in tables if c.text.startswith("表四")]
    assert "行政复议：结果维持1" in t4.text


def test_table_chunks_carry_the_page_their_cells_sit_on() -> None:
    report = extract_report(read_path(RAW / "2023_huaian_hongzequ.pdf"))
    tables = [c for c in chunk_report(report) if c.kind == "table"]
    assert tables and all(c.page is not None for c in tables)


def test_chunk_ids_are_stable_across_reingests_and_unique() -> None:
    path = RAW / "2023_suqian_shuyangxian_fagaiju.html"
    first = [c.id for c in chunk_report(extract_report(read_path(path)))]
    second = [c.id for c in chunk_report(extract_report(read_path(path)))]
    assert first == second
    assert len(set(first)) == len(first)


def test_rows_fit_the_chunks_table() -> None:
    report = extract_report(read_path(RAW / "2023_suqian_shuyangxian_fagaiju.html"))
    row = chunk_report(report)[0].row()
    assert set(row) == {"id", "report_id", "text", "section_path", "start", "end", "page", "kind"}
    assert row["report_id"] == report.meta.id and isinstance(row["section_path"], list)


def test_sentences_end_at_chinese_stops_and_long_ones_are_cut_at_commas() -> None:
    text = "第一句。第二句！第三句？第四句；" + "长句，" * 60 + "完。"
    spans = sentence_spans(text, 0, len(text), max_chars=50)
    assert [text[s:e] for s, e in spans[:4]] == ["第一句。", "第二句！", "第三句？", "第四句；"]
    assert all(e - s <= 50 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_packing_keeps_sentences_whole_and_under_the_limit() -> None:
    spans = [(i * 40, i * 40 + 40) for i in range(10)]
    packed = pack(spans, min_chars=100, max_chars=160)
    assert packed[0] == (0, 160) and all(e - s <= 160 for s, e in packed)
    assert {s for s, _ in packed} <= {s for s, _ in spans}


def test_a_made_up_report_without_cells_yields_only_text_chunks() -> None:
    text = "前言文字。\n一、总体情况\n本年度主动公开信息10条。\n二、其他\n无。"
    meta = ReportMeta("r1", "x.txt", "txt", "某局", None, 2023, Layout.FORMAT_2021_30, "t", "0" * 64)
    one, two = text.index("一、"), text.index("二、")
    sections = (
        Section(("前言",), 0, one),
        Section(("一、总体情况",), one, two),
        Section(("二、其他",), two, len(text)),
    )
    report = Report(meta, text, sections, cells=())
    chunks = chunk_report(report)
    assert [c.section_path for c in chunks] == [("前言",), ("一、总体情况",), ("二、其他",)]
    assert chunks[1].text == "一、总体情况：本年度主动公开信息10条。"


def test_a_cell_without_text_reads_as_blank() -> None:
    meta = ReportMeta("r1", "x.html", "html", "某局", None, 2023, Layout.FORMAT_2021_30, "t", "0" * 64)
    cell = Cell("t3.granted.total", None, "", "表三", "（一）予以公开", "总计")
    [chunk] = chunk_report(Report(meta, "", (), cells=(cell,)))
    assert chunk.text.endswith("（一）予以公开：总计空")


def test_squeeze_drops_line_breaks_inside_chinese_only() -> None:
    assert squeeze("行\n政规范性文件 34 件，hello world") == "行政规范性文件 34 件，hello world"


def test_every_corpus_file_chunks(tmp_path: Path) -> None:
    for path in sorted(RAW.iterdir()):
        chunks = chunk_report(extract_report(read_path(path)))
        assert any(c.kind == "text" for c in chunks), path.name
