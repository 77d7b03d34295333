"""The PDF reader on the real ruled reports of the corpus, and on broken PDFs made here.

Expected figures come from the gold files or from reading the PDFs by eye (`pdftotext -layout`),
never from the reader's own output.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from nianbao import keys
from nianbao.ingest.errors import NoTextLayer, OverBudget, UnreadableFile
from nianbao.ingest.read import read_bytes
from nianbao.ingest.read_pdf import read_pdf
from nianbao.model import Document, Table
from tests.conftest import GOLD, RAW, load_gold

SHI = RAW / "2024_huaian_shi.pdf"
HONGZE_2023 = RAW / "2023_huaian_hongzequ.pdf"
HONGZE_2024 = RAW / "2024_huaian_hongzequ.pdf"

T3_COLUMNS = tuple(keys.T3_COLUMNS)
T4_ROWS = tuple(keys.T4_ROWS)
T4_COLUMNS = tuple(keys.T4_COLUMNS)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _read(path: Path) -> Document:
    data = path.read_bytes()
    return read_pdf(data, path.name, hashlib.sha256(data).hexdigest())


def _numbers(row: tuple[str, ...]) -> list[str]:
    return [cell for cell in row if _NUMBER.fullmatch(cell)]


def _table_with(doc: Document, text: str) -> Table:
    return next(t for t in doc.tables if any(text in cell for row in t.rows for cell in row))


def _row_with(table: Table, text: str) -> tuple[int, tuple[str, ...]]:
    return next((i, row) for i, row in enumerate(table.rows) if any(text in cell for cell in row))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def shi() -> Document:
    return _read(SHI)


@pytest.fixture(scope="module")
def hongze_2023() -> Document:
    return _read(HONGZE_2023)


@pytest.fixture(scope="module")
def shi_gold() -> dict:
    return load_gold(GOLD / "2024_huaian_shi.json")


# --- 淮安市 2024 against its gold file ------------------------------------------------------------


def test_new_received_row_holds_the_gold_values_in_column_order(shi: Document, shi_gold: dict) -> None:
    table = _table_with(shi, "本年新收")
    _, row = _row_with(table, "本年新收")
    expected = [str(shi_gold["cells"][f"t3.new_received.{col}"]) for col in T3_COLUMNS]
    assert _numbers(row) == expected


def test_table_three_is_one_table_across_its_page_break(shi: Document, shi_gold: dict) -> None:
    table = _table_with(shi, "本年新收")
    assert len(set(table.row_pages)) > 1
    assert table.page == min(table.row_pages) == 4  # 三、收到和处理… starts on page 4
    assert len(table.row_pages) == len(table.rows)
    # The last row of table 3 (printed on page 5) is in the same Table as the first.
    index, row = _row_with(table, "结转下年度继续办理")
    expected = [str(shi_gold["cells"][f"t3.carried_forward.{col}"]) for col in T3_COLUMNS]
    assert _numbers(row) == expected
    assert table.page_of(index) == 5


def test_every_table_three_row_sits_beside_its_gold_numbers(shi: Document, shi_gold: dict) -> None:
    table = _table_with(shi, "本年新收")
    checks = {
        "本机关不掌握相关政府信息": "unavailable_not_held",  # last row on page 4
        "没有现成信息需要另行制作": "unavailable_needs_creation",  # first row on page 5
        "其他法律行政法规禁止公开": "denied_law_prohibited",
        "逾期未按收费通知": "other_no_fee",
        "（七）总计": "total_processed",
    }
    for label, key in checks.items():
        _, row = _row_with(table, label)
        assert _numbers(row) == [str(shi_gold["cells"][f"t3.{key}.{c}"]) for c in T3_COLUMNS], label


def test_table_four_row_of_fifteen_numbers_equals_the_gold(shi: Document, shi_gold: dict) -> None:
    rows = [row for t in shi.tables for row in t.rows if len(_numbers(row)) == 15]
    expected = [str(shi_gold["cells"][f"t4.{r}.{c}"]) for r in T4_ROWS for c in T4_COLUMNS]
    assert [_numbers(row) for row in rows] == [expected]


def test_narrative_holds_the_quoted_figures_of_the_gold(shi: Document, shi_gold: dict) -> None:
    text = _squash(shi.text)
    missing = [f["quote"] for f in shi_gold["narrative_figures"] if _squash(f["quote"]) not in text]
    assert missing == []


def test_narrative_keeps_digits_against_chinese_without_added_spaces(shi: Document) -> None:
    assert "全市共受理政府信息公开申请3119件" in shi.text
    assert "2024 年" not in shi.text


def test_table_labels_and_numbers_stay_out_of_the_narrative(shi: Document) -> None:
    for label in ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "信访举报投诉类申请", "3985758"):
        assert label not in shi.text, label


def test_page_number_lines_are_dropped(shi: Document) -> None:
    assert not any(re.fullmatch(r"[-—\s]*\d+[-—\s]*", p.text) for p in shi.paragraphs)
    assert "-2-" not in shi.text


def test_paragraph_wrapped_over_a_page_break_is_one_paragraph_on_its_first_page(shi: Document) -> None:
    # （一）主动公开情况 starts on page 1; "新闻发布会 12 场" is printed on page 2.
    para = next(p for p in shi.paragraphs if p.text.startswith("（一）主动公开情况"))
    assert "新闻发布会12场" in para.text
    assert para.page == 1
    assert next(p for p in shi.paragraphs if "答复3050件" in p.text).page == 2


def test_headings_start_their_own_paragraphs(shi: Document) -> None:
    texts = [p.text for p in shi.paragraphs]
    for heading in ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in texts


def test_blocks_are_in_reading_order_around_the_tables(shi: Document) -> None:
    t3 = _table_with(shi, "本年新收")
    index = shi.blocks.index(t3)
    before, after = shi.blocks[index - 1], shi.blocks[index + 1]
    assert getattr(before, "text", "") == "三、收到和处理政府信息公开申请情况"
    assert getattr(after, "text", "") == "四、政府信息公开行政复议、行政诉讼情况"


def test_title_joins_the_two_title_lines(shi: Document) -> None:
    assert shi.title == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_merged_label_cells_fill_every_row_they_span(shi: Document) -> None:
    table = _table_with(shi, "本年新收")
    _, row = _row_with(table, "5.属于三类内部事务信息")
    assert "本\n年\n度" in row[0]  # 三、本年度办理结果, printed one character per line
    assert _squash(row[1]) == "（三）不予公开"


def test_a_group_label_split_by_the_page_break_labels_rows_on_both_pages(shi: Document) -> None:
    # （四）无法提供 is printed as "（四）无" at the foot of page 4 and "法提供" at the top of page 5.
    table = _table_with(shi, "本年新收")
    before, row_before = _row_with(table, "本机关不掌握相关政府信息")
    after, row_after = _row_with(table, "补正后申请内容仍不明确")
    assert (table.page_of(before), table.page_of(after)) == (4, 5)
    assert _squash(row_before[1]) == _squash(row_after[1]) == "（四）无法提供"


def test_cells_are_strings_never_none(shi: Document) -> None:
    cells = [cell for t in shi.tables for row in t.rows for cell in row]
    assert cells and all(isinstance(cell, str) for cell in cells)
    assert all(len(row) == len(t.rows[0]) for t in shi.tables for row in t.rows)


def test_read_bytes_dispatches_a_pdf_here() -> None:
    doc = read_bytes(SHI.read_bytes(), SHI.name)
    assert doc.format == "pdf"
    assert doc.sha256 == hashlib.sha256(SHI.read_bytes()).hexdigest()


# --- 洪泽区 2023: the typo row, labels wrapped beside their numbers, white paragraph boxes -------------


def test_hongze_typo_row_keeps_its_numbers(hongze_2023: Document) -> None:
    table = _table_with(hongze_2023, "本年新收")
    _, row = _row_with(table, "行政止公开")
    assert _numbers(row) == ["0"] * 7
    _, secret = _row_with(table, "属于国家秘密")
    assert _numbers(secret) == ["1", "0", "0", "0", "0", "0", "1"]


def test_hongze_wrapped_label_and_its_numbers_share_a_row(hongze_2023: Document) -> None:
    # pdftotext -layout prints the numbers 4 … 4 on a line of their own under the wrapped label.
    table = _table_with(hongze_2023, "本年新收")
    _, row = _row_with(table, "部分公开")
    assert _numbers(row) == ["4", "0", "0", "0", "0", "0", "4"]


def test_hongze_table_three_spans_pages_three_and_four(hongze_2023: Document) -> None:
    table = _table_with(hongze_2023, "本年新收")
    last_on_3, row3 = _row_with(table, "没有现成信息需要另行制作")  # page 3's last row has no bottom rule
    first_on_4, row4 = _row_with(table, "补正后申请内容仍不明确")
    assert (table.page_of(last_on_3), table.page_of(first_on_4)) == (3, 4)
    assert _numbers(row3) == ["3", "0", "0", "0", "0", "0", "3"]
    assert _squash(row4[1]) == "（四）无法提供"
    assert "没有现成信息需要另行制作" not in hongze_2023.text


def test_hongze_table_four_has_fifteen_cells_in_its_number_row(hongze_2023: Document) -> None:
    table = _table_with(hongze_2023, "行政复议")
    rows = [row for row in table.rows if _numbers(row) and len(_numbers(row)) == len(row)]
    assert [len(row) for row in rows] == [15]
    assert list(rows[0]) == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]


def test_hongze_narrative_boxes_are_text_not_tables(hongze_2023: Document) -> None:
    # Each narrative line sits on a white filled box; those boxes must not become table rows.
    assert "全区受理政府信息公开申请21件" in hongze_2023.text
    assert hongze_2023.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert all(len(t.rows[0]) > 1 for t in hongze_2023.tables)
    assert len(hongze_2023.tables) == 4  # 表二 in two parts (pages 2 and 3), 表三, 表四


def test_hongze_2024_reads_to_the_same_shape() -> None:
    doc = _read(HONGZE_2024)
    table = _table_with(doc, "本年新收")
    _, row = _row_with(table, "本年新收")
    assert _numbers(row) == ["95", "0", "0", "0", "0", "0", "95"]  # by eye, page 3
    assert sorted(set(table.row_pages)) == [3, 4]


# --- bad input ----------------------------------------------------------------------------------


def test_truncated_pdf_is_unreadable() -> None:
    data = SHI.read_bytes()
    with pytest.raises(UnreadableFile, match="corrupt or truncated PDF"):
        read_pdf(data[: len(data) // 2], "half.pdf", "x")


def test_garbage_after_the_pdf_header_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="corrupt or truncated PDF"):
        read_pdf(b"%PDF-1.4\n" + bytes(range(256)) * 40, "junk.pdf", "x")


def test_password_protected_pdf_is_unreadable() -> None:
    data = _encrypted_pdf(user_password=b"secret", text=b"Hello")
    with pdfplumber.open(io.BytesIO(data), password="secret") as pdf:  # the fixture is a real one
        assert pdf.pages[0].extract_text() == "Hello"
    with pytest.raises(UnreadableFile, match="password-protected"):
        read_pdf(data, "locked.pdf", "x")


def test_scanned_pdf_has_no_text_layer() -> None:
    image = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(image).rectangle((60, 80, 530, 300), outline="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PDF")
    with pytest.raises(NoTextLayer, match="scanned") as info:
        read_pdf(buffer.getvalue(), "scan.pdf", "x")
    assert "OCR is not done" in str(info.value)


def test_pdf_over_the_page_limit_is_refused() -> None:
    with pytest.raises(OverBudget, match="301 pages; the limit is 300 .NIANBAO_BUDGET__PAGES"):
        read_pdf(_blank_pdf(301), "huge.pdf", "x")


# --- fixtures made by code ------------------------------------------------------------------------


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def _blank_pdf(pages: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _pdf(objects)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _encrypted_pdf(user_password: bytes, text: bytes) -> bytes:
    """A one-page PDF under the standard security handler, revision 2 (40-bit RC4), that opens
    only with ``user_password`` (PDF 1.7 spec, 7.6.3, algorithms 2–4)."""
    doc_id, permissions = b"0123456789abcdef", -44
    owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]
    o_entry = _rc4(owner_key, (user_password + _PAD)[:32])
    key = hashlib.md5(
        (user_password + _PAD)[:32] + o_entry + struct.pack("<i", permissions) + doc_id
    ).digest()[:5]
    u_entry = _rc4(key, _PAD)
    content_number = 4
    object_key = hashlib.md5(key + struct.pack("<i", content_number)[:3] + b"\x00\x00").digest()[:10]
    stream = _rc4(object_key, b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_entry.hex().encode(), u_entry.hex().encode(), permissions),
    ]
    trailer = b"/Encrypt 6 0 R /ID [<%s> <%s>]" % (doc_id.hex().encode(), doc_id.hex().encode())
    return _pdf(objects, trailer)
