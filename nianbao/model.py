"""Values that cross stage boundaries. Each carries its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """A run of narrative text as the reader found it."""

    text: str
    page: int | None = None


@dataclass(frozen=True)
class Table:
    """A table as a rectangular grid of cell texts.

    Merged cells are expanded: every grid position a merged cell covers holds its text, so a
    row-group label such as （三）不予公开 stands beside each of its sub-rows.
    ``flat`` marks a table recovered from web text that glued a row's numbers into one digit
    string: each row is then ``(label, digits)`` and the digits still need splitting.
    """

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None
    row_pages: tuple[int | None, ...] = ()
    flat: bool = False

    def page_of(self, row: int) -> int | None:
        return self.row_pages[row] if row < len(self.row_pages) else self.page


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """What a reader returns: the title and the blocks in document order."""

    source: str
    format: str
    title: str
    blocks: tuple[Block, ...]
    sha256: str

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def text(self) -> str:
        """The narrative text; section spans and quotes index into this string."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class ReportMeta:
    id: str
    source: str
    format: str
    body: str
    region: str | None
    year: int | None
    layout: str
    title: str
    sha256: str


@dataclass(frozen=True)
class Section:
    """A heading and its character span [start, end) in ``Document.text``."""

    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Cell:
    """One number cell of tables 2–4, under its canonical key (report-format.md)."""

    key: str
    value: float | int | None
    as_written: str
    table: str
    row_label: str
    column_label: str
    page: int | None = None
    note: str | None = None

    @property
    def numeric(self) -> float | int:
        """The value used for arithmetic: blanks and dashes count as zero."""
        return self.value if self.value is not None else 0


@dataclass(frozen=True)
class Finding:
    """An arithmetic rule the report breaks. It names the cells and numbers, never edits them."""

    rule: str
    keys: tuple[str, ...]
    numbers: tuple[float, ...]
    message: str


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure quoted in the text, e.g. 受理申请27件, with its span in ``Document.text``."""

    quote: str
    value: float
    unit: str
    key: str | None
    start: int


@dataclass(frozen=True)
class Report:
    """Everything ingest extracts from one file."""

    meta: ReportMeta
    text: str
    sections: tuple[Section, ...]
    cells: tuple[Cell, ...]
    findings: tuple[Finding, ...] = ()
    narrative: tuple[NarrativeFigure, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def cell(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)
