"""The library of stored reports: ingest files, replace versions, delete, and repair the store.

This is where ingest (files → Report) meets the store and, when one is attached, the search
index. The CLI and the API both go through it to write; they read through ``nianbao.catalog``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from nianbao import store
from nianbao.ingest import bodies
from nianbao.ingest.errors import IngestError
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_bytes
from nianbao.model import Report, StoredReport
from nianbao.settings import Settings

log = logging.getLogger("nianbao.library")

Status = Literal["ingested", "replaced", "unchanged", "same_report", "skipped"]
SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".md"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: the CLI prints it, the API returns it. ``partial`` names the
    standard tables the file has but that were read in part (``表三: 0 of 175 cells read``)."""

    source: str
    status: Status
    message: str
    report_id: str | None = None
    cells: int = 0
    partial: tuple[str, ...] = ()


class Index(Protocol):
    """The search side: chunks of a report added or removed together with its records."""

    def chunk_rows(self, report: Report) -> list[dict]: ...

    def add(self, report_id: str, rows: list[dict]) -> None: ...

    def remove(self, report_id: str) -> None: ...


@dataclass(frozen=True)
class Reconciliation:
    """What :meth:`Library.reconcile` changed to make the store whole again."""

    orphan_rows: int = 0  #: SQL rows (cells, sections, chunks, ...) whose report row was gone
    orphan_vectors: int = 0  #: Chroma vectors without a chunk row, deleted
    missing_vectors: int = 0  #: chunk rows without a vector, embedded again from the row's text
    keyword_reports: int = 0  #: reports the keyword index held wrongly (or lacked), re-indexed

    @property
    def changed(self) -> bool:
        return any((self.orphan_rows, self.orphan_vectors, self.missing_vectors, self.keyword_reports))

    def __str__(self) -> str:
        if not self.changed:
            return "the search index agrees with the records"
        return (
            f"deleted orphan rows: {self.orphan_rows}, orphan vectors: {self.orphan_vectors}; "
            f"embedded missing chunks: {self.missing_vectors}; corrected the keyword index for "
            f"reports: {self.keyword_reports}"
        )


class Library:
    """The stored reports, for writing: ingest, replace, delete, and reconcile with the index."""

    def __init__(self, settings: Settings, index: Index | None = None) -> None:
        self.settings = settings
        self.index = index

    @cached_property
    def engine(self) -> Engine:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return store.connect(self.settings.db_url)

    # --- ingest --------------------------------------------------------------------------

    def ingest_bytes(
        self, data: bytes, source: str, *, body: str | None = None, year: int | None = None
    ) -> Outcome:
        """Ingest one file's bytes. Bad input is an Outcome with status ``skipped``, never a raise."""
        try:
            doc = read_bytes(data, source)
            with self.engine.connect() as conn:
                known = store.find_by_sha(conn, doc.sha256)
            if known:
                return _unchanged(source, known)
            report = extract_report(doc, body=body, year=year)
        except IngestError as exc:
            return Outcome(source, "skipped", str(exc))
        except Exception as exc:  # noqa: BLE001 - a reader's bug must not abort the batch
            return Outcome(source, "skipped", f"{source}: could not be read ({type(exc).__name__}: {exc})")
        return self._store(report)

    def _store(self, report: Report) -> Outcome:
        with self.engine.begin() as conn:
            report = self._one_name(conn, report)
            m = report.meta
            for alias in m.aliases:
                store.add_body_alias(conn, alias, m.body)
            old = store.find_by_body_year(conn, m.body, m.year)
            if (
                old
                and old.meta.format != m.format
                and not _better(report, old, store.load_cells(conn, old.meta.id))
            ):
                store.add_alias(conn, old.meta.id, m.source)
                return Outcome(
                    m.source,
                    "same_report",
                    f"same report as {old.meta.source} ({m.body} {m.year}); "
                    f"kept the records of {old.meta.source}",
                    old.meta.id,
                )
            rows = self.index.chunk_rows(report) if self.index else []
            aliases = [*old.also_seen_as, old.meta.source] if old and old.meta.format != m.format else []
            store.write_report(
                conn, report, chunk_rows=rows, replaces=old.meta.id if old else None, also_seen_as=aliases
            )
            if self.index:
                if old:
                    self.index.remove(old.meta.id)
                self.index.add(m.id, rows)
        partial = tuple(str(c) for c in report.partial)
        return Outcome(m.source, *_describe(report, old), m.id, len(report.cells), partial)

    def _one_name(self, conn: Connection, report: Report) -> Report:
        """The report under the name its body is stored under: a recorded alias's body, or a
        stored body that is the same one under a shorter or longer name (洪泽区人民政府 /
        淮安市洪泽区人民政府, see ``ingest.bodies.same_body``). The longer name is kept; a
        shorter stored one is renamed to it and becomes an alias."""
        m = report.meta
        name = store.body_alias_map(conn).get(m.body, m.body)
        if name == m.body:
            where = m.region or ""
            for other, regions in store.body_regions(conn).items():
                if other != name and bodies.same_body(name, other, where, " ".join(regions)):
                    name = bodies.canonical(name, other)
                    if name != other:
                        self._rename(conn, other, name)
                    break
        if name == m.body:
            return report
        meta = replace(m, body=name, aliases=tuple(dict.fromkeys((*m.aliases, m.body))))
        return replace(report, meta=meta)

    def _rename(self, conn: Connection, old: str, new: str) -> None:
        """Store the reports of ``old`` under ``new``, and tell the search index."""
        renamed = store.reports_of_body(conn, old)
        store.rename_body(conn, old, new)
        rename = getattr(self.index, "rename_body", None)
        if rename is not None:
            for report_id in renamed:
                rename(report_id, new)

    def ingest_paths(
        self, paths: Iterable[Path], *, body: str | None = None, year: int | None = None
    ) -> Iterator[Outcome]:
        """Ingest files one by one; first repair what an interrupted earlier run left (reconcile)."""
        repaired = self.reconcile()
        if repaired.changed:
            log.warning("an earlier run was interrupted; %s", repaired)
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield Outcome(path.name, "skipped", f"cannot read the file: {exc}")
                continue
            yield self.ingest_bytes(data, path.name, body=body, year=year)

    def already_stored(self, paths: Sequence[Path]) -> list[Outcome] | None:
        """The ``unchanged`` outcomes of these files when every one is stored already (the same
        bytes), else None: a run with nothing new to ingest (a restart) need not open the search
        index, nor repair it (the server's start does that)."""
        out = []
        with self.engine.connect() as conn:
            for path in paths:
                try:
                    sha = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    return None
                known = store.find_by_sha(conn, sha)
                if known is None:
                    return None
                out.append(_unchanged(path.name, known))
        return out

    def delete(self, report_id: str) -> bool:
        with self.engine.begin() as conn:
            deleted = store.delete_report(conn, report_id)
            if deleted and self.index:
                self.index.remove(report_id)
        return deleted

    # --- repair ---------------------------------------------------------------------------

    def reconcile(self) -> Reconciliation:
        """Make the SQL store whole and the search index agree with it; SQL is the truth.

        A report's rows and its vectors are written in one SQL transaction, but Chroma is not
        part of it: a process killed after Chroma wrote and before SQL committed leaves vectors
        of a report that is not stored (or, during a replace, stored chunks without vectors).
        This deletes vectors without a chunk row, embeds chunk rows without a vector, deletes
        SQL rows whose report is gone, and removes from the keyword index (or adds to it) the
        reports whose chunks it holds wrongly. It holds the SQL write lock meanwhile: other
        writers touch the index only inside their own write transaction, so none is half done
        while this looks.
        """
        with self.engine.begin() as conn:
            store.lock_writes(conn)
            orphan_rows = store.delete_orphan_rows(conn)
            index = self.index
            if index is None or not hasattr(index, "vectors"):
                return Reconciliation(orphan_rows=orphan_rows)
            chunk_reports = store.stored_chunks(conn)
            vectors = vector_reports(index)
            orphans = sorted(set(vectors) - set(chunk_reports))
            missing = sorted(set(chunk_reports) - set(vectors))
            step = 500
            for i in range(0, len(orphans), step):
                index.vectors.collection.delete(ids=orphans[i : i + step])
            for report_id, rows in store.chunk_rows_by_report(conn, missing).items():
                index.add(report_id, rows)
            keyword_reports = index.sync_keywords(chunk_reports)  # type: ignore[attr-defined]  # an index with vectors is a SearchIndex
        return Reconciliation(orphan_rows, len(orphans), len(missing), keyword_reports)


# --- reconcile's view of the search index ------------------------------------------------


def vector_reports(index: Any, page: int = 5000) -> dict[str, str]:
    """Chunk id → report id of every vector in the index's Chroma collection."""
    out: dict[str, str] = {}
    offset = 0
    while True:
        got = index.vectors.collection.get(include=["metadatas"], limit=page, offset=offset)
        for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            out[chunk_id] = str((meta or {}).get("report_id", ""))
        if len(got["ids"]) < page:
            return out
        offset += page


def _better(new: Report, old: StoredReport, old_cells: list) -> bool:
    """Keep the version with more readable cells; on a tie, the more structured format."""

    def score(cells: Iterable, fmt: str) -> tuple[int, int]:
        return (sum(1 for c in cells if c.value is not None), store.FORMAT_RANK.get(fmt, 0))

    return score(new.cells, new.meta.format) > score(old_cells, old.meta.format)


def _describe(report: Report, old: StoredReport | None) -> tuple[Status, str]:
    m = report.meta
    what = f"{m.body} {m.year or '年份未知'}: {len(report.cells)} cells, {len(report.findings)} findings"
    if report.warnings and not report.cells:
        what += f" ({report.warnings[-1]})"
    if report.partial:
        what += "; read in part: " + ", ".join(str(c) for c in report.partial)
    if old is None:
        return "ingested", what
    if old.meta.format != m.format:
        return "replaced", f"{what}; same report as {old.meta.source}, kept the records of {m.source}"
    return "replaced", f"{what}; new version replaces {old.meta.source}"


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files with a report suffix inside folders named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


def _unchanged(source: str, known: StoredReport) -> Outcome:
    """The outcome of a file whose bytes are stored already, naming tables read in part."""
    partial = tuple(str(c) for c in known.partial)
    message = f"already stored as {known.meta.source}"
    if partial:
        message += "; read in part: " + ", ".join(partial)
    return Outcome(source, "unchanged", message, known.meta.id, partial=partial)
