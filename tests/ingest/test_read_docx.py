"""ingest/read_docx.py on the corpus's real .docx files and on hostile or broken archives."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import docx
import pytest

import nianbao.ingest.read_docx as read_docx_module
from nianbao import keys
from nianbao.ingest.errors import UnreadableFile
from nianbao.ingest.labels import normalise
from nianbao.ingest.read_docx import read_docx
from nianbao.model import Document, Paragraph, Table

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"
SEED_DOCX = CORPUS / "raw" / "2023_zaozhuang_shizhongqu_zfb.docx"
TEMPLATE_DOCX = CORPUS / "reference" / "template_blank_guobangongkaibanhan_2021_30.docx"

T3_COLUMNS = tuple(keys.T3_COLUMNS)
T4_ROWS = tuple(keys.T4_ROWS)
T4_COLUMNS = tuple(keys.T4_COLUMNS)


def _read(path: Path) -> Document:
    return read_docx(path.read_bytes(), path.name, "0" * 64)


def _gold_cells(name: str) -> dict[str, int | float]:
    return json.loads((CORPUS / "gold" / f"{name}.json").read_text(encoding="utf-8"))["cells"]


@pytest.fixture(scope="module")
def seed() -> Document:
    return _read(SEED_DOCX)


def _index(doc: Document, predicate) -> int:
    return next(i for i, block in enumerate(doc.blocks) if predicate(block))


def _is_paragraph_with(word: str):
    return lambda b: isinstance(b, Paragraph) and word in b.text


def _table_with(doc: Document, word: str) -> Table:
    return next(t for t in doc.tables if any(word in normalise(c) for row in t.rows for c in row))


def _row_with(table: Table, word: str) -> tuple[str, ...]:
    return next(row for row in table.rows if any(word in normalise(c) for c in row))


# --- the seed report -----------------------------------------------------------------------


def test_docx_blocks_come_in_document_order(seed: Document) -> None:
    first_table = _index(seed, lambda b: isinstance(b, Table))
    assert _index(seed, _is_paragraph_with("总体情况")) < first_table
    heading_t3 = _index(seed, _is_paragraph_with("收到和处理政府信息公开申请情况"))
    following = seed.blocks[heading_t3 + 1]
    assert isinstance(following, Table)
    assert any("本年新收" in normalise(c) for row in following.rows for c in row)
    heading_t4 = _index(seed, _is_paragraph_with("四、政府信息公开行政复议"))
    assert isinstance(seed.blocks[heading_t4 + 1], Table)
    assert heading_t3 < heading_t4 < _index(seed, _is_paragraph_with("五、存在的主要问题"))


def test_docx_title_names_the_body_and_year(seed: Document) -> None:
    assert "市中区人民政府办公室" in seed.title
    assert "2023" in seed.title
    assert seed.format == "docx"


def test_docx_table_grids_are_rectangular_without_pages(seed: Document) -> None:
    assert len(seed.tables) == 3
    for table in seed.tables:
        assert len({len(row) for row in table.rows}) == 1
        assert table.page is None


def test_docx_merged_cells_keep_row_group_labels(seed: Document) -> None:
    row = _row_with(_table_with(seed, "本年新收"), "本机关不掌握")
    label_at = next(i for i, c in enumerate(row) if "本机关不掌握" in c)
    assert any(normalise(c) == "（四）无法提供" for c in row[:label_at])
    gold = _gold_cells("2023_zaozhuang_shizhongqu_zfb")
    expected = [str(gold[f"t3.unavailable_not_held.{c}"]) for c in T3_COLUMNS]
    assert [normalise(c) for c in row[-7:]] == expected
    assert expected[-1] == "10"


def test_docx_table_three_rows_carry_gold_figures(seed: Document) -> None:
    table = _table_with(seed, "本年新收")
    gold = _gold_cells("2023_zaozhuang_shizhongqu_zfb")
    for word, key in (
        ("本年新收", "new_received"),
        ("上年结转", "carried_over"),
        ("结转下年度", "carried_forward"),
    ):
        row = _row_with(table, word)
        assert [normalise(c) for c in row[-7:]] == [str(gold[f"t3.{key}.{c}"]) for c in T3_COLUMNS]


def test_docx_table_four_has_the_fifteen_gold_figures(seed: Document) -> None:
    gold = _gold_cells("2023_zaozhuang_shizhongqu_zfb")
    expected = [str(gold[f"t4.{r}.{c}"]) for r in T4_ROWS for c in T4_COLUMNS]
    table = _table_with(seed, "复议后起诉")
    assert expected in [[normalise(c) for c in row] for row in table.rows]


def test_docx_text_includes_the_contact_phone(seed: Document) -> None:
    assert "0632-3921308" in seed.text


def test_blank_template_reads_without_error() -> None:
    doc = _read(TEMPLATE_DOCX)
    assert len(doc.tables) == 3
    row = _row_with(_table_with(doc, "本年新收"), "本年新收")
    assert row[-7:] == ("",) * 7


# --- merges and titles built by code -------------------------------------------------------


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_grid_span_and_vertical_merge_fill_every_covered_position() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"  # gridSpan=3
    table.cell(1, 0).merge(table.cell(2, 0)).text = "（三）不予公开"  # vMerge restart + continue
    for r, c, text in ((1, 1, "1.属于国家秘密"), (1, 2, "0"), (2, 1, "2.其他法律"), (2, 2, "5")):
        table.cell(r, c).text = text
    doc = read_docx(_docx_bytes(document), "made.docx", "0")
    assert doc.tables[0].rows == (
        ("申请人情况", "申请人情况", "申请人情况"),
        ("（三）不予公开", "1.属于国家秘密", "0"),
        ("（三）不予公开", "2.其他法律", "5"),
    )


def test_docx_title_split_over_two_paragraphs_is_joined() -> None:
    document = docx.Document()
    document.add_paragraph("市中区人民政府办公室")
    document.add_paragraph("2023年政府信息公开工作年度报告")
    document.add_paragraph("本年度报告根据《中华人民共和国政府信息公开条例》编制。")
    doc = read_docx(_docx_bytes(document), "made.docx", "0")
    assert doc.title == "市中区人民政府办公室2023年政府信息公开工作年度报告"


# --- bad input -----------------------------------------------------------------------------


def _rezip(source: Path, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The source .docx with some members replaced or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
    return out.getvalue()


def test_docx_empty_bytes_are_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="corrupt or truncated"):
        read_docx(b"", "empty.docx", "0")


def test_docx_truncated_file_is_unreadable() -> None:
    data = SEED_DOCX.read_bytes()
    with pytest.raises(UnreadableFile, match="truncated"):
        read_docx(data[: len(data) // 2], "half.docx", "0")


def test_docx_with_corrupt_member_data_is_unreadable() -> None:
    data = bytearray(SEED_DOCX.read_bytes())
    with zipfile.ZipFile(SEED_DOCX) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 400):  # scramble deflate data; the directory stays intact
        data[i] ^= 0x5A
    with pytest.raises(UnreadableFile):
        read_docx(bytes(data), "scrambled.docx", "0")


def test_docx_zip_without_main_document_is_unreadable() -> None:
    data = _rezip(SEED_DOCX, drop=("word/document.xml",))
    with pytest.raises(UnreadableFile, match="word/document.xml"):
        read_docx(data, "nodoc.docx", "0")


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A .docx-shaped zip whose document.xml declares 1 GiB (zeros), written in 1 MiB chunks."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(1024):
                member.write(chunk)
    return path.read_bytes()


def test_docx_zip_bomb_is_refused_quickly(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 10 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="limit"):
        read_docx(zip_bomb, "bomb.docx", "0")
    assert time.perf_counter() - started < 2.0


def test_docx_member_with_absurd_compression_ratio_is_refused() -> None:
    data = _rezip(SEED_DOCX, replace={"word/styles.xml": bytes(20 * 1024 * 1024)})
    with pytest.raises(UnreadableFile, match="zip bomb"):
        read_docx(data, "ratio.docx", "0")


def test_docx_member_with_an_unusual_compression_method_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(SEED_DOCX) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    with pytest.raises(UnreadableFile, match="compression method"):
        read_docx(out.getvalue(), "bzip2.docx", "0")


def _xxe_docx() -> bytes:
    with zipfile.ZipFile(SEED_DOCX) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    declaration_end = xml.index("?>") + 2
    doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xml = xml[:declaration_end] + doctype + xml[declaration_end:]
    xml = xml.replace("<w:t>一、总体情况</w:t>", "<w:t>一、总体情况&e;</w:t>", 1)
    assert "&e;" in xml
    return _rezip(SEED_DOCX, replace={"word/document.xml": xml.encode("utf-8")})


def _all_text(doc: Document) -> str:
    cells = "\n".join(c for t in doc.tables for row in t.rows for c in row)
    return "\n".join((doc.title, doc.text, cells))


def test_docx_external_entity_is_never_resolved() -> None:
    try:
        doc = read_docx(_xxe_docx(), "xxe.docx", "0")
    except UnreadableFile:
        return
    assert "root:" not in _all_text(doc)


def test_docx_parser_does_not_expand_entities_even_past_the_dtd_check(monkeypatch) -> None:
    # The DTD refusal is the first lock; this checks the second one: the parser itself.
    monkeypatch.setattr(read_docx_module, "_check_no_dtd", lambda *args: None)
    doc = read_docx(_xxe_docx(), "xxe.docx", "0")
    assert "一、总体情况" in doc.text
    assert "root:" not in _all_text(doc)
