"""PDF → Document: ruled tables as grids, the text around them as paragraphs, in page order.

Uses pdfplumber (MIT) over pdfminer.six; nothing here touches the network. Tables are found by
their visible ruling lines; the narrative is built from the characters *outside* the table boxes,
so a table's numbers never leak into the text. A table that runs over a page break (table 3 of
most reports) comes back as one :class:`Table` whose ``row_pages`` say where each row was printed.

    >>> doc = read_pdf(Path("2024_huaian_shi.pdf").read_bytes(), "2024_huaian_shi.pdf", sha)
    >>> doc.title
    '淮安市人民政府2024年政府信息公开工作年度报告'
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from nianbao.ingest.budget import Budget, check_chars
from nianbao.ingest.errors import NoTextLayer, OverBudget, UnreadableFile
from nianbao.ingest.pdf_streams import check_streams
from nianbao.model import Block, Document, Paragraph, Table

MIN_TEXT_CHARS = 20

# Ruled tables only: the reports draw their grids, and text-based detection would turn justified
# narrative into "tables". Finding tables costs little next to pdfminer's page parsing.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,2}[.．、](?!\d)"
    r"|第[一二三四五六七八九十]+[章节部分])"
)
_SENTENCE_END = re.compile(r"[。：；！？][”’」』）)]*$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)
_NUMBERISH = re.compile(r"[\d\s.,，%％\-—－/]*")
_TITLE_MARK = "年度报告"

Char = dict[str, Any]
Box = tuple[float, float, float, float]
Span = tuple[int, int, int, int]  # row0, row1, col0, col1; ends exclusive


@dataclass
class _Line:
    """One printed line of narrative text, with where it sat."""

    text: str
    page: int
    top: float
    x0: float
    x1: float
    size: float


@dataclass
class _Grid:
    """A table (fragment): ``region[r][c]`` names the cell covering r, c; ``spans`` its extent."""

    rows: list[list[str]]
    region: list[list[object]]
    spans: dict[object, Span]
    page: int
    top: float
    row_pages: list[int] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


_Item = _Line | _Grid


@dataclass(frozen=True)
class _Margins:
    left: float
    right: float


def read_pdf(data: bytes, source: str, sha256: str, budget: Budget | None = None) -> Document:
    """Read a PDF's bytes. Raises UnreadableFile (corrupt, encrypted), OverBudget (a stream that
    inflates past the budget, too many pages or characters) or NoTextLayer.

    The budget is counted before each costly step: every compressed stream is inflated with a
    bound first (``pdf_streams``), the pages are counted from the page tree before any is built,
    and characters after each page."""
    budget = budget or Budget()
    check_streams(data, source, budget)
    pdf = _open(data, source)
    count = _page_count(pdf, source, budget)  # raises before a page is built
    try:
        pages = _read_pages(pdf, source, budget)
    finally:
        pdf.close()
    _require_text(pages, source, count)
    margins = _margins([i for items in pages for i in items if isinstance(i, _Line)])
    return Document(
        source=source,
        format="pdf",
        title=_title(pages[0] if pages else [], margins) or source,
        blocks=tuple(_assemble(pages, margins)),
        sha256=sha256,
    )


# --- opening and guarding ----------------------------------------------------------------------


def _open(data: bytes, source: str) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _unreadable(exc, source) from exc


def _unreadable(exc: BaseException, source: str) -> UnreadableFile:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return UnreadableFile(
            f"{source}: the PDF is password-protected or encrypted ({type(cause).__name__}); "
            "ask the publisher for an unprotected copy or remove the password, then ingest it again"
        )
    return UnreadableFile(
        f"{source}: corrupt or truncated PDF ({type(cause).__name__}: {cause}); "
        "download the file again and check that it opens in a PDF viewer"
    )


def _page_count(pdf: Any, source: str, budget: Budget) -> int:
    """The pages, without building one: the page tree's ``/Count``, then the tree walked no
    further than the budget (a tree that understates its count is caught there)."""
    try:
        declared = _declared_pages(pdf.doc)
        if declared > budget.pages:
            raise OverBudget(source, f"its page tree declares {declared:,} pages", "pages", budget.pages)
        counted = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), budget.pages + 1))
    except (PdfminerException, PSException) as exc:
        raise _unreadable(exc, source) from exc
    if counted > budget.pages:
        raise OverBudget(source, f"it has more than {budget.pages:,} pages", "pages", budget.pages)
    return counted


def _declared_pages(doc: Any) -> int:
    """``/Count`` of the page tree's root; 0 when it is missing or not a number."""
    tree = resolve1(doc.catalog.get("Pages"))
    count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    return count if isinstance(count, int) else 0


def _read_pages(pdf: Any, source: str, budget: Budget) -> list[list[_Item]]:
    pages, chars = [], 0
    for page in pdf.pages:
        items = _read_page(page, source)
        page.close()  # the page's parsed objects are not needed once its items are read
        chars += _chars(items)
        check_chars(budget, source, chars, f" by page {page.page_number}")
        pages.append(items)
    return pages


def _chars(items: list[_Item]) -> int:
    return sum(len(i.text) if isinstance(i, _Line) else sum(len(t) for r in i.rows for t in r) for i in items)


def _require_text(pages: list[list[_Item]], source: str, count: int) -> None:
    chars = sum(_chars(items) for items in pages)
    if chars < MIN_TEXT_CHARS:
        raise NoTextLayer(
            f"{source}: no text layer ({chars} characters on {count} page(s)); the PDF looks "
            "scanned, its pages are images, and OCR is not done; ingest a text version "
            "(the Word, HTML or text PDF original) instead"
        )


# --- one page ----------------------------------------------------------------------------------


def _read_page(page: Any, source: str) -> list[_Item]:
    """The page's tables and the lines of text outside them, ordered top to bottom."""
    try:  # pdfminer parses the page here, on first access
        chars = page.chars
        ruled = page.filter(_is_ruling)
        edges = ruled.edges
    except Exception as exc:  # a broken content stream raises many types
        raise _unreadable(exc, source) from exc
    tables = ruled.find_tables({**TABLE_SETTINGS, "explicit_horizontal_lines": _closing_rules(edges)})
    grids: list[_Grid] = []
    boxes: list[Box] = []
    for table in tables:
        grid = _grid(table.cells, table.bbox, chars, page.page_number)
        if grid is not None:  # a one-column box (a frame around text) stays narrative
            grids.append(grid)
            boxes.append(table.bbox)
    outside = [c for c in chars if c.get("upright", True) and not _inside_any(c, boxes)]
    items: list[_Item] = [*grids, *_text_lines(outside, page.page_number)]
    items.sort(key=lambda i: i.top)
    return [i for i in items if not (isinstance(i, _Line) and _PAGE_NUMBER.match(i.text))]


def _is_ruling(obj: Char) -> bool:
    """Keep what draws a visible rule; drop area fills and white strokes.

    Word prints paragraph backgrounds as white filled boxes (the 洪泽 reports put one under every
    narrative line); taken as edges they turn the narrative into table rows.
    """
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    if obj.get("stroke"):
        return not _is_white(obj.get("stroking_color"))
    thin = min(obj.get("width", 0), obj.get("height", 0)) <= 2
    return thin and not _is_white(obj.get("non_stroking_color"))


def _is_white(color: Any) -> bool:
    if not isinstance(color, (tuple, list)) or not color:
        return False
    if not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 4:  # CMYK
        return all(v <= 0.05 for v in color)
    return all(v >= 0.95 for v in color)


def _closing_rules(edges: list[Char]) -> list[Char]:
    """Where a table breaks across pages Word draws no rule under its last row (or over the
    first row after the break): the column rules just stop. Close each such open end, so those
    rows are still cells."""
    vertical = [e for e in edges if e["orientation"] == "v" and e["height"] >= 3]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    ends = sorted(
        (y, e["x0"], _covered(horizontal, e["x0"], y)) for e in vertical for y in (e["top"], e["bottom"])
    )
    groups: list[list[tuple[float, float, bool]]] = []
    for end in ends:
        if groups and end[0] - groups[-1][0][0] <= 3:
            groups[-1].append(end)
        else:
            groups.append([end])
    rules = []
    for group in groups:
        if len(group) >= 2 and not all(covered for _, _, covered in group):
            x0, x1, y = min(g[1] for g in group), max(g[1] for g in group), group[0][0]
            rules.append({"object_type": "rule_edge", "orientation": "h", "x0": x0, "x1": x1,
                          "top": y, "bottom": y, "width": x1 - x0, "height": 0.0})  # fmt: skip
    return rules


def _covered(horizontal: list[Char], x: float, y: float, tol: float = 3) -> bool:
    return any(abs(h["top"] - y) <= tol and h["x0"] - tol <= x <= h["x1"] + tol for h in horizontal)


def _inside_any(char: Char, boxes: Sequence[Box]) -> bool:
    cx, cy = (char["x0"] + char["x1"]) / 2, _mid_y(char)
    return any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)


# --- characters to lines -----------------------------------------------------------------------


def _text_lines(chars: list[Char], page_no: int) -> list[_Line]:
    lines = []
    for row in _char_rows(chars):
        text, first = _row_text(row)
        if text:
            size = max(c["size"] for c in row)
            lines.append(_Line(text, page_no, min(c["top"] for c in row), first, row[-1]["x1"], size))
    return lines


def _char_rows(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into printed lines (by vertical centre), each sorted left to right."""
    rows: list[list[Char]] = []
    anchor = 0.0
    for ch in sorted(chars, key=_mid_y):
        if rows and _mid_y(ch) - anchor <= 0.4 * max(ch["size"], 1):
            rows[-1].append(ch)
        else:
            rows.append([ch])
            anchor = _mid_y(ch)
    return [sorted(r, key=lambda c: c["x0"]) for r in rows]


def _mid_y(ch: Char) -> float:
    return float(ch["top"] + ch["bottom"]) / 2


def _row_text(row: list[Char]) -> tuple[str, float]:
    """The characters as they stand, and where the first one starts. A space is added only
    across a gap wider than a full character (an unruled column), never for the narrow gap Word
    leaves between digits and Chinese or spreads over a justified line."""
    parts: list[str] = []
    prev: Char | None = None
    first_x = row[0]["x0"]
    for ch in row:
        if not parts and ch["text"].isspace():
            continue
        if prev is not None:
            if ch["text"] == prev["text"] and abs(ch["x0"] - prev["x0"]) < 1:
                continue  # overprinted duplicate (fake bold)
            gap = ch["x0"] - prev["x1"] > max(ch["size"], 1)
            if gap and not parts[-1].isspace() and not ch["text"].isspace():
                parts.append(" ")
        else:
            first_x = ch["x0"]
        parts.append(ch["text"])
        prev = ch
    return "".join(parts).rstrip(), first_x


# --- table grids -------------------------------------------------------------------------------


def _grid(cells: list[Box], bbox: Box, chars: list[Char], page_no: int) -> _Grid | None:
    """Expand pdfplumber's cell boxes to a full grid: a merged cell's text fills every position
    it covers; a position no cell covers (a missing rule) gets the text printed there, or ""."""
    xs = _snap(sorted({c[0] for c in cells} | {c[2] for c in cells}))
    ys = _snap(sorted({c[1] for c in cells} | {c[3] for c in cells}))
    if len(xs) < 3 or len(ys) < 2:
        return None
    region: list[list[object]] = [[("free", r, c) for c in range(len(xs) - 1)] for r in range(len(ys) - 1)]
    spans: dict[object, Span] = {}
    for k, (x0, top, x1, bottom) in enumerate(cells):
        spans[k] = r0, r1, c0, c1 = _near(ys, top), _near(ys, bottom), _near(xs, x0), _near(xs, x1)
        for r in range(r0, r1):
            for c in range(c0, c1):
                region[r][c] = k
    for r, keys in enumerate(region):
        for c, key in enumerate(keys):
            spans.setdefault(key, (r, r + 1, c, c + 1))
    texts = _region_texts(region, xs, ys, bbox, chars)
    rows = [[texts.get(key, "") for key in keys] for keys in region]
    # Rows no cell covers and nothing is printed in are artefacts of stray rules.
    keep = [r for r, keys in enumerate(region) if any(isinstance(k, int) for k in keys) or any(rows[r])]
    grid = _Grid([rows[r] for r in keep], [region[r] for r in keep], {}, page_no, float(bbox[1]))
    grid.spans = _reindex(spans, keep)
    grid.row_pages = [page_no] * len(keep)
    return grid


def _snap(values: list[float], tolerance: float = 1.0) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _near(coords: list[float], value: float) -> int:
    return min(range(len(coords)), key=lambda i: abs(coords[i] - value))


def _region_texts(
    region: list[list[object]], xs: list[float], ys: list[float], bbox: Box, chars: list[Char]
) -> dict[object, str]:
    by_region: dict[object, list[Char]] = {}
    x0, top, x1, bottom = bbox
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, _mid_y(ch)
        r, c = bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1
        if x0 <= cx <= x1 and top <= cy <= bottom and 0 <= r < len(region) and 0 <= c < len(region[0]):
            by_region.setdefault(region[r][c], []).append(ch)
    return {
        key: "\n".join(_row_text(row)[0] for row in _char_rows(cs)).strip() for key, cs in by_region.items()
    }


def _reindex(spans: dict[object, Span], keep: list[int]) -> dict[object, Span]:
    new_index = {old: new for new, old in enumerate(keep)}
    out = {}
    for key, (r0, r1, c0, c1) in spans.items():
        kept = [new_index[r] for r in range(r0, r1) if r in new_index]
        if kept:
            out[key] = (kept[0], kept[-1] + 1, c0, c1)
    return out


# --- tables over a page break ------------------------------------------------------------------


def _continue_table(prev: _Grid, nxt: _Grid) -> None:
    """Append ``nxt``, the next page's fragment, to ``prev``."""
    _join_split_labels(prev, nxt)
    offset = len(prev.rows)
    prev.rows.extend(nxt.rows)
    prev.region.extend([[("next", offset, k) for k in keys] for keys in nxt.region])
    prev.row_pages.extend(nxt.row_pages)
    for key, (r0, r1, c0, c1) in nxt.spans.items():
        prev.spans[("next", offset, key)] = (r0 + offset, r1 + offset, c0, c1)


def _join_split_labels(prev: _Grid, nxt: _Grid) -> None:
    """A row-group label (a cell merged down several rows) that the page break cut in two goes on
    at the top of the next page, blank or with the rest of its text (（四）无 | 法提供). The
    whole label then stands in every row it spans on both pages. A cell that starts a new group
    (（五）…, 2.…) or holds a number is never joined."""
    last = len(prev.rows) - 1
    for c in range(prev.width):
        (a0, a1, ac0, ac1), (b0, b1, bc0, bc1) = prev.spans[prev.region[last][c]], nxt.spans[nxt.region[0][c]]
        if c != ac0 or (ac0, ac1) != (bc0, bc1) or (a1 - a0 == 1 and b1 - b0 == 1):
            continue
        head, tail = prev.rows[last][c], nxt.rows[0][c]
        numbers = _NUMBERISH.fullmatch(head) or (tail and _NUMBERISH.fullmatch(tail))
        if not head or numbers or _HEADING.match(tail):
            continue
        joined = f"{head}\n{tail}" if tail else head
        for grid, (r0, r1) in ((prev, (a0, a1)), (nxt, (b0, b1))):
            for r in range(r0, r1):
                grid.rows[r][ac0:ac1] = [joined] * (ac1 - ac0)


# --- assembling blocks -------------------------------------------------------------------------


def _assemble(pages: list[list[_Item]], m: _Margins) -> list[Block]:
    """Lines to paragraphs, fragments to tables, in reading order across the pages."""
    blocks: list[Paragraph | _Grid] = []
    current: list[_Line] = []
    last_grid: _Grid | None = None
    heading_since_grid = False

    def flush() -> None:
        nonlocal heading_since_grid
        if current:
            text = "".join(line.text for line in current)
            heading_since_grid = heading_since_grid or bool(_HEADING.match(text))
            blocks.append(Paragraph(text=text, page=current[0].page))
            current.clear()

    for page_items in pages:
        for index, item in enumerate(page_items):
            if isinstance(item, _Line):
                if current and _starts_paragraph(current[-1], item, m):
                    flush()
                current.append(item)
                continue
            flush()
            if last_grid is not None and _continues(last_grid, item, index, heading_since_grid):
                _continue_table(last_grid, item)
            else:
                blocks.append(item)
                last_grid, heading_since_grid = item, False
    flush()
    return [_to_table(b) if isinstance(b, _Grid) else b for b in blocks]


def _continues(prev: _Grid, grid: _Grid, index_on_page: int, heading_between: bool) -> bool:
    """The next page opens with a table as wide as the last one, and no heading came between."""
    return (
        index_on_page == 0
        and grid.page == prev.row_pages[-1] + 1
        and grid.width == prev.width
        and not heading_between
    )


def _to_table(grid: _Grid) -> Table:
    return Table(rows=tuple(tuple(row) for row in grid.rows), page=grid.page, row_pages=tuple(grid.row_pages))


def _margins(lines: list[_Line]) -> _Margins:
    """The body text's left and right edges: where most lines start and end."""
    if not lines:
        return _Margins(0.0, 0.0)
    left_bucket = Counter(int(line.x0 // 3) for line in lines).most_common(1)[0][0]
    right_bucket = Counter(int(line.x1 // 3) for line in lines).most_common(1)[0][0]
    left = min(line.x0 for line in lines if int(line.x0 // 3) == left_bucket)
    right = max(line.x1 for line in lines if int(line.x1 // 3) == right_bucket)
    return _Margins(left, right)


def _indented(line: _Line, m: _Margins) -> bool:
    return line.x0 - m.left > 0.8 * line.size


def _short(line: _Line, m: _Margins) -> bool:
    return m.right - line.x1 > 1.5 * line.size


def _starts_paragraph(prev: _Line, line: _Line, m: _Margins) -> bool:
    """Chinese wraps anywhere, so a line goes on with the last one unless something says not:
    a heading marker, or an ended sentence followed by an indent, or a short line then an indent."""
    if _HEADING.match(line.text):
        return True
    if _SENTENCE_END.search(prev.text) and (_indented(line, m) or _short(prev, m)):
        return True
    return _indented(line, m) and _short(prev, m)


# --- title -------------------------------------------------------------------------------------


def _title(first_page: list[_Item], m: _Margins) -> str:
    """The line(s) on page 1 naming the 年度报告, a title wrapped over lines joined; else line 1."""
    lines: list[_Line] = []
    for item in first_page:
        if isinstance(item, _Grid):
            break
        lines.append(item)
    head = lines[:8]
    for j, line in enumerate(head):
        alone = _TITLE_MARK in line.text.replace(" ", "")
        with_prev = j > 0 and _TITLE_MARK in (head[j - 1].text + line.text).replace(" ", "")
        if not (alone or with_prev):
            continue
        start = j if alone else j - 1
        while start > 0 and j - start < 2 and _title_like(head[start - 1], m):
            start -= 1
        return "".join(x.text for x in head[start : j + 1]).strip()
    return lines[0].text.strip() if lines else ""


def _title_like(line: _Line, m: _Margins) -> bool:
    """A centred heading line: indented, short, and not the end of a sentence."""
    return _indented(line, m) and _short(line, m) and not _SENTENCE_END.search(line.text)
