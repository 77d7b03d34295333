"""Read an HTML report page into a Document: narrative paragraphs and table grids in order.

The page is only parsed, never rendered: no script runs, no link is followed, no image or
stylesheet is loaded. Word-pasted markup (``<font>``, ``<o:p>``, spans split mid-word,
``&nbsp;`` padding) is reduced to the text a reader sees.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from nianbao.ingest import normalise
from nianbao.ingest.errors import UnreadableFile
from nianbao.model import Block, Document, Paragraph, Table

# Content that is not text a reader sees. <head> is skipped too; the title is read on its own.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select"})
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote section article header footer main "
    "nav aside pre address figure figcaption form fieldset center caption hr body html".split()
)
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)

# HTML allows colspan up to 1000 and rowspan up to 65534; a real report table has ~20 columns
# and ~30 rows. The cap keeps a hostile span from expanding into millions of grid positions.
_MAX_GRID_CELLS = 200_000

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# A space between two CJK characters is an artefact of line-wrapped source (a label split over
# <p>s or spans): Chinese text has no spaces, so the reader sees none. Digits keep theirs.
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3001-\u303f\u2018-\u201d]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) (?={_CJK})")


def read_html(data: bytes, source: str, sha256: str) -> Document:
    """Read an HTML page (or a fragment of one) into a Document.

    Raises only UnreadableFile, for input no parser can make sense of.

    >>> doc = read_html("<p>报告</p><table><tr><td rowspan=2>a</td><td>1</td></tr>"
    ...                 "<tr><td>2</td></tr></table>".encode(), "x.html", "0")
    >>> doc.tables[0].rows
    (('a', '1'), ('a', '2'))
    """
    text = decode(data)
    try:
        with warnings.catch_warnings():  # XHTML pages open with <?xml …?>; lxml's HTML parser reads them
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(text, "lxml")
        blocks = tuple(_Walker().walk(soup))
        title = _title(soup, blocks)
        published, url = _page_meta(soup)
    except UnreadableFile as exc:
        raise UnreadableFile(f"{source}: {exc}") from exc
    except Exception as exc:  # the parser and tree are third-party; any failure means bad input
        raise UnreadableFile(
            f"{source}: the HTML could not be parsed ({type(exc).__name__}: {exc}); "
            "save the page again from a browser or ingest the report's PDF/Word version"
        ) from exc
    return Document(
        source=source,
        format="html",
        title=title,
        blocks=blocks,
        sha256=sha256,
        published=published,
        source_url=url,
    )


def decode(data: bytes) -> str:
    """The page's text: a BOM, then ``<meta charset>``, then UTF-8, then what ``normalise.decode``
    finds (UTF-16 without a BOM, GB18030, …), then GB18030 with replacement characters."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    for encoding in _candidate_encodings(data):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return normalise.decode(data)
    except normalise.NotText:
        # GB18030 maps almost every byte sequence; what it cannot map becomes U+FFFD, not an error.
        return data.decode("gb18030", errors="replace")


def _candidate_encodings(data: bytes) -> list[str]:
    found = _META_CHARSET.search(data[:8192])
    declared = found.group(1).decode("ascii", "replace").lower() if found else None
    # Pages declaring gb2312/gbk routinely use characters only their superset GB18030 has.
    if declared in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936"):
        declared = "gb18030"
    return [e for e in (declared, "utf-8") if e]


def clean(text: str) -> str:
    """Collapse whitespace (incl. ``&nbsp;``, U+3000) to one space, drop spaces inside CJK text.

    >>> clean("\\u3000社会 \\n 公益\\xa0\\xa0组织 12 ")
    '社会公益组织 12'
    """
    return _CJK_GAP.sub("", _SPACE_RUN.sub(" ", normalise.characters(text)).strip())


_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date")
_URL_META = ("og:url", "url", "articleurl")


def _page_meta(soup: BeautifulSoup) -> tuple[str | None, str | None]:
    """The publication date and address a page states in its ``<meta>`` tags (government
    sites use ``PubDate``; others ``article:published_time``, ``og:url``, a canonical link).
    Only ``<head>`` is searched: that is where they stand, and a page body is large."""
    published = url = None
    head = soup.head
    if head is None:
        return None, None
    for tag in head.find_all(("meta", "link")):
        if tag.name == "link":
            rel = tag.get("rel")
            canonical = "canonical" in (rel if isinstance(rel, list) else str(rel or "").split())
            href = str(tag.get("href") or "")
            if url is None and canonical and href.startswith(("http://", "https://")):
                url = href
            continue
        name = str(tag.get("name") or tag.get("property") or "").lower()
        content = str(tag.get("content") or "")
        if published is None and name in _DATE_META:
            published = normalise.published_date(content)
        if url is None and name in _URL_META and content.startswith(("http://", "https://")):
            url = content
    return published, url


def _title(soup: BeautifulSoup, blocks: tuple[Block, ...]) -> str:
    for name in ("title", "h1"):
        tag = soup.find(name)
        if isinstance(tag, Tag) and cell_text(tag):
            return cell_text(tag)
    paragraphs = [b.text for b in blocks if isinstance(b, Paragraph)]
    titled = next((p for p in paragraphs if "年度报告" in p and len(p) <= 80), None)
    return titled or (paragraphs[0] if paragraphs else "")


class _Walker:
    """Walks the tree in document order, cutting text into paragraphs at block boundaries."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def walk(self, root: Tag) -> Iterator[Block]:
        # An explicit stack rather than recursion: a hostile page may nest thousands deep.
        stack: list[object] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, _End):
                yield from self._flush()
            elif isinstance(node, NavigableString):
                if not isinstance(node, _NOT_TEXT):
                    self._parts.append(str(node))
            elif isinstance(node, Tag):
                yield from self._enter(node, stack)
        yield from self._flush()

    def _enter(self, tag: Tag, stack: list[object]) -> Iterator[Block]:
        name = (tag.name or "").lower()
        if name in _SKIPPED:
            return
        if name == "br":
            yield from self._flush()
            return
        if name == "table" and not _is_layout_table(tag):
            yield from self._flush()
            yield from _table_blocks(tag)
            return
        is_block = name in _BLOCKS or name in ("table", "tr", "td", "th", "tbody", "thead", "tfoot")
        if is_block:
            yield from self._flush()
            stack.append(_End())
        stack.extend(reversed(tag.contents))

    def _flush(self) -> Iterator[Block]:
        text = clean("".join(self._parts))
        self._parts.clear()
        if text:
            yield Paragraph(text)


class _End:
    """Marks on the walk stack where a block element closes."""


def _is_layout_table(table: Tag) -> bool:
    """A table holding tables lays out the page; its content is read as blocks, not as a grid."""
    return table.find("table") is not None


def _table_blocks(table: Tag) -> Iterator[Block]:
    caption = table.find("caption")
    if isinstance(caption, Tag) and cell_text(caption):
        yield Paragraph(cell_text(caption))
    rows = table_grid(table)
    if rows:
        yield Table(rows=rows, page=None)


def table_grid(table: Tag) -> tuple[tuple[str, ...], ...]:
    """A rectangular grid of cell texts; a cell spanning rows/columns fills every position it covers."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        _place_row(grid, r, tr, len(rows))
    if not grid:
        return ()
    width = 1 + max(c for _, c in grid)
    if width * len(rows) > _MAX_GRID_CELLS:  # one wide row above many empty <tr>s: a sparse bomb
        raise UnreadableFile(
            f"a table of {len(rows):,} rows and {width:,} columns is over {_MAX_GRID_CELLS:,} cells; "
            "the page is malformed or hostile"
        )
    return tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(rows)))


def _place_row(grid: dict[tuple[int, int], str], r: int, tr: Tag, n_rows: int) -> None:
    c = 0
    for cell in tr.find_all(("td", "th"), recursive=False):
        while (r, c) in grid:  # positions already taken by a rowspan from above
            c += 1
        # rowspan="0" means "to the end of the table"; spans never reach past the last row.
        rowspan = _span(cell, "rowspan", 65534) or n_rows - r
        rowspan = min(rowspan, n_rows - r)
        colspan = _span(cell, "colspan", 1000) or 1
        if len(grid) + rowspan * colspan > _MAX_GRID_CELLS:
            raise UnreadableFile(
                f"a table expands to over {_MAX_GRID_CELLS:,} cells (rowspan/colspan); "
                "the page is malformed or hostile"
            )
        text = cell_text(cell)
        for dr in range(rowspan):
            for dc in range(colspan):
                grid.setdefault((r + dr, c + dc), text)
        c += colspan


def _span(cell: Tag, name: str, limit: int) -> int | None:
    """The span attribute, capped at ``limit``; 1 when missing or garbled, None for ``"0"``."""
    raw = cell.get(name)
    match = re.match(r"\s*(\d+)", raw if isinstance(raw, str) else "")
    if not match:
        return 1
    digits = match.group(1).lstrip("0") or "0"  # int() refuses over 4,300 digits: cap by length
    value = limit if len(digits) > len(str(limit)) else min(int(digits), limit)
    return value if value > 0 else None


def cell_text(cell: Tag) -> str:
    """A cell's text: every fragment joined, whitespace collapsed, ``&nbsp;``-only cells ``""``."""
    return clean("".join(visible_strings(cell)))


def visible_strings(tag: Tag) -> Iterator[str]:
    """The text fragments under ``tag`` in order, without scripts, styles and comments."""
    stack: list[object] = list(reversed(tag.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                yield str(node)
        elif isinstance(node, Tag) and (node.name or "").lower() not in _SKIPPED:
            stack.extend(reversed(node.contents))
