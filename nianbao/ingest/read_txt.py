"""Read a plain-text report into a Document: decode, find the title, and turn each table region
into a Table in whichever layout the text uses.

Layouts, detected per region (see ``txt_tables`` and ``txt_flat``):

- one cell a line, TAB-led, as a generic converter extracts a .docx (the seed report);
- markdown tables from PDF/OCR conversion (``| a | b |`` rows, partly garbled);
- flat web text, one long line with each table row's numbers glued into a digit string
  (``Table(flat=True)``; ``ingest.flat_split`` recovers the cells);
- anything else (old-format reports, narrative) is read as paragraphs, one per line.

The bytes are decoded and normalised first (``ingest.normalise``: encoding, line ends, spaces,
full-width digits). A crawler header (``标题: …`` lines above ``==== 正文 ====``) gives the title,
the publication date and the page's address, and is not text of the report.
``[bookmark: …]`` and ``[image: …]`` residue is removed before anything else, so the bookmark
digits never become numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.ingest import normalise
from nianbao.ingest.budget import Budget, check_chars
from nianbao.ingest.errors import UnreadableFile
from nianbao.ingest.txt_flat import has_flat_tables, read_flat
from nianbao.ingest.txt_rows import read_section, section_end
from nianbao.ingest.txt_tables import (
    cell_region_end,
    is_cell_line,
    is_markdown_row,
    read_cell_region,
    read_markdown,
    table_topic,
)
from nianbao.model import Block, Document, Paragraph

#: A line this long is a whole web page run together: it is cut at its headings.
WHOLE_PAGE_LINE = 1000

_RESIDUE = re.compile(r"\[(?:bookmark|image):[^\]\n]*\]")
_PAGE_FOOTER = re.compile(r"^\s*[—–－-]+\s*\d{1,4}\s*[—–－-]+\s*$")


def read_txt(data: bytes, source: str, sha256: str, budget: Budget | None = None) -> Document:
    """The Document of a plain-text report. Raises UnreadableFile for empty or binary input,
    OverBudget for more characters than the budget (counted before any line is read).

    >>> doc = read_txt("某某局2023年度政府信息公开工作年度报告\\n一、总体情况".encode(), "a.txt", "0")
    >>> doc.title, [p.text for p in doc.paragraphs][1]
    ('某某局2023年度政府信息公开工作年度报告', '一、总体情况')
    """
    budget = budget or Budget()
    # every encoding read here takes at most 4 bytes a character: past that, no need to decode
    check_chars(budget, source, len(data) // 4, " at least (4 bytes a character at most)")
    text = decode(data, source)
    check_chars(budget, source, len(text))
    cleaned = (_strip_residue(line) for line in text.split("\n"))
    header, lines = normalise.split_crawler_header([line for line in cleaned if line is not None])
    blocks = read_blocks(lines)
    if not blocks:
        raise UnreadableFile(f"{source}: no text in the file after decoding; nothing to ingest")
    title = header.title or find_title(lines) or _first_text(blocks)
    return Document(
        source=source,
        format="txt",
        title=title,
        blocks=tuple(blocks),
        sha256=sha256,
        published=header.published,
        source_url=header.source_url,
    )


def decode(data: bytes, source: str) -> str:
    """The normalised text of the file (see ``ingest.normalise``); binary is refused."""
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty; nothing to ingest")
    try:
        return normalise.normalise(normalise.decode(data))
    except normalise.NotText as exc:
        raise UnreadableFile(
            f"{source}: {exc}; convert the file to UTF-8 text or ingest the original document"
        ) from exc


def _strip_residue(line: str) -> str | None:
    """Remove converter residue and page footers (``— 4 —``); a line that held nothing else
    disappears (None)."""
    if _PAGE_FOOTER.match(line):
        return None
    cleaned = _RESIDUE.sub("", line)
    if cleaned != line and not cleaned.strip():
        return None
    return cleaned


# --- blocks ----------------------------------------------------------------------------------


def read_blocks(lines: Sequence[str]) -> list[Block]:
    """Paragraphs and Tables in document order, each region read in its own layout.

    A table section in a delimited or one-cell-a-line layout is read by ``txt_rows``; the rest
    (TAB-led cells, markdown, flat web text, narrative) here."""
    blocks: list[Block] = []
    start = 0
    for heading, end, section in _table_sections(lines):
        blocks += _read_plain(lines[start:heading])
        blocks += [Paragraph(lines[heading].strip()), *section]
        start = end
    return blocks + _read_plain(lines[start:])


def _table_sections(lines: Sequence[str]) -> list[tuple[int, int, list[Block]]]:
    """(heading index, end index, blocks) of each table section that ``txt_rows`` reads."""
    found = []
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        if text and len(text) <= 40 and table_topic(text):
            end = section_end(lines, i + 1)
            section = read_section(lines[i + 1 : end])
            if section is not None:
                found.append((i, end, section))
                i = end
                continue
        i += 1
    return found


def _read_plain(lines: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if is_cell_line(lines[i]):
            end = cell_region_end(lines, i)
            blocks.append(read_cell_region(lines[i:end]))
        else:
            end = i
            while end < len(lines) and not is_cell_line(lines[end]):
                end += 1
            blocks.extend(_read_text_run(lines[i:end]))
        i = end
    return blocks


def _read_text_run(lines: Sequence[str]) -> list[Block]:
    if any(is_markdown_row(line.strip()) for line in lines):
        return read_markdown(lines)
    blocks: list[Block] = []
    for line in lines:
        text = line.strip()
        if has_flat_tables(text) or len(text) >= WHOLE_PAGE_LINE:
            blocks.extend(read_flat(text))
        elif text:
            blocks.append(Paragraph(text))
    return blocks


# --- title -----------------------------------------------------------------------------------

_TITLE_NOISE = frozenset({"正文"})


def find_title(lines: Sequence[str]) -> str | None:
    """The first short line naming a 年度报告, joined with the title lines just above it.

    ``市中区人民政府办公室`` + ``2023年度政府信息公开工作年度报告`` → one title.
    """
    for i, line in enumerate(lines[:40]):
        text = _title_text(line)
        if text and ("年度报告" in text or "年报" in text):
            parts = [text]
            j = i - 1
            while j >= 0 and len(parts) < 3 and _title_text(lines[j]):
                parts.insert(0, _title_text(lines[j]) or "")
                j -= 1
            return "".join(parts)
    return None


def _title_text(line: str) -> str | None:
    """The line as a title part, or None when it cannot be one (long, a sentence, noise)."""
    text = re.sub(r"^#+\s*", "", line.strip())
    if not text or text in _TITLE_NOISE or len(text) > 60 or re.search(r"[。；|]", text):
        return None
    return text


def _first_text(blocks: Sequence[Block]) -> str:
    first = next((b for b in blocks if isinstance(b, Paragraph)), None)
    return first.text[:80] if first else ""
