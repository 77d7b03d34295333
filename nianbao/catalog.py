"""The read side: every read the CLI, the API, the answers and the exports make of the store.

``Catalog`` wraps the database engine and returns the values of ``nianbao.model``: stored
reports (the current version of each; ``versions`` and ``reports("deleted")`` list the others),
their cells (``StoredCell``) and findings (``StoredFinding``), each carrying its
provenance. The CLI's ``reports``, ``figures`` and ``check`` and the API's ``/api/reports``,
``/api/figures`` and ``/api/findings`` call the same methods, so they cannot disagree; the
routes wrap the values in the models of ``api.schemas``. No SQL here: that is ``nianbao.store``.

>>> catalog = Catalog(library.engine)
>>> [c.value for c in catalog.cells(body="市中区政府办", years=[2023], key="t3.new_received.total")]
[27]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Protocol

from nianbao import store
from nianbao.keys import CANONICAL_KEYS, TABLE_NAMES, label_of, row_heading
from nianbao.model import (
    AuditEntry,
    Finding,
    NarrativeFigure,
    ReportContents,
    Section,
    StoredCell,
    StoredFinding,
    StoredReport,
)
from nianbao.retrieval.names import same_body
from nianbao.store import lite

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from nianbao.retrieval.figures import FiguresTool

_PAGE_SUFFIX = re.compile(r" · 第\d+页$")


class Cited(Protocol):
    """What :meth:`Catalog.cited_keys` reads of a citation (``answer.model.Citation``)."""

    @property
    def report_id(self) -> str: ...

    @property
    def locator(self) -> str: ...


class Catalog:
    """Read the stored records. Cheap to make: it holds the engine and opens connections as it
    reads; a method that reads several tables reads them in one snapshot.

    An engine on an SQLite file is read over sqlite3 (``store.lite``: the same SQL as on
    PostgreSQL, without SQLAlchemy's layers); a :class:`store.lite.LiteStore` may be given
    itself (the light commands: no SQLAlchemy to import)."""

    def __init__(self, engine: Engine | lite.LiteStore) -> None:
        self.engine: Any = lite.reader(engine)

    @cached_property
    def figures(self) -> FiguresTool:
        """Typed operations over the stored cells (the figure answers)."""
        from nianbao.retrieval.figures import FiguresTool

        return FiguresTool(self.engine)

    # --- reports ---------------------------------------------------------------------------

    def reports(self, which: store.Which = "current") -> list[StoredReport]:
        """Every current report with its cell count, by body and year (``versions``: every
        version not deleted, older first; ``deleted``: the soft-deleted versions)."""
        with self.engine.connect() as conn:
            counts = store.cell_counts(conn)
            return [replace(r, cells=counts.get(r.meta.id, 0)) for r in store.list_reports(conn, which)]

    def versions(self, report_id: str) -> list[StoredReport]:
        """Every version of the report this version belongs to (same body and year, deleted ones
        too), oldest first, with cell counts; empty when there is no such version."""
        with self.engine.connect() as conn:
            counts = store.cell_counts(conn)
            return [replace(r, cells=counts.get(r.meta.id, 0)) for r in store.versions(conn, report_id)]

    def audit(self, report_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """The newest lines of the audit log first: replaces, deletes, restores, purges."""
        with self.engine.connect() as conn:
            return store.audit_log(conn, report_id, limit)

    def report_count(self) -> int:
        with self.engine.connect() as conn:
            return len(store.list_reports(conn))

    def report(self, report_id: str) -> ReportContents | None:
        """One version of a report (the current one or a kept one): metadata, sections, cells
        and findings; None when there is no such version or it is deleted."""
        with self.engine.connect() as conn:
            rep = store.get_report(conn, report_id)
            if rep is None or rep.deleted_at:
                return None
            cells = store.stored_cells(conn, [report_id])
            sections = store.load_sections(conn, report_id)
            findings = [_with_cells(rep, f, cells) for f in store.load_findings(conn, report_id)]
        return ReportContents(replace(rep, cells=len(cells)), tuple(sections), tuple(cells), tuple(findings))

    def by_body(self) -> dict[str, list[StoredReport]]:
        """Stored reports by body name (cells not counted)."""
        with self.engine.connect() as conn:
            reports = store.list_reports(conn)
        out: dict[str, list[StoredReport]] = {}
        for rep in reports:
            out.setdefault(rep.meta.body, []).append(rep)
        return out

    def matching_reports(self, body: str | None = None, years: Iterable[int] = ()) -> list[StoredReport]:
        """Reports whose body contains ``body`` or is the body it names (市中区政府办), in
        ``years`` (any year when none is given), by body and year."""
        with self.engine.connect() as conn:
            return _matching(store.list_reports(conn), body, years)

    # --- cells -----------------------------------------------------------------------------

    def cells(
        self, body: str | None = None, years: Iterable[int] = (), key: str | None = None
    ) -> list[StoredCell]:
        """Stored cells by body and year, each report's cells in table order; ``body`` as in
        :meth:`matching_reports`, ``key`` a canonical key prefix (``t3.new_received``)."""
        with self.engine.connect() as conn:
            reports = _matching(store.list_reports(conn), body, years)
            cells = store.stored_cells(conn, [r.meta.id for r in reports]) if reports else []
        order = {r.meta.id: i for i, r in enumerate(reports)}
        cells = [c for c in cells if not key or c.key.startswith(key)]
        return sorted(cells, key=lambda c: (order[c.report_id], _KEY_ORDER.get(c.key, len(_KEY_ORDER))))

    # --- findings --------------------------------------------------------------------------

    def findings(
        self,
        body: str | None = None,
        years: Iterable[int] = (),
        *,
        report_ids: Sequence[str] | None = None,
        across_years: bool = True,
    ) -> list[StoredFinding]:
        """Where reports break their own arithmetic (勾稽关系): the findings stored with each
        report, then (``across_years``) 上年结转 against last year's 结转下年度 where both years
        are stored. Reports as in :meth:`matching_reports`, or exactly ``report_ids`` in that
        order (those that are current versions)."""
        with self.engine.connect() as conn:
            if report_ids is None:
                chosen = _matching(store.list_reports(conn), body, years)
            else:
                got = map(partial(store.get_report, conn), report_ids)
                chosen = [r for r in got if r is not None and r.current]
            out = _stored_findings(conn, chosen)
            if across_years:
                wanted = {r.meta.id for r in chosen}
                pairs = [
                    (p, c) for p, c in consecutive_years(store.list_reports(conn)) if c.meta.id in wanted
                ]
                out += [f for prev, cur in pairs for f in _carry_over(conn, prev, cur)]
        return out

    # --- text ------------------------------------------------------------------------------

    def narrative(self, report_ids: Sequence[str]) -> list[NarrativeFigure]:
        """The figures the text of these reports states (受理申请27件)."""
        with self.engine.connect() as conn:
            return store.load_narrative(conn, report_ids)

    def text_with_sections(self, report_id: str) -> tuple[str, list[Section]]:
        """A report's narrative text and its sections (spans into the text)."""
        with self.engine.connect() as conn:
            return store.report_text(conn, report_id), store.load_sections(conn, report_id)

    def texts(self, report_ids: Sequence[str]) -> dict[str, str]:
        """The narrative text of each of these reports, by id (one read for all)."""
        with self.engine.connect() as conn:
            return store.report_texts(conn, report_ids)

    def aliases(self) -> dict[str, str]:
        """Every other name a stored body goes by (a slip corrected: 沐阳县人民政府) → its name."""
        with self.engine.connect() as conn:
            return store.body_alias_map(conn)

    # --- citations -------------------------------------------------------------------------

    def cited_keys(self, citations: Iterable[Cited]) -> list[str | None]:
        """The cell key each citation points at (None for a text passage).

        A cell citation's locator is ``table · row label · column label`` (· page), as stored;
        it is matched against the cells of the cited report.
        """
        cited = [(c.report_id, _PAGE_SUFFIX.sub("", c.locator)) for c in citations]
        asked: dict[str, list[str]] = {}
        for report_id, place in cited:
            if report_id:
                asked.setdefault(report_id, []).append(place)
        with self.engine.connect() as conn:  # only the cells cited are read
            keys = {i: store.cell_keys_at(conn, i, places) for i, places in asked.items()}
        return [keys.get(report_id, {}).get(place) for report_id, place in cited]


def _matching(reports: list[StoredReport], body: str | None, years: Iterable[int]) -> list[StoredReport]:
    if body:
        named = named_bodies(body, {r.meta.body for r in reports})
        reports = [r for r in reports if body in r.meta.body or any(same_body(r.meta.body, n) for n in named)]
    wanted = set(years)
    if wanted:
        reports = [r for r in reports if r.meta.year in wanted]
    return sorted(reports, key=lambda r: (r.meta.body, r.meta.year or 0))


def named_bodies(body: str, stored: set[str]) -> set[str]:
    """The stored bodies ``body`` names: itself when it is a stored body's exact name (read as
    written: building the body resolver's tables for one name cost ~80 ms, a quarter of a light
    command's start), else those the body resolver finds (市中区政府办, 沭阳发改局)."""
    if body in stored:
        return {body}
    from nianbao.retrieval.bodies import BodyResolver

    return {name for m in BodyResolver(stored).resolve(body) for name in (m.exact or m.near)}


def _stored_findings(conn: Any, reports: Sequence[StoredReport]) -> list[StoredFinding]:
    out = []
    for rep in reports:
        found = store.load_findings(conn, rep.meta.id)
        if found:
            keys = {k for f in found for k in f.keys}
            cells = store.stored_cells(conn, [rep.meta.id], keys)
            out += [_with_cells(rep, f, cells) for f in found]
    return out


def _with_cells(rep: StoredReport, finding: Finding, cells: Sequence[StoredCell]) -> StoredFinding:
    """The finding with the stored cells of its report that it names."""
    named = tuple(c for c in cells if c.key in finding.keys)
    return StoredFinding.of(rep.meta, finding, named)


def _carry_over(conn: Any, prev: StoredReport, cur: StoredReport) -> list[StoredFinding]:
    """This year's 上年结转 against last year's 结转下年度 (cited from both reports)."""
    from nianbao.ingest import checks

    found = checks.check_carry_over(
        store.load_cells(conn, prev.meta.id),
        store.load_cells(conn, cur.meta.id),
        prev.meta.year or 0,
        cur.meta.year or 0,
    )
    if not found:
        return []
    before = store.stored_cells(conn, [prev.meta.id], {f.keys[0] for f in found})
    after = store.stored_cells(conn, [cur.meta.id], {f.keys[1] for f in found})
    return [
        StoredFinding.of(
            cur.meta,
            f,
            tuple(c for c in before if c.key == f.keys[0]) + tuple(c for c in after if c.key == f.keys[1]),
        )
        for f in found
    ]


def consecutive_years(reports: list[StoredReport]) -> Iterator[tuple[StoredReport, StoredReport]]:
    """(last year's, this year's) report of each body that has both stored."""
    for prev in reports:
        for cur in reports:
            if (
                prev.meta.year
                and cur.meta.year == prev.meta.year + 1
                and same_body(prev.meta.body, cur.meta.body)
            ):
                yield prev, cur


# --- metrics --------------------------------------------------------------------------------


#: Table order: the order of the canonical keys in keys.py (表二, 表三, 表四, row by row).
_KEY_ORDER = {key: i for i, key in enumerate(CANONICAL_KEYS)}


def unknown_key(key: str | None) -> str | None:
    """Why ``key`` selects nothing, naming the nearest canonical keys; None when some canonical
    key starts with it (a whole key, a row ``t3.new_received`` or a table ``t3``).

    >>> unknown_key("t3.new_recieved")  # doctest: +ELLIPSIS
    "no canonical key starts with 't3.new_recieved'; nearest: t3.new_received, ..."
    """
    if not key or any(k.startswith(key) for k in CANONICAL_KEYS):
        return None
    from rapidfuzz import fuzz, process

    rows = {k.rsplit(".", 1)[0] for k in CANONICAL_KEYS}
    nearest = process.extract(key, [*sorted(rows), *CANONICAL_KEYS], scorer=fuzz.ratio, limit=5)
    return f"no canonical key starts with {key!r}; nearest: {', '.join(n for n, _, _ in nearest)}"


def metrics() -> list[dict]:
    """Every canonical key with its Chinese row and column labels (keys.py)."""
    out = []
    for key in CANONICAL_KEYS:
        table, row, column = key.split(".")
        row_label, column_label = label_of(key)
        out.append(
            {
                "key": key,
                "table": table,
                "table_name": TABLE_NAMES[table],
                "row": row,
                "column": column,
                "row_label": row_label,
                "column_label": column_label,
                "row_heading": row_heading(table, row),
            }
        )
    return out
