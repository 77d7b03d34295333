"""The library of stored reports: ingest files, replace versions, delete, and check them.

This is where ingest (files → Report) meets the store and, when one is attached, the search
index. The CLI and the API both go through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, Protocol

from sqlalchemy.engine import Engine

from ingest import checks
from ingest.errors import IngestError
from ingest.model import Finding, Report
from ingest.pipeline import extract_report
from ingest.read import read_bytes
from nianbao import store
from nianbao.settings import Settings

Status = Literal["ingested", "replaced", "unchanged", "same_report", "skipped"]
SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".md"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: the CLI prints it, the API returns it."""

    source: str
    status: Status
    message: str
    report_id: str | None = None
    cells: int = 0


class Index(Protocol):
    """The search side: chunks of a report added or removed together with its records."""

    def chunk_rows(self, report: Report) -> list[dict]: ...

    def add(self, report_id: str, rows: list[dict]) -> None: ...

    def remove(self, report_id: str) -> None: ...


class Library:
    def __init__(self, settings: Settings, index: Index | None = None) -> None:
        self.settings = settings
        self.index = index

    @cached_property
    def engine(self) -> Engine:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return store.connect(self.settings.db_url)

    # --- ingest --------------------------------------------------------------------------

    def ingest_bytes(self, data: bytes, source: str, *, body: str | None = None, year: int | None = None) -> Outcome:
        """Ingest one file's bytes. Bad input is an Outcome with status ``skipped``, never a raise."""
        try:
            doc = read_bytes(data, source)
            with self.engine.connect() as conn:
                known = store.find_by_sha(conn, doc.sha256)
            if known:
                return Outcome(source, "unchanged", f"already stored as {known.meta.source}", known.meta.id)
            report = extract_report(doc, body=body, year=year)
        except IngestError as exc:
            return Outcome(source, "skipped", str(exc))
        except Exception as exc:  # noqa: BLE001 - a reader's bug must not abort the batch
            return Outcome(source, "skipped", f"{source}: could not be read ({type(exc).__name__}: {exc})")
        return self._store(report)

    def _store(self, report: Report) -> Outcome:
        m = report.meta
        with self.engine.begin() as conn:
            old = store.find_by_body_year(conn, m.body, m.year)
            if old and old.meta.format != m.format and not _better(report, old, store.load_cells(conn, old.meta.id)):
                store.add_alias(conn, old.meta.id, m.source)
                return Outcome(
                    m.source, "same_report", f"same report as {old.meta.source} ({m.body} {m.year}); "
                    f"kept the records of {old.meta.source}", old.meta.id
                )
            rows = self.index.chunk_rows(report) if self.index else []
            aliases = [*old.also_seen_as, old.meta.source] if old and old.meta.format != m.format else []
            store.write_report(conn, report, chunk_rows=rows, replaces=old.meta.id if old else None,
                               also_seen_as=aliases)
            if self.index:
                if old:
                    self.index.remove(old.meta.id)
                self.index.add(m.id, rows)
        return Outcome(m.source, *_describe(report, old), m.id, len(report.cells))

    def ingest_paths(self, paths: Iterable[Path], *, body: str | None = None, year: int | None = None) -> Iterator[Outcome]:
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield Outcome(path.name, "skipped", f"cannot read the file: {exc}")
                continue
            yield self.ingest_bytes(data, path.name, body=body, year=year)

    def delete(self, report_id: str) -> bool:
        with self.engine.begin() as conn:
            deleted = store.delete_report(conn, report_id)
            if deleted and self.index:
                self.index.remove(report_id)
        return deleted

    # --- checks --------------------------------------------------------------------------

    def findings(self) -> list[tuple[store.StoredReport, Finding]]:
        """Stored findings of every report, plus 上年结转 vs last year's 结转下年度 where both exist."""
        out: list[tuple[store.StoredReport, Finding]] = []
        with self.engine.connect() as conn:
            stored = store.list_reports(conn)
            for rep in stored:
                out += [(rep, f) for f in store.load_findings(conn, rep.meta.id)]
            for prev, cur in consecutive_years(stored):
                found = checks.check_carry_over(
                    store.load_cells(conn, prev.meta.id), store.load_cells(conn, cur.meta.id),
                    prev.meta.year or 0, cur.meta.year or 0,
                )
                out += [(cur, f) for f in found]
        return out


def same_body(a: str, b: str) -> bool:
    """洪泽区人民政府 and 淮安市洪泽区人民政府 are one body: one name ends with the other."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))


def consecutive_years(reports: list[store.StoredReport]) -> Iterator[tuple[store.StoredReport, store.StoredReport]]:
    for prev in reports:
        for cur in reports:
            if prev.meta.year and cur.meta.year == prev.meta.year + 1 and same_body(prev.meta.body, cur.meta.body):
                yield prev, cur


def _better(new: Report, old: store.StoredReport, old_cells: list) -> bool:
    """Keep the version with more readable cells; on a tie, the more structured format."""
    def score(cells: Iterable, fmt: str) -> tuple[int, int]:
        return (sum(1 for c in cells if c.value is not None), store.FORMAT_RANK.get(fmt, 0))

    return score(new.cells, new.meta.format) > score(old_cells, old.meta.format)


def _describe(report: Report, old: store.StoredReport | None) -> tuple[Status, str]:
    m = report.meta
    what = f"{m.body} {m.year or '年份未知'}: {len(report.cells)} cells, {len(report.findings)} findings"
    if report.warnings and not report.cells:
        what += f" ({report.warnings[-1]})"
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
