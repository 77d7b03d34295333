"""The library of stored reports: ingest files, keep their versions, delete and restore, and
repair the store.

This is where ingest (files → Report) meets the store and, when one is attached, the search
index. The CLI and the API both go through it to write; they read through ``nianbao.catalog``.
An ingest does its slow work first (read, extract, chunk, embed: :meth:`Library.prepare`), then
opens one short write transaction that only writes rows (:meth:`Library.commit`); writers queue
for the store's write lock and a file whose turn does not come within the busy timeout is
skipped with the reason. ``outcomes`` holds what the Library answers and the rules behind it,
``repair`` the reconciliation of SQL and the search index.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from nianbao import store
from nianbao.ingest import bodies
from nianbao.ingest.errors import IngestError, OverBudget, UnreadableFile
from nianbao.ingest.isolate import read_isolated
from nianbao.ingest.pipeline import Parsed, parse_file
from nianbao.library.disk import DiskFull, as_disk_full, check_free
from nianbao.library.outcomes import (
    Change,
    Outcome,
    Prepared,
    Status,
    already,
    better,
    cli_actor,
    describe,
    identity_conflict,
    readable,
)
from nianbao.library.repair import Reconciliation, reconcile, vector_reports
from nianbao.model import Report, ReportMeta
from nianbao.settings import Settings

T = TypeVar("T")
#: How long (seconds) a thread waits for another that is ingesting the same file.
SAME_FILE_WAIT = 120.0

log = logging.getLogger("nianbao.library")

SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".md"}


class Index(Protocol):
    """The search side: a report's chunks (and their vectors, made before the write transaction)
    added or removed together with its records. Only current versions are indexed.

    ``add``, ``remove`` and ``rename_body`` are called inside the Library's write transaction and
    given its connection: an index kept in the same database (PostgreSQL) writes on it, so the
    report and its vectors commit as one; one kept elsewhere (Chroma) ignores it."""

    def chunk_rows(self, report: Report) -> list[dict]: ...

    def embed(self, rows: list[dict]) -> Any: ...

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: Any = None,
        meta: ReportMeta | None = None,
        *,
        conn: Connection | None = None,
    ) -> None: ...

    def remove(self, report_id: str, *, conn: Connection | None = None) -> None: ...


class Library:
    """Write reports: ingest files, keep their versions, delete and restore, repair the store.

    Every change of which version is current (replace, a stub kept beside the current version,
    delete, restore, purge) is logged in the store's audit table with ``actor``.
    """

    def __init__(self, settings: Settings, index: Index | None = None) -> None:
        self.settings = settings
        self.index = index
        self._claims: dict[str, tuple[object, threading.Event]] = {}  # files being ingested, by SHA-256
        self._claims_lock = threading.Lock()

    @cached_property
    def engine(self) -> Engine:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return store.open_engine(self.settings)

    # --- ingest --------------------------------------------------------------------------

    def ingest_bytes(
        self,
        data: bytes,
        source: str,
        *,
        body: str | None = None,
        year: int | None = None,
        force: bool = False,
        actor: str | None = None,
    ) -> Outcome:
        """Ingest one file's bytes. Bad input is an Outcome with status ``skipped``, never a raise.

        ``body`` and ``year`` fill what the file does not name; a file that names another body
        or year is ``refused``. A new version that reads fewer cells than the current one is
        stored but stays beside it (``kept_current``) unless ``force``.
        """
        return self.commit(self.prepare(data, source, body=body, year=year), force=force, actor=actor)

    def prepare(
        self,
        data: bytes,
        source: str,
        *,
        body: str | None = None,
        year: int | None = None,
        batch: object | None = None,
        cancel: threading.Event | None = None,
    ) -> Prepared | Outcome:
        """Read, extract, chunk and embed one file, outside any write transaction; an Outcome
        when there is nothing to store (unchanged, refused, skipped, over its budget).

        The file is read within ``settings.budget``, in a child process with its memory and
        time limits unless ``settings.parse_in_child`` is off (``ingest.isolate``); setting
        ``cancel`` (the client went away) stops the read and skips the file.

        While another thread of this process works on the same file (ten uploads of one file at
        once), this one waits for it and then finds the file stored, rather than embedding it
        again (files of one ``batch``, prepared before any is committed, do not wait for each
        other). Pass what this returns to :meth:`commit` (or :meth:`discard`)."""
        sha = hashlib.sha256(data).hexdigest()
        other = self._claim(sha, batch if batch is not None else object())
        if other is not None:
            other.wait(SAME_FILE_WAIT)
        prepared = self._prepare(data, sha, source, body, year, cancel)
        if isinstance(prepared, Outcome):
            self._release(sha)
        return prepared

    def discard(self, prepared: Prepared | Outcome) -> None:
        """Give up a prepared file without storing it (other threads waiting for it go on)."""
        if isinstance(prepared, Prepared):
            self._release(prepared.report.meta.sha256)

    def _claim(self, sha256: str, batch: object) -> threading.Event | None:
        """None when no other batch is ingesting this file (this one now is); else the event
        that batch sets when it is done."""
        with self._claims_lock:
            owner, other = self._claims.get(sha256, (None, None))
            if other is None or other.is_set():
                self._claims[sha256] = (batch, threading.Event())
                return None
            return None if owner is batch else other

    def _release(self, sha256: str) -> None:
        with self._claims_lock:
            _, done = self._claims.pop(sha256, (None, None))
        if done is not None:
            done.set()

    def _prepare(
        self,
        data: bytes,
        sha: str,
        source: str,
        body: str | None,
        year: int | None,
        cancel: threading.Event | None,
    ) -> Prepared | Outcome:
        try:
            with self.engine.connect() as conn:
                known = store.find_by_sha(conn, sha)
            if known:
                return already(known, source)
            parsed = self._parse(data, source, body, year, cancel)
            conflict = identity_conflict(source, parsed.named_body, parsed.named_year, body, year)
            if conflict:
                return Outcome(source, "refused", conflict)
            if parsed.error is not None or parsed.report is None:
                raise parsed.error or UnreadableFile(f"{source}: no report could be read from it")
            report = parsed.report
        except IngestError as exc:
            return Outcome(source, "skipped", str(exc))
        except Exception as exc:  # noqa: BLE001 - a reader's bug must not abort the batch
            return Outcome(source, "skipped", f"{source}: could not be read ({type(exc).__name__}: {exc})")
        return self._index_rows(report, source)

    def _parse(
        self, data: bytes, source: str, body: str | None, year: int | None, cancel: threading.Event | None
    ) -> Parsed:
        budget = self.settings.budget
        if not self.settings.parse_in_child:
            return parse_file(data, source, budget, body=body, year=year)
        return read_isolated(parse_file, data, source, budget, cancel=cancel, body=body, year=year)

    def _index_rows(self, report: Report, source: str) -> Prepared | Outcome:
        """The report with its chunks and their vectors (none without an index)."""
        budget = self.settings.budget
        try:
            rows = self.index.chunk_rows(report) if self.index else []
            if len(rows) > budget.chunks:
                detail = f"its text makes {len(rows):,} search chunks"
                return Outcome(source, "skipped", str(OverBudget(source, detail, "chunks", budget.chunks)))
            vectors = self.index.embed(rows) if self.index and rows else None
        except Exception as exc:
            log.exception("indexing %s failed", source)
            return Outcome(
                source,
                "skipped",
                f"{source}: read, but the search index could not embed it ({type(exc).__name__}: "
                f"{exc}); nothing stored (`nianbao doctor` checks the model)",
            )
        return Prepared(report, rows, vectors)

    def commit(
        self, prepared: Prepared | Outcome, *, force: bool = False, actor: str | None = None
    ) -> Outcome:
        """Store a prepared report in one write transaction; a store that stays locked past the
        busy timeout makes it ``skipped`` with the reason. What ``prepare`` already decided
        stands, but for a file stored as a version that is not current: ``force`` makes that
        version current again."""
        if isinstance(prepared, Outcome):
            return self._forced(prepared, actor) if force else prepared
        source = prepared.report.meta.source
        try:
            return self._write(lambda conn: self._commit(conn, prepared, force, actor or cli_actor()))
        except (store.StoreBusy, DiskFull) as exc:
            return Outcome(source, "skipped", f"{source}: {exc}")
        except Exception as exc:
            log.exception("storing %s failed", source)
            return Outcome(source, "skipped", f"{source}: could not be stored ({type(exc).__name__}: {exc})")
        finally:
            self.discard(prepared)

    def _forced(self, outcome: Outcome, actor: str | None) -> Outcome:
        """An unchanged file that is stored as a version not current, made current (``force``)."""
        if outcome.status != "unchanged" or outcome.report_id is None:
            return outcome
        try:
            change = self.restore(outcome.report_id, actor=actor)
        except store.StoreBusy as exc:
            return Outcome(outcome.source, "skipped", f"{outcome.source}: {exc}", outcome.report_id)
        if change is None or change.action != "restore":
            return outcome
        return Outcome(outcome.source, "replaced", f"{change.message} (--force)", outcome.report_id)

    def _commit(self, conn: Connection, p: Prepared, force: bool, actor: str) -> Outcome:
        known = store.find_by_sha(conn, p.report.meta.sha256)
        if known:  # stored by another writer since prepare looked
            return already(known, p.report.meta.source)
        report = self._one_name(conn, p.report)
        m = report.meta
        for alias in m.aliases:
            store.add_body_alias(conn, alias, m.body)
        partial = tuple(str(c) for c in report.partial)
        old = store.find_by_body_year(conn, m.body, m.year)
        old_cells = store.load_cells(conn, old.meta.id) if old else []
        if old and old.meta.format != m.format and not better(report, old, old_cells):
            store.add_alias(conn, old.meta.id, m.source)
            return Outcome(
                m.source,
                "same_report",
                f"same report as {old.meta.source} ({m.body} {m.year}); "
                f"kept the records of {old.meta.source}",
                old.meta.id,
            )
        fewer = old is not None and readable(report.cells) < readable(old_cells)
        if old and fewer and not force:
            store.write_report(conn, report, chunk_rows=p.rows, current=False)
            counts = f"{readable(report.cells)} readable cells against {readable(old_cells)}"
            store.log_action(conn, actor, "keep_current", m, f"{counts}; current stays {old.meta.id}")
            return Outcome(
                m.source,
                "kept_current",
                f"{m.body} {m.year}: stored as a version, not made current: it reads {counts} in "
                f"{old.meta.source}, the current version; ingest it with --force (upload: force=true) "
                f"to make it current, or `nianbao restore {m.id}`",
                m.id,
                len(report.cells),
                old.meta.id,
                len(old_cells),
                partial,
            )
        if old:
            store.retire(conn, old.meta.id)
        aliases = [*old.also_seen_as, old.meta.source] if old and old.meta.format != m.format else []
        store.write_report(conn, report, chunk_rows=p.rows, also_seen_as=aliases)
        if old:
            store.log_action(
                conn,
                actor,
                "force_replace" if fewer else "replace",
                m,
                f"current instead of {old.meta.id} ({old.meta.source}, {readable(old_cells)} readable "
                f"cells; {readable(report.cells)} now)",
            )
        if self.index:
            if old:
                self.index.remove(old.meta.id, conn=conn)
            self.index.add(m.id, p.rows, p.vectors, meta=m, conn=conn)
        return Outcome(m.source, *describe(report, old), m.id, len(report.cells), partial=partial)

    def _one_name(self, conn: Connection, report: Report) -> Report:
        """The report under the name its body is stored under: a recorded alias's body, or a
        stored body that is the same one under a shorter or longer name (洪泽区人民政府 /
        淮安市洪泽区人民政府, see ``ingest.bodies.same_body``). The shorter name, as people say
        it, is kept (``bodies.canonical``); a longer stored one is renamed to it and becomes an
        alias."""
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
                rename(report_id, new, conn=conn)

    def ingest_paths(
        self,
        paths: Iterable[Path],
        *,
        body: str | None = None,
        year: int | None = None,
        force: bool = False,
        actor: str | None = None,
        started: Callable[[Path], None] | None = None,
    ) -> Iterator[Outcome]:
        """Ingest files one by one; first repair what an interrupted earlier run left (reconcile)
        and purge deleted versions past their retention. ``started(path)`` is called as each
        file begins (the CLI names the file in progress)."""
        try:
            repaired = self.reconcile()
            if repaired.changed:
                log.warning("an earlier run was interrupted; %s", repaired)
        except store.StoreBusy as exc:  # another writer is at work; it will not leave a mess
            log.warning("repair put off: %s", exc)
        except Exception as exc:
            full = as_disk_full(exc, self.settings.data_dir, self.settings.min_free_bytes)
            if full is None:
                raise
            log.warning("repair put off: %s", full)
        self.purge_deleted()
        limit = self.settings.budget.file_bytes
        for path in paths:
            if started is not None:
                started(path)
            try:
                size = path.stat().st_size
                if size > limit:  # not even read
                    over = OverBudget(path.name, f"the file is {size:,} bytes", "file_bytes", limit)
                    yield Outcome(path.name, "skipped", str(over))
                    continue
                data = path.read_bytes()
            except OSError as exc:
                yield Outcome(path.name, "skipped", f"cannot read the file: {exc}")
                continue
            yield self.ingest_bytes(data, path.name, body=body, year=year, force=force, actor=actor)

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
                out.append(already(known, path.name))
        return out

    # --- versions ----------------------------------------------------------------------------

    def delete(self, report_id: str, *, actor: str | None = None) -> Change | None:
        """Soft-delete a version: it leaves answers, lists and search at once and can be restored
        until the retention period ends. None when there is no such version (or it is deleted)."""

        def run(conn: Connection) -> Change | None:
            rep = store.get_report(conn, report_id)
            if rep is None or not store.soft_delete(conn, report_id):
                return None
            store.log_action(conn, actor or cli_actor(), "delete", rep.meta, f"was {rep.state}")
            if self.index and rep.current:
                self.index.remove(report_id, conn=conn)
            days = self.settings.deleted_retention_days
            return Change(
                report_id,
                "delete",
                f"{rep.meta.body} {rep.meta.year or ''} ({rep.meta.source}) deleted; restorable for "
                f"{days:g} days (`nianbao restore {report_id}`, POST /api/reports/{report_id}/restore)",
            )

        return self._write(run)

    def restore(self, report_id: str, *, actor: str | None = None) -> Change | None:
        """Make a stored version (kept or deleted) the current one of its body and year; the
        version it takes over from stays stored. None when there is no such version."""
        with self.engine.connect() as conn:
            if store.get_report(conn, report_id) is None:
                return None
            rows = store.chunks_of(conn, report_id)
        vectors = self.index.embed(rows) if self.index and rows else None  # before the transaction

        def run(conn: Connection) -> Change | None:
            rep = store.get_report(conn, report_id)
            if rep is None:
                return None
            m = rep.meta
            if rep.current:
                return Change(report_id, "unchanged", f"{m.source} is already the current version")
            before = store.make_current(conn, report_id)
            detail = f"was {rep.state}" + (f"; current instead of {before}" if before else "")
            store.log_action(conn, actor or cli_actor(), "restore", m, detail)
            if self.index:
                if before:
                    self.index.remove(before, conn=conn)
                self.index.add(report_id, rows, vectors, meta=m, conn=conn)
            return Change(
                report_id,
                "restore",
                f"{m.body} {m.year or ''}: {m.source} is current again"
                + (f" (instead of {before}, which stays stored)" if before else ""),
                before,
            )

        return self._write(run)

    def purge_deleted(self, *, actor: str = "retention") -> list[str]:
        """Delete for good the versions deleted longer ago than the retention period (each purge
        logged); their ids. A busy store is left for the next time (logged, not raised)."""
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.deleted_retention_days)
        before = cutoff.isoformat(timespec="seconds")
        with self.engine.connect() as conn:
            if not store.deleted_before(conn, before):  # the common case: a read, no write lock
                return []

        def run(conn: Connection) -> list[str]:
            for rep in store.deleted_before(conn, before):
                store.log_action(conn, actor, "purge", rep.meta, f"deleted at {rep.deleted_at}")
            return store.purge_deleted(conn, before)

        try:
            return self._write(run)
        except (store.StoreBusy, DiskFull) as exc:
            log.warning("purge of deleted reports put off: %s", exc)
            return []

    def reconcile(self) -> Reconciliation:
        """Make the SQL store whole and the search index agree with it (see ``repair.reconcile``)."""
        return reconcile(self.engine, self.index)

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction; when the store is busy, try again until the busy
        timeout is spent, then raise ``store.StoreBusy``. Raises ``DiskFull`` instead of writing
        when the disk is nearly full, and for a write that failed because it is."""
        data_dir, minimum = self.settings.data_dir, self.settings.min_free_bytes
        check_free(data_dir, minimum)
        deadline = time.monotonic() + self.settings.busy_timeout_seconds
        while True:
            try:
                with store.writing(self.engine) as conn:
                    return work(conn)
            except store.StoreBusy:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
            except Exception as exc:
                full = as_disk_full(exc, data_dir, minimum)
                if full is None:
                    raise
                raise full from exc


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files with a report suffix inside folders named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


__all__ = [
    "SUFFIXES",
    "Change",
    "DiskFull",
    "Index",
    "Library",
    "Outcome",
    "Prepared",
    "Reconciliation",
    "Status",
    "cli_actor",
    "collect_files",
    "readable",
    "vector_reports",
]
