"""Every input has a budget, counted inside the readers before the costly step it guards.

Hostile files are built in code (tests/reliability/hostile.py). The readers run in this process
here, so that a spy can show what they did not do (build a page); tests/ingest/test_isolate.py
covers the child process that backs these counts.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber.page
import pytest

from nianbao.ingest.errors import OverBudget
from nianbao.ingest.pdf_streams import check_streams
from nianbao.ingest.read import read_bytes
from nianbao.ingest.read_pdf import read_pdf
from nianbao.settings import Budget, Settings
from tests.conftest import RAW
from tests.reliability.hostile import many_pages_pdf, one_line_txt, pdf_bomb

PDFS = sorted(RAW.glob("*.pdf"))


@pytest.fixture
def pages_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts pdfplumber Page objects as they are built."""
    built: list[int] = []
    real = pdfplumber.page.Page.__init__

    def spy(self: object, *args: object, **kwargs: object) -> None:
        built.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdfplumber.page.Page, "__init__", spy)
    return built


def test_a_stream_that_inflates_past_the_budget_is_refused_before_pdfminer_reads_it(
    pages_built: list[int],
) -> None:
    bomb = pdf_bomb(20 << 20)  # 31 kB inflating to 20 MB of path operators
    with pytest.raises(OverBudget, match="inflates to more than 16,777,216 bytes") as info:
        read_bytes(bomb, "bomb.pdf")
    assert "NIANBAO_BUDGET__STREAM_INFLATED_BYTES" in str(info.value)
    assert pages_built == []


def test_a_small_bomb_under_the_stream_budget_is_refused_by_how_much_it_inflates() -> None:
    bomb = pdf_bomb(2 << 20)  # 3.5 kB → 2 MB: under 16 MB, but no real stream inflates 600×
    assert len(bomb) < 4096
    with pytest.raises(OverBudget, match="compression bomb.*NIANBAO_BUDGET__INFLATE_RATIO"):
        read_bytes(bomb, "small-bomb.pdf")


def test_a_stream_compressed_twice_is_inflated_twice_within_the_budget() -> None:
    bomb = pdf_bomb(200 << 20, filters=2)  # 1.6 kB; the first inflation is only 200 kB
    with pytest.raises(OverBudget, match="STREAM_INFLATED_BYTES"):
        read_bytes(bomb, "double.pdf")


def test_a_stream_with_a_broken_checksum_is_counted_as_pdfminer_reads_it() -> None:
    """zlib refuses the whole stream at its last byte; pdfminer reads it regardless (found by
    benchmarks/fuzz.py: a bomb so damaged took pdfminer over a minute)."""
    bomb = pdf_bomb(200 << 20, filters=2, damaged=True)
    with pytest.raises(OverBudget, match="STREAM_INFLATED_BYTES"):
        read_bytes(bomb, "damaged.pdf")


def test_all_streams_of_a_file_count_against_the_file_budget() -> None:
    pdf = (RAW / "2024_huaian_shi.pdf").read_bytes()
    total = check_streams(pdf, "a.pdf", Budget())
    assert total > 1_000_000  # its fonts and pages, inflated
    with pytest.raises(OverBudget, match="FILE_INFLATED_BYTES"):
        check_streams(pdf, "a.pdf", Budget(file_inflated_bytes=total - 1))


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_the_corpus_pdfs_read_within_the_default_budget(path: Path) -> None:
    doc = read_bytes(path.read_bytes(), path.name, Budget())
    assert "政府信息公开" in doc.title + doc.text[:2000]


def test_a_pdf_of_100000_pages_is_refused_before_any_page_is_built(pages_built: list[int]) -> None:
    with pytest.raises(OverBudget, match="declares 100,000 pages; the limit is 300"):
        read_pdf(many_pages_pdf(100_000), "pages.pdf", "x", Budget())
    assert pages_built == []


def test_a_page_tree_that_understates_its_count_is_walked_no_further_than_the_budget(
    pages_built: list[int],
) -> None:
    liar = many_pages_pdf(5_000, declared=1)
    with pytest.raises(OverBudget, match="more than 300 pages"):
        read_pdf(liar, "liar.pdf", "x", Budget())
    assert pages_built == []


def test_pages_within_a_lower_budget_still_read(pages_built: list[int]) -> None:
    path = RAW / "2024_huaian_shi.pdf"
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    pages_built.clear()
    with pytest.raises(OverBudget, match=f"{pages} pages; the limit is {pages - 1} "):
        read_bytes(path.read_bytes(), path.name, Budget(pages=pages - 1))
    assert pages_built == []
    assert read_bytes(path.read_bytes(), path.name, Budget(pages=pages)).title


def test_characters_are_counted_page_by_page_in_a_pdf(pages_built: list[int]) -> None:
    path = RAW / "2024_huaian_shi.pdf"
    with pytest.raises(OverBudget, match="characters of text by page 1;") as info:
        read_bytes(path.read_bytes(), path.name, Budget(chars=100))
    assert "NIANBAO_BUDGET__CHARS" in str(info.value)


def test_a_one_line_text_of_19_mb_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(OverBudget, match="characters of text at least.*limit is 500,000"):
        read_bytes(one_line_txt(19 << 20), "one-line.txt")


def test_text_over_the_character_budget_is_refused_after_decoding() -> None:
    path = RAW / "2025_suqian_shuyangxian.txt"
    data = path.read_bytes()
    budget = Budget(chars=len(data) // 4 + 1)  # bytes / 4 is under it: the decoded text is counted
    assert len(data.decode("utf-8")) > budget.chars
    with pytest.raises(OverBudget, match="characters of text; the limit"):
        read_bytes(path.read_bytes(), path.name, budget)


@pytest.mark.parametrize("name", ["2023_zaozhuang_shizhongqu_zfb.docx", "2024_pingtan_zonghe_shiyanqu.html"])
def test_table_cells_over_the_budget_are_refused(name: str) -> None:
    """The seed's 表二–表四 hold 396 cells as read (the three standard tables, headers included)."""
    data = (RAW / name).read_bytes()
    with pytest.raises(OverBudget, match="table cells; the limit is 300 .NIANBAO_BUDGET__TABLE_CELLS"):
        read_bytes(data, name, Budget(table_cells=300))
    assert read_bytes(data, name, Budget(table_cells=2_000)).tables


def test_a_file_over_the_byte_budget_is_refused_unread() -> None:
    with pytest.raises(OverBudget, match="the file is 2,048 bytes; the limit is 1,024"):
        read_bytes(b"x" * 2048, "big.txt", Budget(file_bytes=1024))


def test_budgets_are_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_BUDGET__PAGES", "12")
    monkeypatch.setenv("NIANBAO_BUDGET__PARSE_SECONDS", "2.5")
    budget = Settings().budget
    assert (budget.pages, budget.parse_seconds) == (12, 2.5)
    assert budget.chars == Budget().chars  # the others keep their defaults
