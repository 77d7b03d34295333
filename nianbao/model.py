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
    """What a reader returns: the title and the blocks in document order.

    ``published`` (``YYYY-MM-DD``) and ``source_url`` are what the page says about itself (a
    crawler's header, an HTML page's meta tags), when it says it.
    """

    source: str
    format: str
    title: str
    blocks: tuple[Block, ...]
    sha256: str
    published: str | None = None
    source_url: str | None = None

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
    """Who published a report, for which year, in which layout, from which file (id: content hash).

    ``body`` is the canonical name; ``aliases`` are other names the same
    body goes by in this report (a slip corrected: 沐阳县人民政府 for 沭阳县人民政府).
    ``published`` (``YYYY-MM-DD``) and ``source_url`` come from the page, when it gives them."""

    id: str
    source: str
    format: str
    body: str
    region: str | None
    year: int | None
    layout: str
    title: str
    sha256: str
    published: str | None = None
    source_url: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading and its character span [start, end) in ``Document.text``."""

    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Cell:
    """One number cell of tables 2–4, under its canonical key (report-format.md).

    ``value`` is None where the report left the cell blank (``as_written`` ``""``, ``—`` …) and
    its tables do not fix it at 0 (``ingest/blanks.py``), or where a glued digit string could not
    be cut (``note`` says so): unknown, never counted as zero."""

    key: str
    value: float | int | None
    as_written: str
    table: str
    row_label: str
    column_label: str
    page: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Finding:
    """An arithmetic rule the report breaks. It names the cells and numbers, never edits them.

    ``quote`` is the report's own sentence, exactly as written, when the finding sets a figure
    of the text against the tables (正文「受理申请27件」…); None for a break within the tables.
    """

    rule: str
    keys: tuple[str, ...]
    numbers: tuple[float, ...]
    message: str
    quote: str | None = None


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure quoted in the text, e.g. 受理申请27件, with its span in ``Document.text``."""

    quote: str
    value: float
    unit: str
    key: str | None
    start: int


@dataclass(frozen=True)
class TableCoverage:
    """How many cells of one standard table a report's file gave, of the cells its layout has.

    >>> str(TableCoverage("t3", "表三", 0, 175))
    '表三: 0 of 175 cells read'
    """

    table: str  #: ``t2``, ``t3`` or ``t4``
    name: str  #: 表二, 表三 or 表四
    read: int
    expected: int

    @property
    def partial(self) -> bool:
        return self.read < self.expected

    def __str__(self) -> str:
        return f"{self.name}: {self.read} of {self.expected} cells read"


@dataclass(frozen=True)
class Report:
    """Everything ingest extracts from one file. ``coverage``: for each standard table the
    report has, how many of its cells were read."""

    meta: ReportMeta
    text: str
    sections: tuple[Section, ...]
    cells: tuple[Cell, ...]
    findings: tuple[Finding, ...] = ()
    narrative: tuple[NarrativeFigure, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    coverage: tuple[TableCoverage, ...] = ()

    @property
    def partial(self) -> tuple[TableCoverage, ...]:
        """The tables read in part (or not at all)."""
        return tuple(c for c in self.coverage if c.partial)

    def cell(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)


# --- what the store gives back: stored values with their provenance --------------------------


@dataclass(frozen=True)
class StoredReport:
    """A stored version of a report: its metadata; ``cells`` is how many cells it has, when that
    was counted; ``coverage`` what ingest read of each standard table (empty for a report stored
    before coverage was recorded); ``version`` its number among the versions of its body and year
    (1, 2, … in the order they arrived); ``current`` whether it is the version that answers,
    figures and search read (one per body and year); ``deleted_at`` when it was soft-deleted (None
    if it was not)."""

    meta: ReportMeta
    warnings: tuple[str, ...]
    also_seen_as: tuple[str, ...]
    ingested_at: str
    cells: int | None = None
    coverage: tuple[TableCoverage, ...] = ()
    version: int = 1
    current: bool = True
    deleted_at: str | None = None

    @property
    def partial(self) -> tuple[TableCoverage, ...]:
        return tuple(c for c in self.coverage if c.partial)

    @property
    def state(self) -> str:
        """``current``, ``kept`` (a stored version that is not current) or ``deleted``."""
        return "deleted" if self.deleted_at else "current" if self.current else "kept"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who (``cli:USER``, or ``key:`` and a short hash of the admin
    key) did what (``replace``, ``force_replace``, ``keep_current``, ``delete``, ``restore``,
    ``purge``) to which version of a report, and when (UTC)."""

    at: str
    actor: str
    action: str
    report_id: str
    body: str
    year: int | None
    source: str
    detail: str


@dataclass(frozen=True)
class StoredCell:
    """One stored table cell with its provenance: the report, the file, the body and year, and
    where in the report it sat. The CLI, the API, the exports and the answers all read these.

    >>> cell.locator
    '表三 收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计'
    """

    report_id: str
    source: str
    body: str
    year: int | None
    key: str
    value: float | int | None
    as_written: str
    table: str
    row_label: str
    column_label: str
    page: int | None = None

    @property
    def locator(self) -> str:
        """``table · row · column``, and ``· 第N页`` for a cell read from a page."""
        where = f"{self.table} · {self.row_label} · {self.column_label}"
        return f"{where} · 第{self.page}页" if self.page else where

    @classmethod
    def of(cls, meta: ReportMeta, cell: Cell) -> StoredCell:
        """An extracted cell with the provenance of the report it came from."""
        return cls(
            meta.id,
            meta.source,
            meta.body,
            meta.year,
            cell.key,
            cell.value,
            cell.as_written,
            cell.table,
            cell.row_label,
            cell.column_label,
            cell.page,
        )


@dataclass(frozen=True)
class StoredFinding:
    """A stored finding with its provenance: the report it was found in, the report's sentence
    it quotes (if any), and the stored cells it names (for a cross-year finding, cells of two
    reports, each with its own provenance)."""

    report_id: str
    source: str
    body: str
    year: int | None
    rule: str
    keys: tuple[str, ...]
    numbers: tuple[float, ...]
    message: str
    quote: str | None = None
    cells: tuple[StoredCell, ...] = ()

    @classmethod
    def of(cls, meta: ReportMeta, finding: Finding, cells: tuple[StoredCell, ...] = ()) -> StoredFinding:
        return cls(
            meta.id,
            meta.source,
            meta.body,
            meta.year,
            finding.rule,
            finding.keys,
            finding.numbers,
            finding.message,
            finding.quote,
            cells,
        )


@dataclass(frozen=True)
class ReportContents:
    """One stored report in full, read in one snapshot: metadata, sections, cells, findings."""

    report: StoredReport
    sections: tuple[Section, ...]
    cells: tuple[StoredCell, ...]
    findings: tuple[StoredFinding, ...]


# --- conversations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One question of a conversation and the answer it got, as the page shows it again.
    ``citations`` are plain mappings (the fields of ``answer.model.Citation``); ``at`` is
    seconds since the epoch."""

    question: str
    answer: str
    status: str
    citations: tuple[dict, ...] = ()
    at: float = 0.0


@dataclass(frozen=True)
class Feedback:
    """A 赞 (``up``) or 踩 (``down``) on one answer, with the question, answer, status and cited
    files as the conversation kept them. ``at`` and ``turn_at`` are seconds since the epoch:
    when it was rated, and when the answer was given (with the conversation id, which answer)."""

    at: float
    conversation_id: str
    turn_at: float
    rating: str
    comment: str
    question: str
    answer: str
    status: str
    sources: str = ""


@dataclass(frozen=True)
class Conversation:
    """A conversation: its server-issued id, what the next question may leave out (``state``),
    and its turns, oldest first. ``created``/``updated`` are seconds since the epoch."""

    id: str
    state: dict = field(default_factory=dict)
    turns: tuple[Turn, ...] = ()
    created: float = 0.0
    updated: float = 0.0
