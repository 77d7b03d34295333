"""Read a Word .docx report into a Document: paragraphs and table grids in document order.

Tables are rebuilt from the XML, not from python-docx's cell objects: ``w:gridSpan`` and
``w:vMerge`` say which grid positions a merged cell covers, and every covered position gets
the merged cell's text, so a row-group label such as （四）无法提供 stands beside each sub-row.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

import docx
from lxml import etree

from nianbao.ingest.errors import UnreadableFile
from nianbao.model import Block, Document, Paragraph, Table

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 5_000
# Word XML compresses about 5–30×; a zip bomb of zeros about 1000×. Small members are exempt:
# a tiny highly repetitive part is harmless, and the size limit above still applies.
MAX_COMPRESSION_RATIO = 200
_RATIO_EXEMPT_BYTES = 4 * 1024 * 1024
# Word allows 63 columns; the cap keeps a hostile gridSpan from allocating millions of cells.
_MAX_GRID_CELLS = 200_000
_MAX_SPAN = 1_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_VAL = f"{_W}val"
# Wrappers (content controls, custom XML, tracked insertions) whose children are ordinary blocks.
_CONTAINERS = frozenset(f"{_W}{t}" for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"))
# Subtrees whose text is not the paragraph's own: text boxes (read elsewhere, if ever), the
# fallback copy of alternate content, moved-away text, properties.
_SKIP_IN_PARAGRAPH = frozenset(
    {f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}moveFrom", f"{_W}del", f"{_W}pPr"}
)
_TEXT_OF = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}

# What zipfile raises on a corrupt, truncated or unsupported archive (zlib.error: bad deflate data).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
)
_MAIN_PART = re.compile(r"^word/document\d*\.xml$")
# No real Word part has a DTD; one that does is an attack (XXE, billion laughs) or a forgery.
_DTD_MARKERS = tuple(
    m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("ascii", "utf-16-le", "utf-16-be")
)


def read_docx(data: bytes, source: str, sha256: str) -> Document:
    """Read a .docx file's bytes into a Document (``format="docx"``, tables with ``page=None``).

    Raises UnreadableFile for anything that is not a safe, intact Word document: not a zip,
    truncated, no ``word/document.xml``, over the size limits, or carrying a DTD.
    """
    check_archive(data, source)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors on broken parts
        raise UnreadableFile(
            f"{source}: python-docx could not open it ({type(exc).__name__}: {exc}); "
            "open and re-save it in Word or WPS, or ingest its PDF version"
        ) from exc
    try:
        blocks = tuple(body_blocks(body))
    except UnreadableFile as exc:
        raise UnreadableFile(f"{source}: {exc}") from exc
    return Document(source=source, format="docx", title=title_of(blocks), blocks=blocks, sha256=sha256)


# --- the archive ---------------------------------------------------------------------------


def check_archive(data: bytes, source: str) -> None:
    """Refuse a .docx that is not an intact zip holding a Word document of sane size, without a DTD."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_sizes(members, source)
            if not any(_MAIN_PART.match(m.filename) for m in members):
                raise UnreadableFile(
                    f"{source}: the zip holds no word/document.xml, so it is not a Word document; "
                    "check that the right file was uploaded"
                )
            _check_no_dtd(archive, members, source)
    except UnreadableFile:
        raise
    except _ZIP_ERRORS as exc:
        raise UnreadableFile(
            f"{source}: not a readable .docx: the zip is corrupt or truncated ({exc}); "
            "download the file again or re-save it in Word"
        ) from exc


def _check_sizes(members: list[zipfile.ZipInfo], source: str) -> None:
    # The sizes declared in the zip directory are a real bound: Python's zipfile stops
    # decompressing a member at its declared size (and then fails its CRC check), so what
    # python-docx can ever inflate is what we check here, before a byte is decompressed.
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(f"{source}: the .docx zip has {len(members):,} members (limit {MAX_MEMBERS:,})")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"{source}: the .docx would expand to {total:,} bytes, over the "
            f"{MAX_UNCOMPRESSED_BYTES:,}-byte limit (a zip bomb or a file with huge media); refused"
        )
    for m in members:
        # Only for stored and deflated members does zipfile bound each decompression step
        # (bzip2/lzma inflate a whole read at once); Word writes nothing else.
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(
                f"{source}: member {m.filename!r} uses zip compression method {m.compress_type}, "
                "which Word never writes; re-save the file in Word or WPS"
            )
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > _RATIO_EXEMPT_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(
                f"{source}: member {m.filename!r} expands {ratio:,.0f}× ({m.compress_size:,} → "
                f"{m.file_size:,} bytes), over the {MAX_COMPRESSION_RATIO}× limit; looks like a zip bomb"
            )


def _check_no_dtd(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], source: str) -> None:
    """Stream each part python-docx may parse and refuse a DOCTYPE/ENTITY declaration.

    python-docx parses with ``resolve_entities=False`` and lxml never fetches over the network
    by default, so entities would not be expanded anyway; refusing is a second lock that also
    gives a clear message. Streaming also verifies every CRC, so truncation shows up here.
    """
    for member in members:
        # Every part but media: the rels may point python-docx at an XML part of any name, while
        # images (an SVG may carry a DOCTYPE) and embedded objects are never parsed by it.
        if member.filename.endswith("/") or "/media/" in member.filename or "/embeddings/" in member.filename:
            continue
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    raise UnreadableFile(
                        f"{source}: {member.filename} declares a DTD or entity (<!DOCTYPE/<!ENTITY), "
                        "which no Word document needs; refused as unsafe"
                    )
                tail = window[-32:]


# --- the body ------------------------------------------------------------------------------


def body_blocks(parent: etree._Element) -> Iterator[Block]:
    """Paragraphs and tables under ``parent`` (the body, or a wrapper), in document order."""
    for child in parent.iterchildren():
        if child.tag == _P:
            text = paragraph_text(child).strip()
            if text:
                yield Paragraph(text)
        elif child.tag == _TBL:
            rows = table_grid(child)
            if rows:
                yield Table(rows=rows, page=None)
        elif child.tag in _CONTAINERS:
            yield from body_blocks(child)


def paragraph_text(p: etree._Element) -> str:
    """The visible text of one ``w:p``: runs, hyperlinks and tracked insertions; tabs and breaks kept."""
    parts: list[str] = []
    stack = [p]
    while stack:
        node = stack.pop()
        if node.tag in _TEXT_OF:
            parts.append(_TEXT_OF[node.tag] or node.text or "")
        elif node.tag not in _SKIP_IN_PARAGRAPH:
            # Only elements: lxml entity references and comments are skipped, never expanded.
            stack.extend(reversed([c for c in node if isinstance(c.tag, str)]))
    return "".join(parts)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and other wrappers."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)


# --- tables --------------------------------------------------------------------------------


def table_grid(tbl: etree._Element) -> tuple[tuple[str, ...], ...]:
    """A rectangular grid of cell texts; merged cells fill every grid position they cover."""
    rows: list[list[str]] = []
    size = 0
    for tr in _children(tbl, _TR):
        row = _grid_row(tr, rows[-1] if rows else [])
        size += len(row)
        if size > _MAX_GRID_CELLS:
            raise UnreadableFile(f"a table expands to over {_MAX_GRID_CELLS:,} cells; the file is malformed")
        rows.append(row)
    declared = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
    width = max([declared, *(len(r) for r in rows)]) if rows else 0
    if width * len(rows) > _MAX_GRID_CELLS:  # one wide row among many empty ones: padding would explode
        raise UnreadableFile(
            f"a table of {len(rows):,} rows and {width:,} columns is over {_MAX_GRID_CELLS:,} cells; "
            "the file is malformed"
        )
    return tuple(tuple(r + [""] * (width - len(r))) for r in rows)


def _grid_row(tr: etree._Element, above: list[str]) -> list[str]:
    """One row's grid positions, continuing vertical merges from the row ``above``."""
    cells = [""] * _row_property(tr, "gridBefore")
    for tc in _children(tr, _TC):
        span = min(max(_cell_property_int(tc, "gridSpan", 1), 1), _MAX_SPAN)
        col = len(cells)
        if _continues(tc, "vMerge"):
            text = above[col] if col < len(above) else ""
        elif _continues(tc, "hMerge"):  # legacy horizontal merge: continues the cell to the left
            text = cells[-1] if cells else ""
        else:
            text = cell_text(tc)
        cells.extend([text] * span)
    return cells + [""] * _row_property(tr, "gridAfter")


def _continues(tc: etree._Element, merge: str) -> bool:
    """True for a cell that continues a merge: the element without ``val`` or ``val="continue"``."""
    element = tc.find(f"{_W}tcPr/{_W}{merge}")
    return element is not None and element.get(_VAL, "continue") != "restart"


def _cell_property_int(tc: etree._Element, name: str, default: int) -> int:
    element = tc.find(f"{_W}tcPr/{_W}{name}")
    return _to_int(element.get(_VAL) if element is not None else None, default)


def _row_property(tr: etree._Element, name: str) -> int:
    element = tr.find(f"{_W}trPr/{_W}{name}")
    return min(_to_int(element.get(_VAL) if element is not None else None, 0), _MAX_SPAN)


def _to_int(value: str | None, default: int) -> int:
    # ASCII digits only, and few: "²".isdigit() is True but int("²") fails, and int() refuses
    # a string of over 4,300 digits. Any count that long is garbled; callers cap spans anyway.
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else default


def cell_text(tc: etree._Element) -> str:
    """A cell's paragraphs, stripped and joined by ``\\n``; a nested table becomes lines of text."""
    lines: list[str] = []
    for block in body_blocks(tc):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(" ".join(dict.fromkeys(c for c in row if c)) for row in block.rows)
    return "\n".join(line for line in lines if line)


# --- title ---------------------------------------------------------------------------------

_TITLE_WINDOW = 8
_TITLE_MAX_CHARS = 60
# A line that can start a title split over two paragraphs: a body's name, maybe with the year.
_NAME_LINE = re.compile(r"[\u4e00-\u9fff（）()0-9０-９]{2,30}")


def title_of(blocks: tuple[Block, ...]) -> str:
    """The report's title: the first short paragraph naming 年度报告/年报, joined with the line
    before it when that line is the body's name (``市中区人民政府办公室`` + ``2023年…年度报告``);
    otherwise the first paragraph."""
    lines = [b.text for b in blocks if isinstance(b, Paragraph)]
    for i, line in enumerate(lines[:_TITLE_WINDOW]):
        if ("年度报告" in line or "年报" in line) and len(line) <= _TITLE_MAX_CHARS:
            before = lines[i - 1] if i > 0 else ""
            if _NAME_LINE.fullmatch(before) and not before.endswith("号") and not before.startswith("附件"):
                return before + line
            return line
    return lines[0] if lines else ""
